/* Unit tests of the axonal delay kernels (src/delay_kernel.c): known answers for the
   instant (D1), single-velocity (D2), gamma (D3) and velocity-file kernels, checked
   against independent computations (GSL's gamma CDF and density, Simpson quadrature,
   closed forms), and the errors for bad parameters and bad velocity files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include <netmass/delay_kernel.h>
#include <netmass/sys.h>

/* ---- Errors: the call fails and its message says what is wrong. */
static char last_error[2048];

static PetscErrorCode CaptureError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file, (void)ctx;
  if (p == PETSC_ERROR_INITIAL) snprintf(last_error, sizeof(last_error), "%s", mess ? mess : "");
  return n;
}

#define expect_error(call, text) \
  do { \
    PetscErrorCode e_; \
    last_error[0] = 0; \
    (void)PetscPushErrorHandler(CaptureError, NULL); \
    e_ = (call); \
    (void)PetscPopErrorHandler(); \
    if (!e_) fail_msg("%s succeeded; expected an error mentioning '%s'", #call, text); \
    if (!strstr(last_error, text)) fail_msg("%s: error '%s' does not mention '%s'", #call, last_error, text); \
  } while (0)

static NMDelayModel Model(NMDelayType type, PetscInt max_lag)
{
  NMDelayModel dm;

  memset(&dm, 0, sizeof(dm));
  dm.type    = type;
  dm.max_lag = max_lag;
  return dm;
}

static NMDelayModel Gamma(PetscReal peak, PetscReal halfwidth, PetscInt max_lag)
{
  NMDelayModel dm = Model(NM_DELAY_GAMMA, max_lag);

  dm.peak      = peak;
  dm.halfwidth = halfwidth;
  return dm;
}

static void WriteText(const char name[], const char text[])
{
  FILE *fp = fopen(name, "w");

  assert_non_null(fp);
  fputs(text, fp);
  assert_int_equal(fclose(fp), 0);
}

static void WriteTable(const char name[], int n, const double v[], const double p[])
{
  FILE *fp = fopen(name, "w");

  assert_non_null(fp);
  for (int i = 0; i < n; i++) fprintf(fp, "%.17g %.17g\n", v[i], p[i]);
  assert_int_equal(fclose(fp), 0);
}

/* A kernel's basic invariants; returns the mean lag in s, sum (first+i) w_i dt. */
static double CheckKernel(PetscInt first, PetscInt nbins, const PetscReal w[], PetscInt max_lag, double dt)
{
  double sum = 0, mean = 0;

  assert_true(first >= 1);
  assert_true(nbins >= 1);
  assert_true(first + nbins - 1 <= max_lag);
  assert_true(w[0] > 0 && w[nbins - 1] > 0); /* trimmed to the support */
  for (PetscInt i = 0; i < nbins; i++) {
    assert_true(w[i] >= 0);
    sum += w[i];
    mean += (double)(first + i) * w[i] * dt;
  }
  assert_near(sum, 1, 1e-12);
  return mean;
}

/* ---- The enum list in PETSc's form: names, type name, prefix, NULL. */
static void test_types(void **state)
{
  (void)state;
  assert_string_equal(NMDelayTypes[NM_DELAY_INSTANT], "instant");
  assert_string_equal(NMDelayTypes[NM_DELAY_SINGLE], "single");
  assert_string_equal(NMDelayTypes[NM_DELAY_GAMMA], "gamma");
  assert_string_equal(NMDelayTypes[NM_DELAY_VELOCITY_FILE], "file");
  assert_string_equal(NMDelayTypes[4], "NMDelayType");
  assert_string_equal(NMDelayTypes[5], "NM_DELAY_");
  assert_null(NMDelayTypes[6]);
}

/* ---- D1: one step for every edge, whatever its length; the inputs are still checked. */
static void test_instant(void **state)
{
  NMDelayModel    dm        = Model(NM_DELAY_INSTANT, 50);
  const PetscReal lengths[] = {0, 7.4, 150, 1e6};
  PetscInt        first, nbins;
  PetscReal       w[50], sub = -1, trunc = -1, mean;

  (void)state;
  for (int i = 0; i < 4; i++) {
    assert_int_equal(NMDelayKernelDiscretize(&dm, lengths[i], 1e-4, &first, &nbins, w, &sub, &trunc), 0);
    assert_int_equal(first, 1);
    assert_int_equal(nbins, 1);
    assert_true(w[0] == 1 && sub == 0 && trunc == 0);
    assert_int_equal(NMDelayKernelMean(&dm, lengths[i], 1e-4, &mean), 0);
    assert_true(mean == 1e-4);
  }
  /* substep and truncated may be NULL. */
  assert_int_equal(NMDelayKernelDiscretize(&dm, 10, 1e-3, &first, &nbins, w, NULL, NULL), 0);
  dm.max_lag = 1;
  assert_int_equal(NMDelayKernelDiscretize(&dm, 10, 1e-3, &first, &nbins, w, NULL, NULL), 0);
  expect_error(NMDelayKernelDiscretize(&dm, -1, 1e-3, &first, &nbins, w, &sub, &trunc), "tract length -1. mm must be finite and >= 0");
  expect_error(NMDelayKernelDiscretize(&dm, NAN, 1e-3, &first, &nbins, w, &sub, &trunc), "must be finite and >= 0");
  expect_error(NMDelayKernelDiscretize(&dm, INFINITY, 1e-3, &first, &nbins, w, &sub, &trunc), "must be finite and >= 0");
  expect_error(NMDelayKernelDiscretize(&dm, 10, 0, &first, &nbins, w, &sub, &trunc), "-dt 0. s must be positive");
  expect_error(NMDelayKernelDiscretize(&dm, 10, -1e-3, &first, &nbins, w, &sub, &trunc), "-dt -0.001 s must be positive");
  expect_error(NMDelayKernelMean(&dm, -1, 1e-3, &mean), "tract length -1. mm");
  expect_error(NMDelayKernelMean(&dm, 10, 0, &mean), "-dt 0. s");
  dm.max_lag = 0;
  expect_error(NMDelayKernelDiscretize(&dm, 10, 1e-3, &first, &nbins, w, &sub, &trunc), "the longest lag is 0 x -dt 0.001 s; it must be at least one step (increase -max_delay)");
}

/* ---- D2: all mass in bin floor(T/dt), T = d/(1000 v) s. */
static PetscInt SingleLag(PetscReal length, PetscReal v, PetscReal dt, PetscInt max_lag)
{
  NMDelayModel dm = Model(NM_DELAY_SINGLE, max_lag);
  PetscInt     first = -1, nbins = -1;
  PetscReal    w[2] = {0, 0}, sub = -1, trunc = -1, mean;

  dm.velocity = v;
  assert_int_equal(NMDelayKernelDiscretize(&dm, length, dt, &first, &nbins, w, &sub, &trunc), 0);
  assert_int_equal(nbins, 1);
  assert_true(w[0] == 1 && sub == 0 && trunc == 0);
  assert_int_equal(NMDelayKernelMean(&dm, length, dt, &mean), 0);
  assert_near(mean, length / (1000 * v), 1e-15 * mean);
  return first;
}

static void test_single(void **state)
{
  NMDelayModel dm = Model(NM_DELAY_SINGLE, 200);
  PetscInt     first, nbins;
  PetscReal    w[200], sub, trunc;

  (void)state;
  /* 75 mm at 7.5 m/s = 10 ms: exactly 10 and 100 steps, which need the tolerance
     (0.075/7.5/1e-4 is 99.99999999999999 in binary floating point). */
  assert_int_equal(SingleLag(75, 7.5, 1e-3, 200), 10);
  assert_int_equal(SingleLag(75, 7.5, 1e-4, 200), 100);
  assert_int_equal(SingleLag(7.4, 1, 1e-3, 200), 7); /* 7.4 ms */
  assert_int_equal(SingleLag(7.4, 1, 1e-4, 200), 74);
  /* Every exact multiple of dt lands in its own bin: T = m * 0.1 ms for m = 1..2000. */
  for (int m = 1; m <= 2000; m++) {
    PetscInt lag = SingleLag(m * 0.75, 7.5, 1e-4, 2000);
    if (lag != m) fail_msg("%g mm at 7.5 m/s, dt 0.1 ms: lag %d, expected %d", m * 0.75, (int)lag, m);
  }
  /* The longest lag itself is allowed; one step more is not. */
  assert_int_equal(SingleLag(75, 7.5, 1e-3, 10), 10);
  dm.velocity = 7.5;
  dm.max_lag  = 9;
  expect_error(NMDelayKernelDiscretize(&dm, 75, 1e-3, &first, &nbins, w, &sub, &trunc), "7.5 m/s is 0.01 s, beyond the longest lag 9 x -dt 0.001 s = 0.009 s; increase -max_delay");
  expect_error(NMDelayKernelDiscretize(&dm, 1e300, 1e-3, &first, &nbins, w, &sub, &trunc), "increase -max_delay");
  /* A delay shorter than dt, and a zero-length edge, cannot be delivered by D2. */
  dm.max_lag = 200;
  expect_error(NMDelayKernelDiscretize(&dm, 5, 1e-3, &first, &nbins, w, &sub, &trunc), "delay of a 5. mm tract at 7.5 m/s is 0.000666667 s, shorter than -dt 0.001 s; use a smaller -dt or the instant kernel");
  expect_error(NMDelayKernelDiscretize(&dm, 0, 1e-3, &first, &nbins, w, &sub, &trunc), "shorter than -dt");
  dm.velocity = 1;
  expect_error(NMDelayKernelDiscretize(&dm, 0.99, 1e-3, &first, &nbins, w, &sub, &trunc), "shorter than -dt");
  /* The velocity must be positive and finite. */
  dm.velocity = 0;
  expect_error(NMDelayKernelDiscretize(&dm, 75, 1e-3, &first, &nbins, w, &sub, &trunc), "-velocity 0. m/s must be positive");
  dm.velocity = -7.5;
  expect_error(NMDelayKernelDiscretize(&dm, 75, 1e-3, &first, &nbins, w, &sub, &trunc), "-velocity -7.5 m/s must be positive");
  dm.velocity = INFINITY;
  expect_error(NMDelayKernelDiscretize(&dm, 75, 1e-3, &first, &nbins, w, &sub, &trunc), "must be positive and finite");
  expect_error(NMDelayKernelMean(&dm, 75, 1e-3, &trunc), "must be positive and finite");
}

/* ---- Gamma parameters: mode (k-1) theta = peak and p(peak + hw) = p(peak)/2. */
static void CheckGammaParameters(double peak, double hw)
{
  PetscReal k, theta;
  double    ratio;

  assert_int_equal(NMDelayGammaParameters(peak, hw, &k, &theta), 0);
  assert_true(k > 1 && theta > 0);
  assert_near((k - 1) * theta, peak, 1e-12 * peak);
  /* p(peak+hw)/p(peak) from ln p(v) = (k-1) ln v - v/theta + const; log1p keeps the
     ratio accurate when k is large. Where GSL's density is accurate (k moderate; it
     loses ~k eps) the ratio of its values must agree. */
  ratio = exp((k - 1) * log1p(hw / peak) - hw / theta);
  assert_near(ratio, 0.5, 1e-10);
  if (k < 1e3) assert_near(gsl_ran_gamma_pdf(peak + hw, k, theta) / gsl_ran_gamma_pdf(peak, k, theta), 0.5, 1e-10);
  /* The mode is the maximum: the density falls on both sides. */
  assert_true(gsl_ran_gamma_pdf(peak * (1 - 1e-3), k, theta) < gsl_ran_gamma_pdf(peak, k, theta));
  assert_true(gsl_ran_gamma_pdf(peak * (1 + 1e-3), k, theta) < gsl_ran_gamma_pdf(peak, k, theta));
  print_message("  gamma peak %g hw %g: k %.15g theta %.15g m/s, mode error %.3g, p(peak+hw)/p(peak) - 1/2 = %.3g\n", peak, hw, (double)k, (double)theta, (double)((k - 1) * theta - peak), ratio - 0.5);
}

static void test_gamma_parameters(void **state)
{
  PetscReal k, theta;

  (void)state;
  CheckGammaParameters(7.5, 3);
  CheckGammaParameters(6, 2);
  CheckGammaParameters(9, 3);
  CheckGammaParameters(7.5, 1e-3); /* narrow: k ~ 3.9e7 */
  CheckGammaParameters(1, 100);    /* wide: k close to 1 */
  expect_error(NMDelayGammaParameters(0, 3, &k, &theta), "-velocity_peak 0. m/s must be positive");
  expect_error(NMDelayGammaParameters(-7.5, 3, &k, &theta), "-velocity_peak -7.5 m/s must be positive");
  expect_error(NMDelayGammaParameters(NAN, 3, &k, &theta), "-velocity_peak");
  expect_error(NMDelayGammaParameters(7.5, 0, &k, &theta), "-velocity_halfwidth 0. m/s must be positive");
  expect_error(NMDelayGammaParameters(7.5, -3, &k, &theta), "-velocity_halfwidth -3. m/s must be positive");
  expect_error(NMDelayGammaParameters(7.5, INFINITY, &k, &theta), "-velocity_halfwidth");
}

/* ---- D3 against independent computations. */

/* E[T] by composite Simpson on the delay density p_T(T) = p_v(d/T) d/T^2 over the
   delays of velocities 0.2..80 m/s (the gamma mass outside is below 1e-14); also
   returns the integral of p_T itself, which must be 1. */
static void SimpsonDelay(double d, double k, double theta, double *mass, double *mean)
{
  const int    n = 200000;
  const double a = d / 80, b = d / 0.2, h = (b - a) / n;
  double       s0 = 0, s1 = 0;

  for (int i = 0; i <= n; i++) {
    double T = a + i * h, c = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    double p = gsl_ran_gamma_pdf(d / T, k, theta) * d / (T * T);
    s0 += c * p;
    s1 += c * p * T;
  }
  *mass = s0 * h / 3;
  *mean = s1 * h / 3;
}

/* Bin tau's mass by (2), here naively as a difference of Q_v. */
static double GammaBin(double d, double dt, int tau, double k, double theta)
{
  return gsl_cdf_gamma_Q(d / ((tau + 1) * dt), k, theta) - gsl_cdf_gamma_Q(d / (tau * dt), k, theta);
}

/* Check a D3 kernel bin by bin against GSL, and its sub-step and truncated masses;
   returns the kernel's mean lag in s. */
static double CheckGammaKernel(const NMDelayModel *dm, PetscReal length, PetscReal dt, PetscInt first, PetscInt nbins, const PetscReal w[], PetscReal sub, PetscReal trunc)
{
  PetscReal k, theta;
  double    d = length * 1e-3, bins = 0, mean;
  int       ntail = 0;

  assert_int_equal(NMDelayGammaParameters(dm->peak, dm->halfwidth, &k, &theta), 0);
  mean = CheckKernel(first, nbins, w, dm->max_lag, dt);
  assert_near(sub, gsl_cdf_gamma_Q(d / dt, k, theta), 1e-15);
  assert_near(trunc, gsl_cdf_gamma_P(d / ((dm->max_lag + 1) * dt), k, theta), 1e-15);
  for (int tau = 1; tau <= dm->max_lag; tau++) {
    double m = GammaBin(d, dt, tau, k, theta), got = 0;
    bins += m;
    /* Undo the renormalisation; bin 1 also holds the sub-step mass. */
    if (tau >= first && tau < first + nbins) got = w[tau - first] * (1 - trunc);
    if (tau == 1) m += sub;
    if (!(fabs(got - m) <= 1e-13)) fail_msg("%g mm, dt %g: bin %d is %.17g, expected %.17g", (double)length, (double)dt, tau, got, m);
    /* In the slow-velocity tail (long delays) the bins are differences of P_v, which
       keep relative accuracy where the Q_v differences above are rounding noise. */
    if (tau > 1 && gsl_cdf_gamma_P(d / (tau * dt), k, theta) < 0.25) {
      double mp = gsl_cdf_gamma_P(d / (tau * dt), k, theta) - gsl_cdf_gamma_P(d / ((tau + 1) * dt), k, theta);
      if (!(fabs(got - mp) <= 1e-9 * mp)) fail_msg("%g mm, dt %g: tail bin %d is %.17g, expected %.17g", (double)length, (double)dt, tau, got, mp);
      ntail++;
    }
  }
  assert_true(ntail > 0 || trunc > 0.01);
  /* The mass of bins 1..max_lag is what is neither sub-step nor truncated. */
  assert_near(bins, 1 - sub - trunc, 1e-12);
  return mean;
}

static void test_gamma_kernel(void **state)
{
  const PetscReal lengths[] = {20, 80, 150}, dts[] = {1e-3, 1e-4};
  PetscReal       k, theta;

  (void)state;
  assert_int_equal(NMDelayGammaParameters(7.5, 3, &k, &theta), 0);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 2; j++) {
      NMDelayModel dm = Gamma(7.5, 3, (PetscInt)(0.5 / dts[j] + 0.5)); /* 0.5 s */
      PetscInt     first, nbins;
      PetscReal   *w, sub, trunc, mean;
      double       d = lengths[i] * 1e-3, lagmean, smass, smean;

      w = (PetscReal *)calloc((size_t)dm.max_lag, sizeof(PetscReal));
      assert_int_equal(NMDelayKernelDiscretize(&dm, lengths[i], dts[j], &first, &nbins, w, &sub, &trunc), 0);
      lagmean = CheckGammaKernel(&dm, lengths[i], dts[j], first, nbins, w, sub, trunc);
      assert_true(trunc < 1e-12);
      /* The continuous mean: d E[1/v] = d/(theta (k-1)) = d/peak, and by quadrature. */
      assert_int_equal(NMDelayKernelMean(&dm, lengths[i], dts[j], &mean), 0);
      assert_near(mean, d / (theta * (k - 1)), 1e-15 * mean);
      assert_near(mean, d / 7.5, 1e-14 * mean);
      SimpsonDelay(d, k, theta, &smass, &smean);
      assert_near(smass, 1, 1e-12);
      assert_near(mean, smean, 1e-10 * mean);
      /* Binning at floor(T/dt) shifts the mean by about -dt/2, the sub-step mass by up
         to +dt: the discretised mean stays within one step. */
      assert_true(fabs(lagmean - mean) <= dts[j]);
      print_message("  %5.0f mm dt %g: lags %d..%d, substep %.3g, truncated %.3g, mean %.6g ms (Simpson %.6g), kernel mean %.6g ms\n", (double)lengths[i], (double)dts[j], (int)first, (int)(first + nbins - 1), (double)sub, (double)trunc, 1e3 * mean, 1e3 * smean, 1e3 * lagmean);
      free(w);
    }
}

/* A short tau_max: the truncated mass is the analytic tail P(d/v >= (max_lag+1) dt),
   and what remains is renormalised. Zero-length and too-long edges. */
/* A tail tolerance ends the kernel where the remaining mass drops below it: far fewer
   bins than tau_max, at most the tolerated mass lost, and the kept bins unchanged
   up to the renormalisation. */
static void test_gamma_tail_tolerance(void **state)
{
  static PetscReal w_full[5000], w_tol[5000];
  PetscReal        sub, trunc_full, trunc_tol;
  PetscInt         f_full, n_full, f_tol, n_tol;
  NMDelayModel     dm = Gamma(7.5, 3, 5000);

  (void)state;
  assert_int_equal(NMDelayKernelDiscretize(&dm, 150, 1e-4, &f_full, &n_full, w_full, &sub, &trunc_full), 0);
  dm.tail = 1e-6;
  assert_int_equal(NMDelayKernelDiscretize(&dm, 150, 1e-4, &f_tol, &n_tol, w_tol, &sub, &trunc_tol), 0);
  assert_true(trunc_tol <= 1e-6 + trunc_full);
  assert_true(trunc_tol > trunc_full);
  assert_true(n_tol < n_full / 2);
  assert_true(f_tol >= f_full && f_tol + n_tol <= f_full + n_full);
  /* same shape: the ratio of kept bins equals the ratio of the untruncated ones */
  for (PetscInt i = 0; i < n_tol; i++) assert_near(w_tol[i] * (1 - trunc_tol), w_full[i + f_tol - f_full] * (1 - trunc_full), 1e-12);
  print_message("  150 mm dt 0.1 ms: %d bins without tolerance, %d with tail 1e-6 (truncated %.3g)\n", (int)n_full, (int)n_tol, (double)trunc_tol);
}

static void test_gamma_truncation(void **state)
{
  const struct {
    PetscReal length, dt;
    PetscInt  max_lag;
  } cases[] = {
    {80,  1e-3, 12 },
    {80,  1e-4, 120},
    {150, 1e-3, 20 },
    {20,  1e-3, 2  },
  };
  PetscReal k, theta, w[200], sub, trunc, mean;
  PetscInt  first, nbins;

  (void)state;
  assert_int_equal(NMDelayGammaParameters(7.5, 3, &k, &theta), 0);
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    NMDelayModel dm   = Gamma(7.5, 3, cases[c].max_lag);
    double       tail = gsl_cdf_gamma_P(cases[c].length * 1e-3 / ((cases[c].max_lag + 1) * cases[c].dt), k, theta);
    assert_int_equal(NMDelayKernelDiscretize(&dm, cases[c].length, cases[c].dt, &first, &nbins, w, &sub, &trunc), 0);
    assert_near(trunc, tail, 1e-15);
    assert_true(trunc > 0.01); /* the cases do truncate */
    assert_int_equal(first + nbins - 1, cases[c].max_lag);
    CheckGammaKernel(&dm, cases[c].length, cases[c].dt, first, nbins, w, sub, trunc);
    print_message("  %5.0f mm dt %g max_lag %d: truncated %.6g (analytic %.6g), substep %.3g, lags %d..%d\n", (double)cases[c].length, (double)cases[c].dt, (int)cases[c].max_lag, (double)trunc, tail, (double)sub, (int)first, (int)(first + nbins - 1));
  }
  /* Zero length: every delay is 0, all mass is sub-step and lands at lag 1. */
  {
    NMDelayModel dm = Gamma(7.5, 3, 10);
    assert_int_equal(NMDelayKernelDiscretize(&dm, 0, 1e-3, &first, &nbins, w, &sub, &trunc), 0);
    assert_int_equal(first, 1);
    assert_int_equal(nbins, 1);
    assert_true(w[0] == 1 && sub == 1 && trunc == 0);
    assert_int_equal(NMDelayKernelMean(&dm, 0, 1e-3, &mean), 0);
    assert_true(mean == 0);
  }
  /* A 150 mm tract needs v > 75 m/s to arrive within 2 ms: mass ~1e-32 kept. */
  {
    NMDelayModel dm = Gamma(7.5, 3, 1);
    expect_error(NMDelayKernelDiscretize(&dm, 150, 1e-3, &first, &nbins, w, &sub, &trunc), "delay kernel of a 150. mm tract lies entirely beyond the longest lag 1 x -dt 0.001 s = 0.001 s");
    expect_error(NMDelayKernelDiscretize(&dm, 150, 1e-3, &first, &nbins, w, &sub, &trunc), "increase -max_delay");
  }
  /* Bad parameters reach Discretize and Mean too. */
  {
    NMDelayModel dm = Gamma(0, 3, 10);
    expect_error(NMDelayKernelDiscretize(&dm, 80, 1e-3, &first, &nbins, w, &sub, &trunc), "-velocity_peak 0. m/s");
    expect_error(NMDelayKernelMean(&dm, 80, 1e-3, &mean), "-velocity_peak 0. m/s");
    dm = Gamma(7.5, -1, 10);
    expect_error(NMDelayKernelDiscretize(&dm, 80, 1e-3, &first, &nbins, w, &sub, &trunc), "-velocity_halfwidth -1. m/s");
    dm = Gamma(7.5, 3, 10);
    expect_error(NMDelayKernelDiscretize(&dm, -80, 1e-3, &first, &nbins, w, &sub, &trunc), "tract length -80. mm");
  }
}

