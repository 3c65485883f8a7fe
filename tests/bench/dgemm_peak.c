/* dgemm_peak [n] [reps]: the double-precision matrix-multiply rate of this machine, on
   every MPI rank at once (OpenBLAS, one thread per rank), as the peak against which
   netmass train's GFLOP/s are compared (tests/bench/train_validation.sh). Prints the
   best rate of one rank and the sum over ranks. */
#include <petscsys.h>
#include <cblas.h>

int main(int argc, char **argv)
{
  PetscInt    n = 1000, reps = 5;
  double     *A, *B, *C, best = 0, sum;
  PetscMPIInt size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "dgemm_peak: matrix-multiply rate per rank"));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-reps", &reps, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscMalloc3((size_t)n * n, &A, (size_t)n * n, &B, (size_t)n * n, &C));
  for (PetscInt i = 0; i < n * n; i++) A[i] = 1.0 / (1 + i % 7), B[i] = 1.0 / (1 + i % 5), C[i] = 0;
  for (PetscInt r = 0; r < reps; r++) {
    PetscLogDouble t0, t1;
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, A, (int)n, B, (int)n, 0.0, C, (int)n);
    PetscCall(PetscTime(&t1));
    best = PetscMax(best, 2.0 * n * n * (double)n / (t1 - t0) / 1e9);
  }
  PetscCallMPI(MPI_Allreduce(&best, &sum, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "dgemm n = %" PetscInt_FMT ": %.2f GFLOP/s per rank (rank 0, best of %" PetscInt_FMT "), %.2f GFLOP/s summed over %d ranks\n", n, best, reps, sum, (int)size));
  PetscCall(PetscFree3(A, B, C));
  PetscCall(PetscFinalize());
  return 0;
}
