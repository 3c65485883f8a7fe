#include "elbo_impl.h"
#include <netmass/sys.h>
#include <math.h>

/* The minibatch objective of Sip et al. (2023), eq. 10-15 and 29, with the authors'
   regularisation (0.01 sum x^2), and its gradient by reverse mode: encoders forward once,
   then per reparameterised sample the generative part forward and backward, accumulating
   the gradients of the posterior parameters; finally the encoders backward.

   Random numbers: item `item` of epoch `epoch` draws, for its sample s, neps standard normals
   from the stream (seed, a = epoch, b = item) at counters s * 2^32, s * 2^32 + 1, ... (so the
   sample is the high word of the Philox step counter). They are laid out as
   [eps_x (nt x ns, time-major), eps_r (mr), eps_s (ms_eff), eps_u (nt, variants AB, AS)]. */

/* Check the batch and copy its series time-major into w.Xin: row (t, r) = [y_t, u_t]. */
static PetscErrorCode NMInferBatchSetUp(NMInferModel m, const NMInferBatch *b)
{
  const PetscInt T = m->d.nt, B = b->nitems;

  PetscFunctionBegin;
  PetscCheck(B >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "batch of %" PetscInt_FMT " items: must be 0 or more", B);
  for (PetscInt r = 0; r < B; r++) {
    PetscCheck(b->subject[r] >= 0 && b->subject[r] < m->d.nsub, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "batch item %" PetscInt_FMT ": subject %" PetscInt_FMT " is outside [0, %" PetscInt_FMT ") of the model's subjects", r, b->subject[r], m->d.nsub);
    PetscCheck(b->item[r] >= 0 && (uint64_t)b->item[r] < 0xFFFFFFFFu, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "batch item %" PetscInt_FMT ": item id %" PetscInt_FMT " must be in [0, 2^32 - 1) (it keys a random stream)", r, b->item[r]);
  }
  PetscCall(NMInferWorkSetUp(m, B));
  for (PetscInt r = 0; r < B; r++)
    for (PetscInt t = 0; t < T; t++) {
      m->w.Xin[(t * B + r) * 2]     = b->y[r * T + t];
      m->w.Xin[(t * B + r) * 2 + 1] = b->u[r * T + t];
    }
  PetscFunctionReturn(0);
}

/* z = mu + e^{lv/2} eps for n rows of k; mu and lv with leading dim ldp, eps with ldeps. */
static void NMInferReparameterize(PetscInt n, PetscInt k, const double mu[], const double lv[], PetscInt ldp, const double eps[], PetscInt ldeps, double z[], PetscInt ldz)
{
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt j = 0; j < k; j++) z[r * ldz + j] = mu[r * ldp + j] + exp(0.5 * lv[r * ldp + j]) * eps[r * ldeps + j];
}

/* Reverse of NMInferReparameterize: dmu += dz, dlv += dz eps e^{lv/2} / 2. */
static void NMInferReparameterizeBackward(PetscInt n, PetscInt k, const double lv[], PetscInt ldp, const double eps[], PetscInt ldeps, const double dz[], PetscInt ldz, double dmu[], double dlv[])
{
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt j = 0; j < k; j++) {
      const double g = dz[r * ldz + j];
      dmu[r * ldp + j] += g;
      dlv[r * ldp + j] += 0.5 * g * eps[r * ldeps + j] * exp(0.5 * lv[r * ldp + j]);
    }
}

/* Gather each item's subject posteriors: w.gths (B x [mu, logvar]) and w.gue (nt x B x [mu, logvar]). */
static void NMInferGatherSubjects(NMInferModel m, const NMInferBatch *b)
{
  const PetscInt T = m->d.nt, B = b->nitems, ms = m->ms_eff;
  NMInferWork   *w = &m->w;

  for (PetscInt r = 0; r < B; r++) {
    const PetscInt s = b->subject[r];
    for (PetscInt j = 0; j < ms; j++) {
      w->gths[r * 2 * ms + j]      = m->theta[m->ths_mu + s * ms + j];
      w->gths[r * 2 * ms + ms + j] = m->theta[m->ths_lv + s * ms + j];
    }
    if (m->has_uext)
      for (PetscInt t = 0; t < T; t++) {
        w->gue[(t * B + r) * 2]     = m->theta[m->ue_mu + s * T + t];
        w->gue[(t * B + r) * 2 + 1] = m->theta[m->ue_lv + s * T + t];
      }
  }
}

