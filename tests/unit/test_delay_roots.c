/* The delay characteristic roots (NMLinearDDERoots, -fp_delay_stability) against known
   answers:
   - the scalar x' = -x + k x(t - tau): the rightmost root is lambda = -1 + W_0(k tau e^tau)/tau
     (W_0 the principal branch of Lambert's W), checked against the test's own Newton search
     of lambda + 1 - k e^{-lambda tau} = 0 and the branch of w = tau (lambda + 1); for k = -2
     the root crosses the imaginary axis at tau* = arccos(1/k) / sqrt(k^2 - 1), where it is
     i sqrt(k^2 - 1): stable below, unstable above, while the delay-free -1 + k is stable;
   - a two-node linear network x1_g' = -x1_g + b_g G x1_h(t - tau) with b = (1, -1): the
     delay-free roots -1 +- i G are stable, the delayed ones (lambda + 1 = +-i G e^{-lambda tau})
     are not, checked through netmass fixedpoints -fp_delay_stability. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <complex.h>
#include <stdio.h>
#include "../nm_test.h"
#include <netmass/connectome.h>
#include <netmass/delay_roots.h>
#include <netmass/fixedpoint.h>
#include <netmass/sys.h>

/* The rightmost root of lambda + 1 - k e^{-lambda tau} = 0 (k complex) by Newton from a
   grid of starts, independent of the collocation. */
static double complex rightmost_scalar(double complex k, double tau)
{
  double complex best = -1e300;
  for (int a = -4; a <= 4; a++)
    for (int b = -40; b <= 40; b++) {
      double complex z = a * 0.5 + I * b * 0.25;
      int            conv = 0;
      for (int it = 0; it < 100 && !conv; it++) {
        double complex h = z + 1 - k * cexp(-z * tau), dh = 1 + tau * k * cexp(-z * tau), s = h / dh;
        z -= s;
        conv = cabs(s) < 1e-14 * (1 + cabs(z));
      }
      if (conv && cabs(z + 1 - k * cexp(-z * tau)) < 1e-12 && creal(z) > creal(best)) best = z;
    }
  return best;
}

static void scalar_roots(PetscReal k, PetscReal tau, PetscReal *re, PetscReal *im)
{
  const PetscReal A0 = -1;
  const PetscInt  row = 0, col = 0;
  NMLinearDDE     dde = {1, &A0, 1, &row, &col, &k, &tau};
  PetscInt        M   = NMLinearDDESize(&dde, 24);
  PetscReal      *r = malloc(sizeof(PetscReal) * M), *i = malloc(sizeof(PetscReal) * M);
  assert_int_equal(M, 25);
  assert_int_equal(NMLinearDDERoots(&dde, 24, 4, r, i), 0);
  *re = r[0];
  *im = PetscAbsReal(i[0]);
  free(r);
  free(i);
}

static void test_scalar(void **state)
{
  const PetscReal k = -2, tstar = PetscAcosReal(1 / k) / PetscSqrtReal(k * k - 1);
  const PetscReal taus[] = {0.5, tstar, 2.0};

  (void)state;
  assert_true(-1 + k < 0); /* stable without the delay */
  for (int c = 0; c < 3; c++) {
    PetscReal      tau = taus[c], re, im;
    double complex ref = rightmost_scalar(k, tau), w = tau * (ref + 1);
    scalar_roots(k, tau, &re, &im);
    print_message("  tau %.6f: rightmost root %.12f %+.12fi\n", (double)tau, (double)re, (double)im);
    /* w = tau (lambda + 1) solves w e^w = k tau e^tau on the principal branch */
    assert_near(cabs(w * cexp(w) - k * tau * PetscExpReal(tau)), 0, 1e-10);
    assert_true(PetscAbsReal(cimag(w)) < PETSC_PI);
    assert_near(re, creal(ref), 1e-10);
    assert_near(im, PetscAbsReal(cimag(ref)), 1e-10);
  }
  /* on the axis at tau*, i sqrt(k^2 - 1); the class flips across it */
  {
    PetscReal re, im;
    scalar_roots(k, tstar, &re, &im);
    assert_near(re, 0, 1e-10);
    assert_near(im, PetscSqrtReal(k * k - 1), 1e-10);
    scalar_roots(k, 0.5, &re, &im);
    assert_true(re < -0.1);
    scalar_roots(k, 2.0, &re, &im);
    assert_true(re > 0.1);
  }
}

static void test_network(void **state)
{
  const PetscReal  G = 2, tau = 1.0;
  NMConnectome     conn;
  PetscReal       *W, *L;
  FILE            *fp;
  NMFixedPoints    fps;
  PetscInt         nroots, size;
  const PetscReal *re, *im;
  double complex   ref = rightmost_scalar(I * G, tau);

  (void)state;
  /* two regions linked both ways by a 1000 mm tract: 1 s at 1 m/s */
  assert_int_equal(NMConnectomeCreate(PETSC_COMM_WORLD, 2, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &W, &L, NULL), 0);
  W[1] = W[2] = 1;
  L[1] = L[2] = 1000;
  assert_int_equal(NMConnectomeSave(conn, "dr_pair.h5"), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
  fp = fopen("dr_pair_params.txt", "w");
  fprintf(fp, "b1\n1\n-1\n");
  fclose(fp);
  assert_int_equal(PetscOptionsClear(NULL), 0);
  assert_int_equal(PetscOptionsInsertString(NULL, "-model linear -connectome dr_pair.h5 -params_file dr_pair_params.txt -G 2 -delay single -velocity 1 -dt 0.01 -max_delay 1.5 -fp_starts 2 -fp_delay_stability"), 0);
  assert_int_equal(NMFixedPointsCreate(PETSC_COMM_WORLD, &fps), 0);
  assert_int_equal(NMFixedPointsSetFromOptions(fps), 0);
  assert_int_equal(NMFixedPointsSolve(fps), 0);
  assert_int_equal(PetscOptionsClear(NULL), 0);
  assert_int_equal(NMFixedPointsGetRoots(fps, &nroots, &size), 0);
  assert_int_equal(nroots, 1);
  assert_int_equal(NMFixedPointsGetRoot(fps, 0, NULL, &re, &im), 0);
  /* delay-free: -1 +- i G (twice) and -1 (the x2 states): a stable focus */
  assert_near(re[0], -1, 1e-12);
  assert_near(im[0], G, 1e-12);
  {
    const PetscReal  *d;
    NMFixedPointClass cls;
    PetscInt          unstable;
    PetscReal         maxre, freq;
    assert_int_equal(NMFixedPointClassify(size, re, im, &cls, &unstable, &maxre, &freq), 0);
    assert_int_equal(cls, NM_FP_STABLE_FOCUS);
    assert_int_equal(NMFixedPointsGetDelayStability(fps, &d), 0);
    print_message("  with delays: class %d, %d unstable, max Re %.12f, %.6f Hz (test: %.12f %+.12fi)\n", (int)d[0], (int)d[1], d[2], d[3], creal(ref), cimag(ref));
    assert_true(creal(ref) > 0);
    assert_near(d[2], creal(ref), 1e-10);
    assert_near(d[3], PetscAbsReal(cimag(ref)) / (2 * PETSC_PI), 1e-10);
    assert_int_equal((PetscInt)d[0], NM_FP_SADDLE);
    assert_true(d[1] >= 2 && (PetscInt)d[1] % 2 == 0); /* complex pairs */
  }
  assert_int_equal(NMFixedPointsDestroy(&fps), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scalar),
    cmocka_unit_test(test_network),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
