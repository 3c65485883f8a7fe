/* Fixed points against known answers, at 1, 2 and 3 ranks:
   - one pMFM node (Sip et al.'s parameters): one equilibrium S = 0.02899 for w = 1,
     I_o = 0.295; three for w in (1.1912, 2.0584) and for I_o in (0.31980, 0.32508) at
     w = 1; the roots equal those of an exhaustive 1-D bracketing scan of f(S) = 0;
   - N uncoupled bistable nodes: exactly 3^N equilibria, C(N,k) 2^(N-k) of them with k
     unstable directions, all found with deflation, and (N = 4) deflation finds more than
     plain restarts for the same number of solves;
   - a Stuart-Landau network with diffusive coupling: the origin, with eigenvalues
     a - G mu_i +- i omega, mu_i the eigenvalues of the graph Laplacian. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <lapacke.h>
#include <netmass/fixedpoint.h>
#include <netmass/generators.h>
#include <netmass/model.h>
#include <netmass/sys.h>
#include "fp_test.h"

#ifndef NM_SOURCE_INPUTS
  #error "NM_SOURCE_INPUTS (the source tree's inputs/ folder) must be defined"
#endif

/* Roots of dS/dt of one uncoupled pMFM node in [0, 1] by a fine sign scan and bisection. */
static PetscInt scan_pmfm(PetscReal w, PetscReal io, PetscReal roots[])
{
  const NMModelType *m = &NMModelPMFM;
  PetscReal          theta[16], u[1] = {0};
  PetscInt           n = 0, K = 200000;

  for (PetscInt p = 0; p < m->nparam; p++) theta[p] = m->params[p].value;
  theta[NMModelParamIndex(m, "w")]   = w;
  theta[NMModelParamIndex(m, "I_o")] = io;
  for (PetscInt k = 0; k < K; k++) {
    PetscReal a = (PetscReal)k / K, b = (PetscReal)(k + 1) / K, fa, fb;
    m->rhs(m->ctx, &a, u, 0, theta, &fa);
    m->rhs(m->ctx, &b, u, 0, theta, &fb);
    if (fa == 0 || fa * fb < 0) {
      for (int it = 0; it < 100; it++) {
        PetscReal c = 0.5 * (a + b), fc;
        m->rhs(m->ctx, &c, u, 0, theta, &fc);
        if (fa * fc <= 0) b = c;
        else a = c, fa = fc;
      }
      roots[n++] = 0.5 * (a + b);
    }
  }
  return n;
}

static int compare_real(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* Dense one-node problems gain nothing from more ranks: run them at 1 rank only; the
   multi-node searches below check that the root sets do not depend on the rank count. */
static PetscBool one_rank(void)
{
  PetscMPIInt size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  return (PetscBool)(size == 1);
}

static void test_pmfm_node(void **state)
{
  const struct {
    PetscReal w, io;
    PetscInt  count;
  } cases[] = {
    {1.0,  0.295,  1},
    {1.15, 0.295,  1},
    {1.5,  0.295,  3},
    {2.1,  0.295,  1},
    {1.0,  0.3190, 1},
    {1.0,  0.3225, 3},
    {1.0,  0.3260, 1},
  };

  (void)state;
  if (!one_rank()) skip();
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    char          opts[512];
    NMFixedPoints fp;
    PetscReal     scan[8], found[8];
    PetscInt      nscan = scan_pmfm(cases[c].w, cases[c].io, scan), nroots, size;
    snprintf(opts, sizeof(opts), "-model pmfm -pmfm_w %g -pmfm_I_o %g -connectome_type none -connectome_n 1 -fp_box 0,1 -fp_deflation_shift 100", (double)cases[c].w, (double)cases[c].io);
    fp = nm_fp_solve(opts);
    assert_int_equal(NMFixedPointsGetRoots(fp, &nroots, &size), 0);
    assert_int_equal(nscan, cases[c].count);
    assert_int_equal(nroots, cases[c].count);
    for (PetscInt k = 0; k < nroots; k++) {
      const PetscReal *x;
      assert_int_equal(NMFixedPointsGetRoot(fp, k, &x, NULL, NULL), 0);
      found[k] = x[0];
    }
    qsort(found, (size_t)nroots, sizeof(PetscReal), compare_real);
    for (PetscInt k = 0; k < nroots; k++) assert_near(found[k], scan[k], 1e-8);
    if (c == 0) assert_near(found[0], 0.02899, 5e-6);
    assert_int_equal(NMFixedPointsDestroy(&fp), 0);
  }
}