/* Reverse of NMInferGatherSubjects: add w.dgths and w.dgue to the subjects' gradients. */
static void NMInferScatterSubjects(NMInferModel m, const NMInferBatch *b, double grad[])
{
  const PetscInt T = m->d.nt, B = b->nitems, ms = m->ms_eff;
  NMInferWork   *w = &m->w;

  for (PetscInt r = 0; r < B; r++) {
    const PetscInt s = b->subject[r];
    for (PetscInt j = 0; j < ms; j++) {
      grad[m->ths_mu + s * ms + j] += w->dgths[r * 2 * ms + j];
      grad[m->ths_lv + s * ms + j] += w->dgths[r * 2 * ms + ms + j];
    }
    if (m->has_uext)
      for (PetscInt t = 0; t < T; t++) {
        grad[m->ue_mu + s * T + t] += w->dgue[(t * B + r) * 2];
        grad[m->ue_lv + s * T + t] += w->dgue[(t * B + r) * 2 + 1];
      }
  }
}

/* Draw sample s of every item and build f's input rows (t, r), t < nt - 1. */
static void NMInferSample(NMInferModel m, const NMInferBatch *b, uint64_t seed, uint64_t epoch, PetscInt s)
{
  const PetscInt T = m->d.nt, B = b->nitems, ns = m->d.ns, mr = m->d.mr, ms = m->ms_eff, ne = m->neps, nf = m->nfin;
  const PetscInt or = T * ns, os = or + mr, ou = os + ms; /* offsets of eps_r, eps_s, eps_u in an item's draw */
  NMInferWork   *w = &m->w;

  for (PetscInt r = 0; r < B; r++) {
    NMRandomStream st;
    NMRandomStreamInit(&st, seed, (uint32_t)epoch, (uint32_t)b->item[r]);
    NMRandomNormalFill(&st, (uint64_t)s << 32, (size_t)ne, w->eps + r * ne);
    for (PetscInt t = 0; t < T; t++) NMInferReparameterize(1, ns, w->Px + (t * B + r) * 2 * ns, w->Px + (t * B + r) * 2 * ns + ns, 2 * ns, w->eps + r * ne + t * ns, ns, w->X + (t * B + r) * ns, ns);
    if (m->has_uext) NMInferReparameterize(T, 1, w->gue + r * 2, w->gue + r * 2 + 1, 2 * B, w->eps + r * ne + ou, 1, w->ue + r, B);
  }
  NMInferReparameterize(B, mr, w->Pr, w->Pr + mr, 2 * mr, w->eps + or, ne, w->thr, mr);
  NMInferReparameterize(B, ms, w->gths, w->gths + ms, 2 * ms, w->eps + os, ne, w->ths, ms);
  for (PetscInt t = 0; t + 1 < T; t++)
    for (PetscInt r = 0; r < B; r++) {
      const PetscInt q   = t * B + r;
      double        *in  = w->Fin + q * nf;
      PetscInt       col = 0;
      for (PetscInt j = 0; j < ns; j++) in[col++] = w->X[q * ns + j];
      for (PetscInt j = 0; j < mr; j++) in[col++] = w->thr[r * mr + j];
      for (PetscInt j = 0; j < ms; j++) in[col++] = w->ths[r * ms + j];
      if (m->u_in_f) in[col++] = w->Xin[q * 2 + 1];
      if (m->has_uext) in[col++] = w->ue[q];
    }
}

/* Reverse of the input assembly of NMInferSample: add w.dFin to dX, dthr, dths and due. */
static void NMInferScatterDriftInput(NMInferModel m, PetscInt B)
{
  const PetscInt T = m->d.nt, ns = m->d.ns, mr = m->d.mr, ms = m->ms_eff, nf = m->nfin;
  NMInferWork   *w = &m->w;

  for (PetscInt t = 0; t + 1 < T; t++)
    for (PetscInt r = 0; r < B; r++) {
      const PetscInt q   = t * B + r;
      const double  *d   = w->dFin + q * nf;
      PetscInt       col = 0;
      for (PetscInt j = 0; j < ns; j++) w->dX[q * ns + j] += d[col++];
      for (PetscInt j = 0; j < mr; j++) w->dthr[r * mr + j] += d[col++];
      for (PetscInt j = 0; j < ms; j++) w->dths[r * ms + j] += d[col++];
      if (m->u_in_f) col++;
      if (m->has_uext) w->due[q] += d[col++];
    }
}

