#include <netmass/nn.h>
#include <cblas.h>

/* A dense (fully connected) layer Y = X W + b on a row-major batch: one GEMM forward, two
   backward (dW = X^T dY and dX = dY W^T). Leading dimensions let X and Y be column slices of
   wider buffers (e.g. the concatenated outputs of a bidirectional LSTM). */

PetscErrorCode NMDenseForward(PetscInt n, PetscInt nin, PetscInt nout, const double X[], PetscInt ldx, const double W[], const double bias[], double Y[], PetscInt ldy)
{
  PetscFunctionBegin;
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt j = 0; j < nout; j++) Y[r * ldy + j] = bias[j];
  if (n > 0 && nin > 0) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)nout, (int)nin, 1.0, X, (int)ldx, W, (int)nout, 1.0, Y, (int)ldy);
  PetscCall(PetscLogFlops(2.0 * n * nin * nout));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDenseBackward(PetscInt n, PetscInt nin, PetscInt nout, const double X[], PetscInt ldx, const double W[], const double dY[], PetscInt lddy, double dX[], PetscInt lddx, double dW[], double dbias[])
{
  PetscFunctionBegin;
  if (n == 0) PetscFunctionReturn(0);
  if (nin > 0) cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nin, (int)nout, (int)n, 1.0, X, (int)ldx, dY, (int)lddy, 1.0, dW, (int)nout);
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt j = 0; j < nout; j++) dbias[j] += dY[r * lddy + j];
  if (dX && nin > 0) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)nin, (int)nout, 1.0, dY, (int)lddy, W, (int)nout, 0.0, dX, (int)lddx);
  PetscCall(PetscLogFlops((dX ? 4.0 : 2.0) * n * nin * nout));
  PetscFunctionReturn(0);
}
