#include "elbo_impl.h"

/* The generative network f of Sip et al. (2023), eq. 18: f(x~) = W2 relu(W1 x~ + b1) + b2 on
   x~ = [x_t, theta_r, theta_s, u_t, u_ext_t] (u absent in variant AS, u_ext in variant AN),
   batched over all items and steps of one sample; and its L2 penalty. */

PetscErrorCode NMInferDriftForward(NMInferModel m, PetscInt rows)
{
  NMInferWork   *w  = &m->w;
  const double  *t  = m->theta;
  const PetscInt hf = m->d.hidden_f;

  PetscFunctionBegin;
  PetscCall(NMDenseForward(rows, m->nfin, hf, w->Fin, m->nfin, t + m->f0.k, t + m->f0.b, w->Fh, hf));
  for (PetscInt q = 0; q < rows * hf; q++) w->Fh[q] = w->Fh[q] > 0.0 ? w->Fh[q] : 0.0;
  PetscCall(NMDenseForward(rows, hf, m->d.ns, w->Fh, hf, t + m->f1.k, t + m->f1.b, w->Fo, m->d.ns));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferDriftBackward(NMInferModel m, PetscInt rows, double grad[])
{
  NMInferWork   *w  = &m->w;
  const double  *t  = m->theta;
  const PetscInt hf = m->d.hidden_f;

  PetscFunctionBegin;
  PetscCall(NMDenseBackward(rows, hf, m->d.ns, w->Fh, hf, t + m->f1.k, w->dFo, m->d.ns, w->dFh, hf, grad + m->f1.k, grad + m->f1.b));
  for (PetscInt q = 0; q < rows * hf; q++)
    if (w->Fh[q] <= 0.0) w->dFh[q] = 0.0; /* ReLU: the kept output is positive exactly where the unit is active */
  PetscCall(NMDenseBackward(rows, m->nfin, hf, w->Fin, m->nfin, t + m->f0.k, w->dFh, hf, w->dFin, m->nfin, grad + m->f0.k, grad + m->f0.b));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferDrift(NMInferModel m, const double x[], const double thr[], const double ths[], double u, double uext, double dx[])
{
  const double  *t = m->theta, *K0 = t + m->f0.k, *K1 = t + m->f1.k;
  const PetscInt ns = m->d.ns, mr = m->d.mr, ms = m->ms_eff, hf = m->d.hidden_f;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < ns; k++) dx[k] = t[m->f1.b + k];
  /* one hidden unit at a time, so no buffer: z_j = b1_j + sum_i x~_i W1[i, j] */
  for (PetscInt j = 0; j < hf; j++) {
    PetscInt i = 0;
    double   z = t[m->f0.b + j];
    for (PetscInt q = 0; q < ns; q++) z += x[q] * K0[(i++) * hf + j];
    for (PetscInt q = 0; q < mr; q++) z += thr[q] * K0[(i++) * hf + j];
    for (PetscInt q = 0; q < ms; q++) z += ths[q] * K0[(i++) * hf + j];
    if (m->u_in_f) z += u * K0[(i++) * hf + j];
    if (m->has_uext) z += uext * K0[(i++) * hf + j];
    if (z > 0.0)
      for (PetscInt k = 0; k < ns; k++) dx[k] += z * K1[j * ns + k];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferL2(NMInferModel m, double *value, double *grad)
{
  const size_t begin = m->f0.k, end = m->f1.b + (size_t)m->d.ns; /* f's four blocks are consecutive */
  double       s     = 0;

  PetscFunctionBegin;
  for (size_t q = begin; q < end; q++) {
    s += m->theta[q] * m->theta[q];
    if (grad) grad[q] += 0.02 * m->theta[q];
  }
  if (value) *value = 0.01 * s;
  PetscFunctionReturn(0);
}
