#include <netmass/nn.h>
#include <cblas.h>
#include <math.h>

/* LSTM through time, forward and backward, batched across sequences (Keras gate order i, f,
   c, o; sigmoid and tanh activations). Every buffer is time-major, so the rows of one time
   step are contiguous and the recurrent product of a step is one GEMM over the batch, and
   the input and weight-gradient products over all steps are single GEMMs. */

static inline double NMSigmoid(double z)
{
  return 1.0 / (1.0 + exp(-z));
}

/* The time of the k-th processed step. */
static inline PetscInt NMLSTMTime(const NMLSTMShape *s, PetscInt k)
{
  return s->reverse ? s->nt - 1 - k : k;
}

PetscErrorCode NMLSTMForward(const NMLSTMShape *s, const double W[], const double U[], const double bias[], const double X[], const PetscInt subject[], double G[], double H[], PetscInt ldh, double C[])
{
  const PetscInt nb = s->batch, nu = s->units, ng = 4 * s->units, rows = s->nt * s->batch;

  PetscFunctionBegin;
  if (rows == 0) PetscFunctionReturn(0);
  /* z = x W + bias (+ the subject's kernel row) for all steps at once */
  for (PetscInt q = 0; q < rows; q++) {
    const double *ws = subject ? W + (s->nin + subject[q % nb]) * ng : NULL;
    for (PetscInt j = 0; j < ng; j++) G[q * ng + j] = bias[j] + (ws ? ws[j] : 0.0);
  }
  if (s->nin > 0) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)ng, (int)s->nin, 1.0, X, (int)s->nin, W, (int)ng, 1.0, G, (int)ng);
  for (PetscInt k = 0; k < s->nt; k++) {
    const PetscInt t = NMLSTMTime(s, k), tp = k > 0 ? NMLSTMTime(s, k - 1) : -1;
    double        *g = G + t * nb * ng, *h = H + t * nb * ldh, *c = C + t * nb * nu;
    const double  *cp = tp >= 0 ? C + tp * nb * nu : NULL;

    if (tp >= 0) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nb, (int)ng, (int)nu, 1.0, H + tp * nb * ldh, (int)ldh, U, (int)ng, 1.0, g, (int)ng);
    for (PetscInt r = 0; r < nb; r++) {
      double *gr = g + r * ng;
      for (PetscInt j = 0; j < nu; j++) {
        const double ig = NMSigmoid(gr[j]), fg = NMSigmoid(gr[nu + j]), cg = tanh(gr[2 * nu + j]), og = NMSigmoid(gr[3 * nu + j]);
        const double cn = (cp ? fg * cp[r * nu + j] : 0.0) + ig * cg;

        gr[j] = ig;
        gr[nu + j] = fg;
        gr[2 * nu + j] = cg;
        gr[3 * nu + j] = og;
        c[r * nu + j] = cn;
        h[r * ldh + j] = og * tanh(cn);
      }
    }
  }
  PetscCall(PetscLogFlops(2.0 * rows * ng * (s->nin + nu)));
  PetscFunctionReturn(0);
}

PetscErrorCode NMLSTMBackward(const NMLSTMShape *s, const double U[], const double X[], const PetscInt subject[], double G[], const double H[], PetscInt ldh, const double C[], const double dH[], PetscInt lddh, double work[], double dW[], double dU[], double dbias[])
{
  const PetscInt nb = s->batch, nu = s->units, ng = 4 * s->units, rows = s->nt * s->batch;
  double        *dhn = work, *dcn = work + nb * nu; /* dL/dh and dL/dc flowing back from the next processed step */

  PetscFunctionBegin;
  if (rows == 0) PetscFunctionReturn(0);
  for (PetscInt q = 0; q < nb * nu; q++) dhn[q] = dcn[q] = 0.0;
  for (PetscInt k = s->nt - 1; k >= 0; k--) {
    const PetscInt t = NMLSTMTime(s, k), tp = k > 0 ? NMLSTMTime(s, k - 1) : -1;
    double        *g = G + t * nb * ng;
    const double  *c = C + t * nb * nu, *cp = tp >= 0 ? C + tp * nb * nu : NULL, *dh = dH + t * nb * lddh;

    for (PetscInt r = 0; r < nb; r++) {
      double *gr = g + r * ng;
      for (PetscInt j = 0; j < nu; j++) {
        const double ig = gr[j], fg = gr[nu + j], cg = gr[2 * nu + j], og = gr[3 * nu + j];
        const double tc = tanh(c[r * nu + j]), dhv = dh[r * lddh + j] + dhn[r * nu + j];
        const double dcv = dcn[r * nu + j] + dhv * og * (1.0 - tc * tc);

        dcn[r * nu + j] = dcv * fg;
        gr[j] = dcv * cg * ig * (1.0 - ig);
        gr[nu + j] = (cp ? dcv * cp[r * nu + j] : 0.0) * fg * (1.0 - fg);
        gr[2 * nu + j] = dcv * ig * (1.0 - cg * cg);
        gr[3 * nu + j] = dhv * tc * og * (1.0 - og);
      }
    }
    if (tp >= 0) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nb, (int)nu, (int)ng, 1.0, g, (int)ng, U, (int)ng, 0.0, dhn, (int)nu);
  }
  /* weight gradients over all steps: dW = X^T dZ, dU = h_prev^T dZ (pairs of consecutive
     processed steps are contiguous blocks of the time-major buffers), dbias = sum dZ */
  if (s->nin > 0) cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)s->nin, (int)ng, (int)rows, 1.0, X, (int)s->nin, G, (int)ng, 1.0, dW, (int)ng);
  if (s->nt > 1) {
    const PetscInt m = (s->nt - 1) * nb;
    const double  *hp = s->reverse ? H + nb * ldh : H, *dz = s->reverse ? G : G + nb * ng;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nu, (int)ng, (int)m, 1.0, hp, (int)ldh, dz, (int)ng, 1.0, dU, (int)ng);
  }
  for (PetscInt q = 0; q < rows; q++) {
    const double *dz = G + q * ng;
    double       *ws = subject ? dW + (s->nin + subject[q % nb]) * ng : NULL;
    for (PetscInt j = 0; j < ng; j++) dbias[j] += dz[j];
    if (ws)
      for (PetscInt j = 0; j < ng; j++) ws[j] += dz[j];
  }
  PetscCall(PetscLogFlops(2.0 * rows * ng * (s->nin + 2 * nu)));
  PetscFunctionReturn(0);
}