/* ---- Velocity files. */

/* A narrow triangle: density 0, 1, 0 at 7.45, 7.5, 7.55 m/s. */
static void test_file_triangle(void **state)
{
  const char     *name = "delay_kernel_triangle.txt";
  NMDelayModel    dm   = Model(NM_DELAY_VELOCITY_FILE, 200);
  PetscInt        first, nbins;
  PetscReal       w[200], sub, trunc, mean;
  const double    c = 7.5, a = 0.05;
  double          lagmean;

  (void)state;
  WriteText(name, "# not a comment: rejected\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "line 1, column 1: '#'");
  WriteText(name, "7.45 0\n\n7.5 1\n7.55 0\n");
  assert_int_equal(NMDelayModelLoadVelocityFile(&dm, name), 0);
  assert_int_equal(dm.nvel, 3);
  assert_true(dm.vel[0] == 7.45 && dm.vel[2] == 7.55 && dm.density[1] == 1);
  /* 78 mm: T in [10.33, 10.47] ms, inside bin 10 like D2's 10.4 ms. */
  assert_int_equal(NMDelayKernelDiscretize(&dm, 78, 1e-3, &first, &nbins, w, &sub, &trunc), 0);
  assert_int_equal(first, SingleLag(78, 7.5, 1e-3, 200));
  assert_int_equal(nbins, 1);
  assert_near(w[0], 1, 1e-15);
  assert_true(sub == 0 && trunc == 0);
  /* At dt 0.1 ms the triangle spans lags 103..104; D2 puts 104 ms in bin 104. */
  assert_int_equal(NMDelayKernelDiscretize(&dm, 78, 1e-4, &first, &nbins, w, &sub, &trunc), 0);
  lagmean = CheckKernel(first, nbins, w, 200, 1e-4);
  assert_int_equal(first, 103);
  assert_int_equal(nbins, 2);
  assert_true(fabs(lagmean / 1e-4 - SingleLag(78, 7.5, 1e-4, 200)) < 1);
  print_message("  triangle, 78 mm, dt 0.1 ms: w(103) %.6f, w(104) %.6f (D2: lag %d)\n", (double)w[0], (double)w[1], (int)SingleLag(78, 7.5, 1e-4, 200));
  /* 75 mm: T = 10 ms at the mode, on the edge between bins 9 and 10; the triangle is
     symmetric in v, so exactly half the mass is faster than 7.5 m/s. */
  assert_int_equal(NMDelayKernelDiscretize(&dm, 75, 1e-3, &first, &nbins, w, &sub, &trunc), 0);
  assert_int_equal(first, 9);
  assert_int_equal(nbins, 2);
  assert_near(w[0], 0.5, 1e-14);
  assert_near(w[1], 0.5, 1e-14);
  /* Mean: d E[1/v], with E[1/v] = ((c+a) ln(1+a/c) + (c-a) ln(1-a/c))/a^2 for the
     triangle of half width a around c (log1p: the two terms cancel to ~a^2/c). */
  assert_int_equal(NMDelayKernelMean(&dm, 75, 1e-3, &mean), 0);
  assert_near(mean, 0.075 * ((c + a) * log1p(a / c) + (c - a) * log1p(-a / c)) / (a * a), 1e-12 * mean);
  assert_near(mean, 0.01, 1e-6);
  print_message("  triangle, 75 mm: mean delay %.12g s (D2: 0.01 s)\n", (double)mean);
  /* Entirely beyond tau_max: exactly no mass kept. */
  dm.max_lag = 9;
  expect_error(NMDelayKernelDiscretize(&dm, 150, 1e-3, &first, &nbins, w, &sub, &trunc), "lies entirely beyond the longest lag 9 x -dt 0.001 s");
  /* Zero length: all sub-step. */
  dm.max_lag = 200;
  assert_int_equal(NMDelayKernelDiscretize(&dm, 0, 1e-3, &first, &nbins, w, &sub, &trunc), 0);
  assert_true(first == 1 && nbins == 1 && w[0] == 1 && sub == 1 && trunc == 0);
  /* Reloading replaces the table. */
  WriteText(name, "1 1\n2 1\n");
  assert_int_equal(NMDelayModelLoadVelocityFile(&dm, name), 0);
  assert_int_equal(dm.nvel, 2);
  /* Uniform on [1, 2] m/s: E[1/v] = ln 2. */
  assert_int_equal(NMDelayKernelMean(&dm, 75, 1e-3, &mean), 0);
  assert_near(mean, 0.075 * log(2.0), 1e-16);
  assert_int_equal(NMDelayModelDestroy(&dm), 0);
  assert_null(dm.vel);
  assert_null(dm.density);
  assert_int_equal(dm.nvel, 0);
  /* A file kernel without a file. */
  expect_error(NMDelayKernelDiscretize(&dm, 75, 1e-3, &first, &nbins, w, &sub, &trunc), "no velocity density; give -velocity_file");
  expect_error(NMDelayKernelMean(&dm, 75, 1e-3, &mean), "no velocity density");
  remove(name);
}

/* The gamma density of (7.5, 3) tabulated every 5 mm/s on 0.005..40 m/s: the piecewise
   linear file kernel reproduces D3. */
static void test_file_gamma(void **state)
{
  const char     *name      = "delay_kernel_gamma.txt";
  const PetscReal lengths[] = {20, 80, 150}, dts[] = {1e-3, 1e-4};
  const int       n         = 8000;
  double         *v, *p, worst = 0;
  PetscReal       k, theta;
  NMDelayModel    file = Model(NM_DELAY_VELOCITY_FILE, 0);

  (void)state;
  assert_int_equal(NMDelayGammaParameters(7.5, 3, &k, &theta), 0);
  v = (double *)malloc(n * sizeof(double));
  p = (double *)malloc(n * sizeof(double));
  for (int i = 0; i < n; i++) {
    v[i] = 0.005 * (i + 1);
    p[i] = gsl_ran_gamma_pdf(v[i], k, theta);
  }
  WriteTable(name, n, v, p);
  assert_int_equal(NMDelayModelLoadVelocityFile(&file, name), 0);
  assert_int_equal(file.nvel, n);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 2; j++) {
      PetscInt     max_lag = (PetscInt)(0.5 / dts[j] + 0.5);
      NMDelayModel gamma   = Gamma(7.5, 3, max_lag);
      PetscInt     f1, n1, f2, n2;
      PetscReal   *w1, *w2, s1, s2, t1, t2, m1, m2;
      double       diff = 0;

      file.max_lag = max_lag;
      w1           = (PetscReal *)calloc((size_t)max_lag, sizeof(PetscReal));
      w2           = (PetscReal *)calloc((size_t)max_lag, sizeof(PetscReal));
      assert_int_equal(NMDelayKernelDiscretize(&gamma, lengths[i], dts[j], &f1, &n1, w1, &s1, &t1), 0);
      assert_int_equal(NMDelayKernelDiscretize(&file, lengths[i], dts[j], &f2, &n2, w2, &s2, &t2), 0);
      CheckKernel(f2, n2, w2, max_lag, dts[j]);
      for (PetscInt tau = 1; tau <= max_lag; tau++) {
        double a = (tau >= f1 && tau < f1 + n1) ? w1[tau - f1] : 0, b = (tau >= f2 && tau < f2 + n2) ? w2[tau - f2] : 0;
        diff = fmax(diff, fabs(a - b));
      }
      assert_true(diff < 1e-4);
      assert_near(s1, s2, 1e-4);
      assert_near(t1, t2, 1e-4);
      assert_int_equal(NMDelayKernelMean(&gamma, lengths[i], dts[j], &m1), 0);
      assert_int_equal(NMDelayKernelMean(&file, lengths[i], dts[j], &m2), 0);
      assert_near(m2, m1, 1e-5 * m1);
      worst = fmax(worst, diff);
      print_message("  %5.0f mm dt %g: max |w_file - w_gamma| %.3g, substep %.3g vs %.3g, mean %.9g vs %.9g ms\n", (double)lengths[i], (double)dts[j], diff, (double)s2, (double)s1, 1e3 * m2, 1e3 * m1);
      free(w1);
      free(w2);
    }
  print_message("  worst weight difference %.3g\n", worst);
  assert_int_equal(NMDelayModelDestroy(&file), 0);
  free(v);
  free(p);
  remove(name);
}