/* N uncoupled bistable nodes: 3^N equilibria, C(N,k) 2^(N-k) with k unstable directions
   (N = 4 at one rank, where deflation is also compared with plain restarts; N = 3 at more
   ranks, to keep the oversubscribed runs short). */
static void test_bistable_product(void **state)
{
  const PetscInt N = one_rank() ? 4 : 3, expect = N == 4 ? 81 : 27;
  const PetscInt binom[5][5] = {{1}, {1, 1}, {1, 2, 1}, {1, 3, 3, 1}, {1, 4, 6, 4, 1}};
  char           opts[512];
  NMFixedPoints  fp;
  PetscInt       nroots, size, byk[5] = {0}, with, without;
  PetscReal      scan[3];

  (void)state;
  assert_int_equal(scan_pmfm(1.5, 0.295, scan), 3);
  snprintf(opts, sizeof(opts), "-model pmfm -pmfm_w 1.5 -connectome_type none -connectome_n %d -fp_box 0,1 -fp_starts 10000 -fp_patience 10000 -fp_deflation_shift 100 -fp_max_solves %d", (int)N, N == 4 ? 300 : 120);
  fp = nm_fp_solve(opts);
  assert_int_equal(NMFixedPointsGetRoots(fp, &nroots, &size), 0);
  assert_int_equal(nroots, expect);
  for (PetscInt k = 0; k < nroots; k++) {
    const PetscReal  *x, *re, *im;
    NMFixedPointClass cls;
    PetscInt          unstable;
    PetscReal         maxre, freq;
    assert_int_equal(NMFixedPointsGetRoot(fp, k, &x, &re, &im), 0);
    /* every coordinate is one of the three node equilibria */
    for (PetscInt i = 0; i < N; i++) assert_true(PetscAbsReal(x[i] - scan[0]) < 1e-8 || PetscAbsReal(x[i] - scan[1]) < 1e-8 || PetscAbsReal(x[i] - scan[2]) < 1e-8);
    assert_int_equal(NMFixedPointClassify(N, re, im, &cls, &unstable, &maxre, &freq), 0);
    byk[unstable]++;
  }
  /* C(N,k) 2^(N-k): the middle root of a node is its unstable one */
  for (PetscInt k = 0; k <= N; k++) assert_int_equal(byk[k], binom[N][k] << (N - k));
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
  if (N != 4) return;
  /* the same budget of 81 solves, with and without deflation */
  fp = nm_fp_solve("-model pmfm -pmfm_w 1.5 -connectome_type none -connectome_n 4 -fp_box 0,1 -fp_starts 10000 -fp_patience 10000 -fp_deflation_shift 100 -fp_max_solves 81");
  assert_int_equal(NMFixedPointsGetRoots(fp, &with, &size), 0);
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
  fp = nm_fp_solve("-model pmfm -pmfm_w 1.5 -connectome_type none -connectome_n 4 -fp_box 0,1 -fp_starts 10000 -fp_patience 10000 -fp_max_solves 81 -fp_deflation 0");
  assert_int_equal(NMFixedPointsGetRoots(fp, &without, &size), 0);
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
  print_message("  81 solves: %d roots with deflation, %d with plain restarts\n", (int)with, (int)without);
  assert_true(with > without + 10);
}

