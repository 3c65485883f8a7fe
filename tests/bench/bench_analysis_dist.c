/* Benchmark of the distributed analysis path (docs/performance.md): the covariance of
   -bench_n series (default 20 000) of -bench_t samples (1200) and the leading -bench_k
   (100) principal components, on the ranks of MPI_COMM_WORLD, against the dgemm rate
   measured in the same run (every rank at once, n = 2000, so the peak is that of all
   ranks sharing the machine).

   Flop counts: centring + covariance Y^T Y by pdgemm, 2 n^2 t; PCA (n > t: Gram side)
   2 t^2 n (Gram matrix) + 2 k t n (components) + the t x t pdsyevr, counted nominally as
   (4/3 + 2) t^3 (tridiagonal reduction and back-transformation); FC, n^2. The series
   come from counter-based streams, each rank generating only its regions. */
#include <netmass/analysis_dist.h>
#include <netmass/rng.h>
#include <netmass/sys.h>
#include <cblas.h>
#include <petsctime.h>

/* GFLOP/s of one dgemm of order m on this rank, every rank at the same time. */
static PetscErrorCode BenchDgemm(PetscInt m, PetscReal *gflops)
{
  PetscReal     *a, *b, *c;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(m * m, &a, m * m, &b, m * m, &c));
  for (PetscInt i = 0; i < m * m; i++) {
    a[i] = 1.0 / (1 + i % 7);
    b[i] = 1.0 / (1 + i % 5);
  }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)m, (int)m, 1, a, (int)m, b, (int)m, 0, c, (int)m); /* warm-up */
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscTime(&t0));
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)m, (int)m, 1, a, (int)m, b, (int)m, 0, c, (int)m);
  PetscCall(PetscTime(&t1));
  *gflops = 2.0 * m * m * m / (t1 - t0) / 1e9;
  PetscCall(PetscFree3(a, b, c));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt       n = 20000, t = 1200, k = 100, nloc, p, q, nb;
  const PetscInt *cols;
  PetscReal     *x, *eig, peak, peak_all, f_cov, f_pca;
  PetscMPIInt    size;
  NMDistGrid     grid;
  NMDistMatrix   series, y, cov, comp;
  PetscLogDouble t0, t1, t2, t3;

  PetscCall(NMInitialize(&argc, &argv, "bench_analysis_dist", NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bench_n", &n, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bench_t", &t, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bench_k", &k, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(NMDistGridCreate(PETSC_COMM_WORLD, &grid));
  PetscCall(NMDistGridSetFromOptions(grid));
  PetscCall(NMDistGridSetUp(grid));
  PetscCall(NMDistGridGetShape(grid, &p, &q, &nb));

  PetscCall(BenchDgemm(2000, &peak));
  PetscCallMPI(MPI_Allreduce(&peak, &peak_all, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));

  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, t, n, &series));
  PetscCall(NMDistMatrixGetLocal(series, NULL, NULL, &nloc, &cols, &x));
  for (PetscInt l = 0; l < nloc; l++) {
    NMRandomStream s;
    NMRandomStreamInit(&s, 7, 0, (uint32_t)cols[l]);
    NMRandomNormalFill(&s, 0, (size_t)t, x + l * t);
  }
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_GRID, t, n, &y));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_GRID, n, n, &cov));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, k, n, &comp));
  PetscCall(PetscMalloc1(n, &eig));

  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscTime(&t0));
  PetscCall(NMDistAnalysisCentre(series, y));
  PetscCall(NMDistAnalysisCovariance(y, cov));
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscTime(&t1));
  PetscCall(NMDistAnalysisFC(cov, cov));
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscTime(&t2));
  PetscCall(NMDistAnalysisPCA(y, cov, k, eig, NULL, comp));
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscTime(&t3));

  f_cov = 2.0 * n * n * t;
  f_pca = n > t ? 2.0 * t * t * n + 2.0 * k * t * n + (4.0 / 3 + 2) * t * t * t : (4.0 / 3 + 2) * n * n * n;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bench_analysis_dist: n %" PetscInt_FMT " regions x t %" PetscInt_FMT " samples, %d rank(s), grid %" PetscInt_FMT "x%" PetscInt_FMT ", blocks %" PetscInt_FMT "\n", n, t, (int)size, p, q, nb));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  dgemm peak (n = 2000, all ranks at once): %.1f GFLOP/s (%.1f per rank on rank 0)\n", (double)peak_all, (double)peak));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-28s %9s %10s %9s\n", "phase", "seconds", "GFLOP/s", "of peak"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-28s %9.2f %10.1f %8.0f%%\n", "centre + covariance (pdgemm)", (double)(t1 - t0), (double)(f_cov / (t1 - t0) / 1e9), (double)(100 * f_cov / (t1 - t0) / 1e9 / peak_all)));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-28s %9.2f\n", "FC from the covariance", (double)(t2 - t1)));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-28s %9.2f %10.1f %8.0f%%\n", "PCA, leading components", (double)(t3 - t2), (double)(f_pca / (t3 - t2) / 1e9), (double)(100 * f_pca / (t3 - t2) / 1e9 / peak_all)));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-28s %9.2f %10.1f %8.0f%%\n", "total", (double)(t3 - t0), (double)((f_cov + f_pca) / (t3 - t0) / 1e9), (double)(100 * (f_cov + f_pca) / (t3 - t0) / 1e9 / peak_all)));
  /* Marchenko-Pastur edge of unit white noise: a check that the numbers mean something */
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  largest covariance eigenvalue %.3f (white noise: about (sqrt(n) + sqrt(t))^2 / (t - 1) = %.3f)\n", (double)eig[0], (double)(PetscSqr(PetscSqrtReal((PetscReal)n) + PetscSqrtReal((PetscReal)t)) / (t - 1))));

  PetscCall(PetscFree(eig));
  PetscCall(NMDistMatrixDestroy(&series));
  PetscCall(NMDistMatrixDestroy(&y));
  PetscCall(NMDistMatrixDestroy(&cov));
  PetscCall(NMDistMatrixDestroy(&comp));
  PetscCall(NMDistGridDestroy(&grid));
  PetscCall(NMFinalize(PETSC_FALSE));
  return 0;
}
