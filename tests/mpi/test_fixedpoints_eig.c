/* The eigenvalues at the roots by ScaLAPACK (-fp_eig scalapack: pdgehrd + pdhseqr over
   the ranks) against LAPACK's dgeev on rank 0 (-fp_eig dgeev), at 1, 2 and 4 ranks:
   - a Stuart-Landau ring with diffusive coupling: the spectrum is known, a - G mu_i +- i w
     (mu_i the eigenvalues of the graph Laplacian); with the automatic block size (every
     rank holds a block) and with one 64-block (ranks holding none);
   - a two-population rWW network on a nonsymmetric connectome (300 unknowns), whose
     Jacobians have complex pairs.
   The two eigenvalue sets agree to 1e-10 of the spectral radius and every root gets the
   same class and number of unstable directions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <lapacke.h>
#include <netmass/fixedpoint.h>
#include <netmass/generators.h>
#include <netmass/sys.h>
#include "fp_test.h"

/* The search of opts with the eigenvalue options eig. */
static NMFixedPoints solve(const char opts[], const char eig[])
{
  char all[1024];
  snprintf(all, sizeof(all), "%s %s", opts, eig);
  return nm_fp_solve(all);
}

/* Every eigenvalue of (re, im) has a partner in (re2, im2) within tol, each partner used
   once (sorted orders may differ where real parts tie: repeated eigenvalues). */
static void assert_same_spectrum(PetscInt m, const PetscReal re[], const PetscReal im[], const PetscReal re2[], const PetscReal im2[], PetscReal tol)
{
  PetscBool *used = calloc((size_t)m, sizeof(PetscBool));
  for (PetscInt i = 0; i < m; i++) {
    PetscInt  best = -1;
    PetscReal dbest = PETSC_MAX_REAL;
    for (PetscInt j = 0; j < m; j++) {
      PetscReal d = PetscSqrtReal(PetscSqr(re[i] - re2[j]) + PetscSqr(im[i] - im2[j]));
      if (!used[j] && d < dbest) dbest = d, best = j;
    }
    if (dbest > tol) fail_msg("eigenvalue %d (%.15g %+.15gi): nearest partner %.3g away (tolerance %.3g)", (int)i, (double)re[i], (double)im[i], (double)dbest, (double)tol);
    used[best] = PETSC_TRUE;
  }
  free(used);
}

static PetscReal spectral_radius(PetscInt m, const PetscReal re[], const PetscReal im[])
{
  PetscReal r = 0;
  for (PetscInt i = 0; i < m; i++) r = PetscMax(r, PetscSqrtReal(re[i] * re[i] + im[i] * im[i]));
  return r;
}

/* Both runs found the same roots (the search does not depend on -fp_eig); their spectra
   agree and so does the classification written to the file. Returns the number of
   complex eigenvalues seen. */
static PetscInt compare_runs(NMFixedPoints a, NMFixedPoints b)
{
  PetscInt na, nb, m, ncomplex = 0;

  assert_int_equal(NMFixedPointsGetRoots(a, &na, &m), 0);
  assert_int_equal(NMFixedPointsGetRoots(b, &nb, &m), 0);
  assert_int_equal(na, nb);
  assert_true(na >= 1);
  for (PetscInt k = 0; k < na; k++) {
    const PetscReal  *x, *x2, *re, *im, *re2, *im2;
    NMFixedPointClass c, c2;
    PetscInt          u, u2;
    PetscReal         maxre, maxre2, fr, fr2, rho;
    assert_int_equal(NMFixedPointsGetRoot(a, k, &x, &re, &im), 0);
    assert_int_equal(NMFixedPointsGetRoot(b, k, &x2, &re2, &im2), 0);
    /* the same root (MUMPS and the reductions at several ranks need not repeat bitwise) */
    for (PetscInt i = 0; i < m; i++) assert_near(x[i], x2[i], 1e-12 * (1 + PetscAbsReal(x[i])));
    rho = spectral_radius(m, re, im);
    assert_same_spectrum(m, re, im, re2, im2, 1e-10 * rho);
    assert_same_spectrum(m, re2, im2, re, im, 1e-10 * rho);
    assert_int_equal(NMFixedPointClassify(m, re, im, &c, &u, &maxre, &fr), 0);
    assert_int_equal(NMFixedPointClassify(m, re2, im2, &c2, &u2, &maxre2, &fr2), 0);
    assert_int_equal(c, c2);
    assert_int_equal(u, u2);
    assert_near(maxre, maxre2, 1e-10 * rho);
    assert_near(fr, fr2, 1e-10 * rho);
    for (PetscInt i = 0; i < m; i++) ncomplex += im[i] != 0;
  }
  return ncomplex;
}