/* Bad files: one error naming the file and the row. */
static void test_file_errors(void **state)
{
  const char  *name = "delay_kernel_bad.txt";
  NMDelayModel dm   = Model(NM_DELAY_VELOCITY_FILE, 10);

  (void)state;
  WriteText(name, "1\n2\n3\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "-velocity_file delay_kernel_bad.txt has 1 column; expected two: velocity (m/s) and density");
  WriteText(name, "1 1 1\n2 1 1\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "has 3 columns; expected two");
  WriteText(name, "7.5 1\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "delay_kernel_bad.txt has 1 row; a piecewise-linear velocity density needs at least two");
  WriteText(name, "1 0\n3 1\n2 1\n4 0\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "delay_kernel_bad.txt, row 3: velocity 2. m/s is not larger than 3. m/s on the row before; velocities must be strictly increasing");
  WriteText(name, "1 0\n2 1\n2 1\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "row 3: velocity 2. m/s is not larger than 2. m/s");
  WriteText(name, "0 0\n2 1\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "row 1: velocity 0. m/s must be positive and finite");
  WriteText(name, "1 0\n2 1\n3 -0.5\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "delay_kernel_bad.txt, row 3: density -0.5 must be finite and >= 0");
  WriteText(name, "1 0\n2 nan\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "row 2: density nan");
  WriteText(name, "1 0\n2 0\n3 0\n");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "delay_kernel_bad.txt: the density is 0 on every row; it must be positive somewhere");
  WriteText(name, "");
  expect_error(NMDelayModelLoadVelocityFile(&dm, name), "holds no numbers");
  remove(name);
  expect_error(NMDelayModelLoadVelocityFile(&dm, "delay_kernel_missing.txt"), "delay_kernel_missing.txt");
  /* Failed loads leave the model empty. */
  assert_null(dm.vel);
  assert_int_equal(dm.nvel, 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_types),
    cmocka_unit_test(test_instant),
    cmocka_unit_test(test_single),
    cmocka_unit_test(test_gamma_parameters),
    cmocka_unit_test(test_gamma_kernel),
    cmocka_unit_test(test_gamma_truncation),
    cmocka_unit_test(test_gamma_tail_tolerance),
    cmocka_unit_test(test_file_triangle),
    cmocka_unit_test(test_file_gamma),
    cmocka_unit_test(test_file_errors),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
