#include <netmass/nn.h>
#include <lapacke.h>
#include <math.h>

/* The Keras default initialisers, drawn from netmass's counter-based streams so that a model
   is a pure function of its seed. */

PetscErrorCode NMInitGlorotUniform(const NMRandomStream *r, PetscInt nin, PetscInt nout, double W[])
{
  const double lim = sqrt(6.0 / (double)(nin + nout));

  PetscFunctionBegin;
  for (PetscInt k = 0; k < nin * nout; k += 4) {
    double u[4];
    NMRandomUniform4(r, (uint64_t)(k / 4), u);
    for (PetscInt q = 0; q < 4 && k + q < nin * nout; q++) W[k + q] = lim * (2.0 * u[q] - 1.0);
  }
  PetscFunctionReturn(0);
}

/* As Keras' Orthogonal: QR of a tall (max x min) standard normal matrix A = QR, Q scaled
   column-wise by sign(diag R) so that Q is Haar-distributed (Mezzadri 2007), transposed when
   the requested matrix is wide. */
PetscErrorCode NMInitOrthogonal(const NMRandomStream *r, PetscInt rows, PetscInt cols, double W[])
{
  const PetscInt tall = PetscMax(rows, cols), narrow = PetscMin(rows, cols);
  double        *A, *tau, *sgn;
  lapack_int     info;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(tall * narrow, &A, narrow, &tau, narrow, &sgn));
  NMRandomNormalFill(r, 0, (size_t)(tall * narrow), A);
  info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)tall, (lapack_int)narrow, A, (lapack_int)narrow, tau);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACKE_dgeqrf failed (info %d) on a %" PetscInt_FMT " x %" PetscInt_FMT " Gaussian matrix", (int)info, tall, narrow);
  for (PetscInt j = 0; j < narrow; j++) sgn[j] = A[j * narrow + j] < 0 ? -1.0 : 1.0;
  info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)tall, (lapack_int)narrow, (lapack_int)narrow, A, (lapack_int)narrow, tau);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACKE_dorgqr failed (info %d) on a %" PetscInt_FMT " x %" PetscInt_FMT " Gaussian matrix", (int)info, tall, narrow);
  for (PetscInt i = 0; i < tall; i++)
    for (PetscInt j = 0; j < narrow; j++) {
      const double q = A[i * narrow + j] * sgn[j];
      if (rows >= cols) W[i * cols + j] = q;
      else W[j * cols + i] = q;
    }
  PetscCall(PetscFree3(A, tau, sgn));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInitNormal(const NMRandomStream *r, double sd, PetscInt n, double x[])
{
  PetscFunctionBegin;
  NMRandomNormalFill(r, 0, (size_t)n, x);
  for (PetscInt k = 0; k < n; k++) x[k] *= sd;
  PetscFunctionReturn(0);
}