static void test_hopf_ring(void **state)
{
  const PetscReal a = -0.3, f = 0.05, G = 0.4;
  NMRingParams    rp = {30, 4, 3.0, 0.2, 0.5, 100.0};
  const char     *blocks[] = {"", "-fp_eig_block 64"};
  NMConnectome    conn;
  PetscReal      *W, L[900], mu[30], lre[60], lim[60];
  char            opts[512];

  (void)state;
  assert_int_equal(NMGenerateRing(PETSC_COMM_WORLD, &rp, 3, &conn), 0);
  assert_int_equal(NMConnectomeSave(conn, "fpe_ring30.h5"), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &W, NULL, NULL), 0);
  nm_laplacian_spectrum(30, W, L, mu);
  for (int i = 0; i < 30; i++) {
    lre[2 * i] = lre[2 * i + 1] = a - G * mu[i];
    lim[2 * i]                  = 2 * PETSC_PI * f;
    lim[2 * i + 1]              = -2 * PETSC_PI * f;
  }
  snprintf(opts, sizeof(opts), "-model hopf -hopf_a %g -hopf_f %g -G %g -connectome fpe_ring30.h5 -fp_starts 3 -fp_patience 2", (double)a, (double)f, (double)G);
  for (size_t b = 0; b < 2; b++) {
    char          eig[128];
    NMFixedPoints lapack, scalapack;
    PetscInt      m, nroots;
    const PetscReal *re, *im;
    snprintf(eig, sizeof(eig), "-fp_eig scalapack %s", blocks[b]);
    lapack    = solve(opts, "-fp_eig dgeev");
    scalapack = solve(opts, eig);
    assert_true(compare_runs(lapack, scalapack) == 60);
    assert_int_equal(NMFixedPointsGetRoots(scalapack, &nroots, &m), 0);
    assert_int_equal(NMFixedPointsGetRoot(scalapack, 0, NULL, &re, &im), 0);
    assert_same_spectrum(60, re, im, lre, lim, 1e-10 * spectral_radius(60, lre, lim));
    assert_int_equal(NMFixedPointsDestroy(&lapack), 0);
    assert_int_equal(NMFixedPointsDestroy(&scalapack), 0);
  }
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

static void test_rww2_nonsymmetric(void **state)
{
  NMGeometricParams gp = {150, 50.0, 20.0, 0.0, 0.0};
  NMConnectome      conn;
  NMFixedPoints     lapack, scalapack;
  PetscReal        *W;
  PetscInt          ncomplex;
  const char       *opts = "-model rww2 -connectome fpe_rww150.h5 -G 0.5 -fp_box 0,1 -fp_starts 3 -fp_start_relax 2 -fp_deflation_shift 100 -rww2_I_0_uniform 0.30,0.40";

  (void)state;
  assert_int_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &gp, 5, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &W, NULL, NULL), 0);
  /* w_ij != w_ji: a nonsymmetric network (scaled by factors in [0.5, 1.5] that differ
     between the two directions, not systematically: a nearly triangular W would make
     the eigenvalues ill-conditioned, and no two eigensolvers would agree to 1e-10) */
  for (int i = 0; i < 150; i++)
    for (int j = 0; j < 150; j++) W[i * 150 + j] *= 0.5 + ((7 * i + 13 * j) % 11) / 10.0;
  assert_int_equal(NMConnectomeSave(conn, "fpe_rww150.h5"), 0);
  lapack    = solve(opts, "-fp_eig dgeev");
  scalapack = solve(opts, "-fp_eig scalapack");
  ncomplex  = compare_runs(lapack, scalapack);
  print_message("  %d complex eigenvalues\n", (int)ncomplex);
  assert_true(ncomplex > 0);
  assert_int_equal(NMFixedPointsDestroy(&lapack), 0);
  assert_int_equal(NMFixedPointsDestroy(&scalapack), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hopf_ring),
    cmocka_unit_test(test_rww2_nonsymmetric),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