PetscErrorCode NMInferLossGrad(NMInferModel m, const NMInferBatch *b, PetscInt nbatch_global, PetscReal beta_p, uint64_t seed, uint64_t epoch, NMInferTerms *terms, double *grad)
{
  const PetscInt T = m->d.nt, B = b->nitems, ns = m->d.ns, mr = m->d.mr, ms = m->ms_eff, ne = m->neps;
  const double   sc = 1.0 / ((double)nbatch_global * (double)m->d.nsamples), wsub = 1.0 / (double)m->d.nregions;
  const double  *th = m->theta;
  NMInferWork   *w  = &m->w;
  NMInferTerms   acc;
  PetscBool      g = grad ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBegin;
  PetscCheck(nbatch_global >= B && nbatch_global >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nbatch_global %" PetscInt_FMT " must be at least 1 and at least this rank's %" PetscInt_FMT " items (it is the whole minibatch over all ranks)", nbatch_global, B);
  PetscCheck(epoch <= 0xFFFFFFFFu, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "epoch %" PetscInt64_FMT " must be below 2^32 (it keys a random stream)", (PetscInt64)epoch);
  PetscCall(PetscMemzero(&acc, sizeof(acc)));
  if (terms) *terms = acc;
  if (B == 0) PetscFunctionReturn(0);
  PetscCall(NMInferBatchSetUp(m, b));
  PetscCall(PetscLogEventBegin(NM_EVENT_InferEncoders, 0, 0, 0, 0));
  PetscCall(NMInferEncodersForward(m, B, b->subject));
  PetscCall(PetscLogEventEnd(NM_EVENT_InferEncoders, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(NM_EVENT_InferGenerative, 0, 0, 0, 0));
  NMInferGatherSubjects(m, b);
  if (g) {
    PetscCall(PetscArrayzero(w->dPx, (size_t)(T * B * 2 * ns)));
    PetscCall(PetscArrayzero(w->dPr, (size_t)(B * 2 * mr)));
    PetscCall(PetscArrayzero(w->dgths, (size_t)(B * 2 * ms)));
    PetscCall(PetscArrayzero(w->dgue, (size_t)(T * B * 2)));
  }
  for (PetscInt s = 0; s < m->d.nsamples; s++) {
    const PetscInt rows = (T - 1) * B;
    double         v, v2, xx = 0;

    NMInferSample(m, b, seed, epoch, s);
    PetscCall(NMInferDriftForward(m, rows));
    if (g) {
      PetscCall(PetscArrayzero(w->dX, (size_t)(T * B * ns)));
      PetscCall(PetscArrayzero(w->dFo, (size_t)(rows * ns)));
      PetscCall(PetscArrayzero(w->dthr, (size_t)(B * mr)));
      PetscCall(PetscArrayzero(w->dths, (size_t)(B * ms)));
      PetscCall(PetscArrayzero(w->due, (size_t)(T * B)));
    }
    /* each term with the weight it has in the loss, so its gradient is the loss gradient */
    PetscCall(NMInferTermLogLik(T * B, ns, w->Xin, 2, w->X, th + m->a, th[m->b], th[m->olv], -sc, &v, g ? w->dX : NULL, g ? grad + m->a : NULL, g ? grad + m->b : NULL, g ? grad + m->olv : NULL));
    acc.loglik += v;
    PetscCall(NMInferTermX0(B, ns, w->X, m->d.x0_logvar, -sc, &v, g ? w->dX : NULL));
    acc.x0 += v;
    PetscCall(NMInferTermTransition(rows, ns, B * ns, w->X, w->Fo, th + m->slv, -sc, &v, g ? w->dX : NULL, g ? w->dFo : NULL, g ? grad + m->slv : NULL));
    acc.trans += v;
    PetscCall(NMInferTermEntropy(T * B, ns, w->X, ns, w->Px, w->Px + ns, 2 * ns, -sc, &v, g ? w->dX : NULL, g ? w->dPx : NULL, g ? w->dPx + ns : NULL));
    acc.entropy += v;
    for (PetscInt q = 0; q < T * B * ns; q++) {
      xx += w->X[q] * w->X[q];
      if (g) w->dX[q] += sc * 0.02 * w->X[q];
    }
    acc.xreg += 0.01 * xx;
    PetscCall(NMInferTermKL(B, mr, w->Pr, w->Pr + mr, 2 * mr, sc * beta_p, &v, g ? w->dPr : NULL, g ? w->dPr + mr : NULL));
    acc.kl_r += v;
    PetscCall(NMInferTermKL(B, ms, w->gths, w->gths + ms, 2 * ms, sc * m->kl_s_weight * wsub, &v, g ? w->dgths : NULL, g ? w->dgths + ms : NULL));
    acc.kl_s += m->kl_s_weight * wsub * v;
    if (m->has_uext) {
      PetscCall(NMInferTermAR1(T, B, w->ue, th[m->logtau], -sc * wsub, &v, g ? w->due : NULL, g ? grad + m->logtau : NULL));
      PetscCall(NMInferTermEntropy(T * B, 1, w->ue, 1, w->gue, w->gue + 1, 2, -sc * wsub, &v2, g ? w->due : NULL, g ? w->dgue : NULL, g ? w->dgue + 1 : NULL));
      acc.uext += wsub * (v + v2);
    }
    if (!g) continue;
    PetscCall(NMInferDriftBackward(m, rows, grad));
    NMInferScatterDriftInput(m, B);
    for (PetscInt r = 0; r < B; r++) {
      for (PetscInt t = 0; t < T; t++) NMInferReparameterizeBackward(1, ns, w->Px + (t * B + r) * 2 * ns + ns, 2 * ns, w->eps + r * ne + t * ns, ns, w->dX + (t * B + r) * ns, ns, w->dPx + (t * B + r) * 2 * ns, w->dPx + (t * B + r) * 2 * ns + ns);
      if (m->has_uext) NMInferReparameterizeBackward(T, 1, w->gue + r * 2 + 1, 2 * B, w->eps + r * ne + T * ns + mr + ms, 1, w->due + r, B, w->dgue + r * 2, w->dgue + r * 2 + 1);
    }
    NMInferReparameterizeBackward(B, mr, w->Pr + mr, 2 * mr, w->eps + T * ns, ne, w->dthr, mr, w->dPr, w->dPr + mr);
    NMInferReparameterizeBackward(B, ms, w->gths + ms, 2 * ms, w->eps + T * ns + mr, ne, w->dths, ms, w->dgths, w->dgths + ms);
  }
  PetscCall(PetscLogEventEnd(NM_EVENT_InferGenerative, 0, 0, 0, 0));
  if (g) {
    PetscCall(PetscLogEventBegin(NM_EVENT_InferEncoders, 0, 0, 0, 0));
    PetscCall(NMInferEncodersBackward(m, B, b->subject, grad));
    PetscCall(PetscLogEventEnd(NM_EVENT_InferEncoders, 0, 0, 0, 0));
    NMInferScatterSubjects(m, b, grad);
  }
  if (terms) {
    terms->loglik  = sc * acc.loglik;
    terms->trans   = sc * acc.trans;
    terms->x0      = sc * acc.x0;
    terms->entropy = sc * acc.entropy;
    terms->kl_r    = sc * acc.kl_r;
    terms->kl_s    = sc * acc.kl_s;
    terms->uext    = sc * acc.uext;
    terms->xreg    = sc * acc.xreg;
    terms->loss    = -(terms->loglik + terms->trans + terms->x0 + terms->entropy - beta_p * terms->kl_r - terms->kl_s + terms->uext) + terms->xreg;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferEncode(NMInferModel m, const NMInferBatch *b, double *thr_mu, double *thr_logvar, double *x_mu, double *x_logvar)
{
  const PetscInt T = m->d.nt, B = b->nitems, ns = m->d.ns, mr = m->d.mr;
  NMInferWork   *w = &m->w;

  PetscFunctionBegin;
  if (B == 0) PetscFunctionReturn(0);
  PetscCall(NMInferBatchSetUp(m, b));
  PetscCall(PetscLogEventBegin(NM_EVENT_InferEncoders, 0, 0, 0, 0));
  PetscCall(NMInferEncodersForward(m, B, b->subject));
  PetscCall(PetscLogEventEnd(NM_EVENT_InferEncoders, 0, 0, 0, 0));
  for (PetscInt r = 0; r < B; r++) {
    for (PetscInt j = 0; j < mr; j++) {
      if (thr_mu) thr_mu[r * mr + j] = w->Pr[r * 2 * mr + j];
      if (thr_logvar) thr_logvar[r * mr + j] = w->Pr[r * 2 * mr + mr + j];
    }
    for (PetscInt t = 0; t < T; t++)
      for (PetscInt j = 0; j < ns; j++) {
        if (x_mu) x_mu[(r * T + t) * ns + j] = w->Px[(t * B + r) * 2 * ns + j];
        if (x_logvar) x_logvar[(r * T + t) * ns + j] = w->Px[(t * B + r) * 2 * ns + ns + j];
      }
  }
  PetscFunctionReturn(0);
}