static void test_hopf_network(void **state)
{
  const PetscReal a = -0.3, f = 0.05, G = 0.4;
  NMRingParams    rp = {8, 2, 3.0, 0, 0.5, 100.0};
  NMConnectome    conn;
  NMFixedPoints   fp;
  PetscReal      *W, L[64], mu[8], lam[16];
  PetscInt        nroots, size;
  const PetscReal *x, *re, *im;
  char            opts[512];

  (void)state;
  assert_int_equal(NMGenerateRing(PETSC_COMM_WORLD, &rp, 1, &conn), 0);
  assert_int_equal(NMConnectomeSave(conn, "fp_ring8.h5"), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &W, NULL, NULL), 0);
  nm_laplacian_spectrum(8, W, L, mu);
  snprintf(opts, sizeof(opts), "-model hopf -hopf_a %g -hopf_f %g -G %g -connectome fp_ring8.h5 -fp_starts 20 -fp_patience 10", (double)a, (double)f, (double)G);
  fp = nm_fp_solve(opts);
  assert_int_equal(NMFixedPointsGetRoots(fp, &nroots, &size), 0);
  assert_int_equal(nroots, 1);
  assert_int_equal(NMFixedPointsGetRoot(fp, 0, &x, &re, &im), 0);
  for (int i = 0; i < 16; i++) assert_near(x[i], 0, 1e-10);
  /* eigenvalues a - G mu_i +- i 2 pi f, sorted by decreasing real part */
  for (int i = 0; i < 8; i++) lam[2 * i] = lam[2 * i + 1] = a - G * mu[i];
  qsort(lam, 16, sizeof(PetscReal), compare_real);
  for (int i = 0; i < 16; i++) {
    assert_near(re[i], lam[15 - i], 1e-10);
    assert_near(PetscAbsReal(im[i]), 2 * PETSC_PI * f, 1e-10);
  }
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

/* The special points a continuation must find, each within `tol` of the published value
   (a unit of its last printed digit) and its frequency within 0.01 Hz. */
static void expect_special(PetscReal tol, const char opts[], PetscInt n, const PetscReal type[], const PetscReal value[], const PetscReal freq[])
{
  NMFixedPoints    fp = nm_fp_solve(opts);
  PetscInt         ns;
  const PetscReal *sp;

  assert_int_equal(NMFixedPointsGetSpecialPoints(fp, &ns, &sp), 0);
  for (PetscInt k = 0; k < ns; k++) print_message("  %s at %.8g (%.4g Hz)\n", sp[5 * k] == 0 ? "fold" : "Hopf", (double)sp[5 * k + 2], (double)sp[5 * k + 3]);
  assert_int_equal(ns, n);
  for (PetscInt i = 0; i < n; i++) {
    PetscBool found = PETSC_FALSE;
    for (PetscInt k = 0; k < ns; k++)
      if (sp[5 * k] == type[i] && PetscAbsReal(sp[5 * k + 2] - value[i]) <= tol && (type[i] == 0 || PetscAbsReal(sp[5 * k + 3] - freq[i]) < 0.01)) found = PETSC_TRUE;
    if (!found) fail_msg("no %s at %g", type[i] == 0 ? "fold" : "Hopf point", (double)value[i]);
  }
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
}

/* Continuation against known bifurcations:
   - pMFM node in w: folds at 1.1912 and 2.0584; in I_o (w = 1): folds at 0.31980, 0.32508;
   - Stuart-Landau network, diffusive coupling, in a: a Hopf point at a = 0, frequency f;
   - the same with plain coupling, in G: a Hopf point at G* = -a / lambda_max(W);
   - the Jansen-Rit column (standard parameters) in its input p: folds at p = 113.586 and
     -41.301, Hopf points at -12.148 (7.24 Hz), 89.829 (10.38 Hz) and 315.696 (11.16 Hz).
     Standard Jansen-Rit is the ZJR column with h_ste = A C2 = 3.25 * 108, h_inh = B C4 =
     22 * 33.75, pyramidal input y_ste - y_inh, and mu_ste = p / C2 (C2 = 108). */
