#pragma once
/* Helpers shared by the fixed-point tests (test_fixedpoints.c, test_fixedpoints_eig.c):
   a search run from an options string, and the spectrum of a graph Laplacian. Include
   after cmocka.h, lapacke.h and netmass/fixedpoint.h. */

/* A search configured by opts alone (the options database is cleared before and after). */
static inline NMFixedPoints nm_fp_solve(const char opts[])
{
  NMFixedPoints fp;
  assert_int_equal(PetscOptionsClear(NULL), 0);
  assert_int_equal(PetscOptionsInsertString(NULL, opts), 0);
  assert_int_equal(NMFixedPointsCreate(PETSC_COMM_WORLD, &fp), 0);
  assert_int_equal(NMFixedPointsSetFromOptions(fp), 0);
  assert_int_equal(NMFixedPointsSolve(fp), 0);
  assert_int_equal(PetscOptionsClear(NULL), 0);
  return fp;
}

/* The eigenvalues mu (ascending) of the Laplacian L = diag(W 1) - W of the symmetric n x n
   weights W; L is n x n workspace. */
static inline void nm_laplacian_spectrum(int n, const PetscReal W[], PetscReal L[], PetscReal mu[])
{
  for (int i = 0; i < n; i++) {
    PetscReal deg = 0;
    for (int j = 0; j < n; j++) deg += W[i * n + j];
    for (int j = 0; j < n; j++) L[i * n + j] = (i == j ? deg : 0) - W[i * n + j];
  }
  assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', n, L, n, mu), 0);
}