static void test_continuation(void **state)
{
  const PetscReal fold = 0, hopf = 1;

  (void)state;
  if (!one_rank()) skip();
  {
    const PetscReal t[] = {fold, fold}, v[] = {1.1912, 2.0584}, fr[] = {0, 0};
    expect_special(5e-5, "-options_file " NM_SOURCE_INPUTS "/fp_pmfm_node.opts", 2, t, v, fr);
  }
  {
    const PetscReal t[] = {fold, fold}, v[] = {0.31980, 0.32508}, fr[] = {0, 0};
    expect_special(5e-6, "-model pmfm -pmfm_I_o 0.3225 -connectome_type none -connectome_n 1 -fp_box 0,1 -fp_deflation_shift 100 -cont_parameter I_o -cont_range 0.3,0.34 -cont_ds 1e-4 -cont_ds_max 1e-3", 2, t, v, fr);
  }
  {
    const PetscReal t[] = {hopf}, v[] = {0}, fr[] = {0.07};
    expect_special(1e-8, "-model hopf -hopf_a -0.5 -hopf_f 0.07 -connectome_type ring -connectome_n 6 -G 0.2 -cont_parameter a -cont_range -1,1", 1, t, v, fr);
  }
  {
    /* plain coupling: the origin's eigenvalues are a + G lambda_i(W) +- i omega, so the
       Hopf point in G is at G* = -a / lambda_max(W) (lambda_max: W's Perron root) */
    NMRingParams rp = {8, 2, 3.0, 0, 0.5, 100.0};
    NMConnectome conn;
    PetscReal   *W, A[64], wr[8], wi[8], lmax = 0;
    char         opts[512];
    assert_int_equal(NMGenerateRing(PETSC_COMM_WORLD, &rp, 1, &conn), 0);
    assert_int_equal(NMConnectomeSave(conn, "fp_ring8_plain.h5"), 0);
    assert_int_equal(NMConnectomeGetArrays(conn, &W, NULL, NULL), 0);
    for (int i = 0; i < 64; i++) A[i] = W[i];
    assert_int_equal(LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', 8, A, 8, wr, wi, NULL, 8, NULL, 8), 0);
    for (int i = 0; i < 8; i++) lmax = PetscMax(lmax, wr[i]);
    assert_int_equal(NMConnectomeDestroy(&conn), 0);
    {
      const PetscReal t[] = {hopf}, v[] = {0.3 / lmax}, fr[] = {0.06};
      snprintf(opts, sizeof(opts), "-model hopf_plain -hopf_plain_a -0.3 -hopf_plain_f 0.06 -connectome fp_ring8_plain.h5 -G 0 -cont_parameter G -cont_range 0,%g", (double)(0.6 / lmax));
      expect_special(1e-8, opts, 1, t, v, fr);
    }
  }
  {
    const PetscReal t[] = {fold, fold, hopf, hopf, hopf}, v[] = {113.586 / 108, -41.301 / 108, -12.148 / 108, 89.829 / 108, 315.696 / 108}, fr[] = {0, 0, 7.24, 10.38, 11.16};
    expect_special(0.001 / 108, "-options_file " NM_SOURCE_INPUTS "/fp_jr_continuation.opts", 5, t, v, fr);
  }
}

/* Sip et al.'s dynamics check: below the bifurcation every start ends at the origin
   (monostable); uncoupled Stuart-Landau nodes above it oscillate with period 1/f; two
   uncoupled bistable pMFM nodes end at several equilibria (multistable). */
static void test_dynamics(void **state)
{
  NMFixedPoints    fp;
  PetscInt         n, cls;
  const PetscReal *d;

  (void)state;
  fp = nm_fp_solve("-model hopf -hopf_a -0.2 -connectome_type ring -connectome_n 6 -G 0.2 -fp_dynamics -fp_dynamics_starts 6");
  assert_int_equal(NMFixedPointsGetDynamics(fp, &n, &d, &cls), 0);
  assert_int_equal(cls, 0);
  for (PetscInt s = 0; s < n; s++) assert_true(d[4 * s] == 0 && d[4 * s + 1] == 0);
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
  fp = nm_fp_solve("-model hopf -hopf_a 0.3 -hopf_f 0.05 -connectome_type none -connectome_n 3 -fp_dynamics -fp_dynamics_starts 4");
  assert_int_equal(NMFixedPointsGetDynamics(fp, &n, &d, &cls), 0);
  assert_int_equal(cls, 2);
  for (PetscInt s = 0; s < n; s++) {
    assert_true(d[4 * s] == 1);
    assert_near(d[4 * s + 2], 20, 1);
  }
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
  fp = nm_fp_solve("-model pmfm -pmfm_w 1.5 -connectome_type none -connectome_n 2 -fp_box 0,1 -fp_deflation_shift 100 -fp_dynamics -fp_dynamics_dt 0.005 -fp_dynamics_horizons 20,60");
  assert_int_equal(NMFixedPointsGetDynamics(fp, &n, &d, &cls), 0);
  assert_int_equal(cls, 1);
  assert_int_equal(NMFixedPointsDestroy(&fp), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pmfm_node),
    cmocka_unit_test(test_bistable_product),
    cmocka_unit_test(test_hopf_network),
    cmocka_unit_test(test_continuation),
    cmocka_unit_test(test_dynamics),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
