/* Known-answer tests of the time-series analyses (src/analysis_*.c): FC, FCD, Welch PSD,
   PCA, participation ratio, effective rank and the linear (ridge) fit of
   x_{t+1} = A x_t + c, on synthetic data whose true statistics are known. Random numbers
   come from netmass's Philox streams, so every run sees the same data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <math.h>
#include <string.h>
#include <lapacke.h>

#include <netmass/analysis.h>
#include <netmass/rng.h>
#include <netmass/sys.h>

#define SEED 20240611

/* z[0..count-1]: standard normals of stream (SEED, a, b). */
static double *Normals(uint32_t a, uint32_t b, size_t count)
{
  double        *z = malloc(count * sizeof(double));
  NMRandomStream s;

  assert_non_null(z);
  NMRandomStreamInit(&s, SEED, a, b);
  NMRandomNormalFill(&s, 0, count, z);
  return z;
}

/* Lower Cholesky factor (row-major, upper part zeroed) of the n x n matrix r. */
static void Cholesky(int n, const double r[], double l[])
{
  memcpy(l, r, sizeof(double) * n * n);
  assert_int_equal(LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, l, n), 0);
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) l[i * n + j] = 0;
}

/* x[:, k0..k1) = L z_k (x is n x t row-major; z holds n normals per sample). */
static void Correlated(int n, int t, int k0, int k1, const double l[], const double z[], double x[])
{
  for (int k = k0; k < k1; k++)
    for (int i = 0; i < n; i++) {
      double v = 0;
      for (int j = 0; j <= i; j++) v += l[i * n + j] * z[(size_t)k * n + j];
      x[(size_t)i * t + k] = v;
    }
}

/* The Householder reflection H = I - 2 v v^T / v^T v: symmetric, orthogonal, H^-1 = H. */
static void Householder(int n, const double v[], double h[])
{
  double vv = 0;
  for (int i = 0; i < n; i++) vv += v[i] * v[i];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) h[i * n + j] = (i == j) - 2 * v[i] * v[j] / vv;
}

/* c = a b (n x n). */
static void MatMul(int n, const double a[], const double b[], double c[])
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
}

/* x (n x t) from x_0 = 0, x_{k+1} = A x_k + c + sigma e_k after `burn` discarded steps,
   e_k from stream (SEED, a, 0). */
static double *SimulateLDS(int n, int t, const double A[], const double c[], double sigma, uint32_t a)
{
  const int burn = 500;
  double   *e = Normals(a, 0, (size_t)(t + burn) * n), *x = malloc(sizeof(double) * n * t), *v = calloc(n, sizeof(double)), *w = malloc(sizeof(double) * n);

  assert_non_null(x);
  for (int k = 0; k < t + burn; k++) {
    for (int i = 0; i < n; i++) {
      double s = (c ? c[i] : 0) + sigma * e[(size_t)k * n + i];
      for (int j = 0; j < n; j++) s += A[i * n + j] * v[j];
      w[i] = s;
    }
    memcpy(v, w, sizeof(double) * n);
    if (k >= burn)
      for (int i = 0; i < n; i++) x[(size_t)i * t + (k - burn)] = v[i];
  }
  free(e);
  free(v);
  free(w);
  return x;
}

/* ---- FC: x = L z with L L^T = R, T = 20000: the sample correlation r of a bivariate
   normal pair with correlation rho has standard error ~ (1 - rho^2)/sqrt(T); every
   entry must be within 5 of them. The diagonal is 1 exactly and FC symmetric. */
static void test_fc_known_correlation(void **state)
{
  enum { N = 4, T = 20000 };
  const double R[N * N] = {1, 0.6, -0.3, 0, 0.6, 1, 0, 0.4, -0.3, 0, 1, -0.2, 0, 0.4, -0.2, 1}; /* eigenvalues 0.19 .. 1.81 */
  double       L[N * N], fc[N * N], *z = Normals(1, 0, (size_t)N * T), *x = malloc(sizeof(double) * N * T);

  (void)state;
  Cholesky(N, R, L);
  Correlated(N, T, 0, T, L, z, x);
  assert_int_equal(NMAnalysisFC(N, T, x, fc), 0);
  for (int i = 0; i < N; i++) {
    assert_true(fc[i * N + i] == 1);
    for (int j = 0; j < N; j++) {
      const double rho = R[i * N + j];
      assert_true(fc[i * N + j] == fc[j * N + i]);
      if (i != j) assert_near(fc[i * N + j], rho, 5 * (1 - rho * rho) / sqrt(T));
    }
  }
  free(z);
  free(x);
}

/* ---- Welch: region 0 = sin(2 pi f0 t) + 0.1 noise, region 1 = unit white noise;
   dt = 0.1 s (fs = 10 Hz), 4096 samples, segments of 256 (df = fs/256).
   - the peak of region 0 is the bin nearest f0;
   - Parseval: sum_k psd_k df = variance of the series, within 2 %;
   - white noise of variance s^2 has the flat one-sided density 2 s^2 / fs: the mean
     over the interior bins within 5 % (each bin averages 31 segments; 127 bins). */
static void test_welch_sine(void **state)
{
  enum { N = 2, T = 4096, NSEG = 256, NF = NSEG / 2 + 1 };
  const double dt = 0.1, fs = 1 / dt, df = fs / NSEG, f0 = 1.3;
  double      *z = Normals(2, 0, (size_t)N * T), *x = malloc(sizeof(double) * N * T), psd[N * NF];

  (void)state;
  for (int k = 0; k < T; k++) {
    x[k]     = sin(2 * PETSC_PI * f0 * k * dt) + 0.1 * z[2 * k];
    x[T + k] = z[2 * k + 1];
  }
  assert_int_equal(NMAnalysisWelch(N, T, x, dt, NSEG, psd), 0);
  for (int i = 0; i < N; i++) {
    double mean = 0, var = 0, power = 0;
    for (int k = 0; k < T; k++) mean += x[i * T + k] / T;
    for (int k = 0; k < T; k++) var += (x[i * T + k] - mean) * (x[i * T + k] - mean) / T;
    for (int k = 0; k < NF; k++) {
      assert_true(psd[i * NF + k] >= 0);
      power += psd[i * NF + k] * df;
    }
    assert_near(power / var, 1, 0.02);
  }
  {
    int    peak = 0;
    double flat = 0;
    for (int k = 1; k < NF; k++)
      if (psd[k] > psd[peak]) peak = k;
    assert_int_equal(peak, (int)lround(f0 / df)); /* 33: 1.2891 Hz, f0 = 1.3 Hz */
    for (int k = 1; k < NF - 1; k++) flat += psd[NF + k] / (NF - 2);
    assert_near(flat / (2 * 1.0 / fs), 1, 0.05);
  }
  free(z);
  free(x);
}

/* ---- FCD: 6 regions, 4000 samples; first half: regions 0-2 correlated (0.7), 3-5
   independent; second half the other way round. Windows of 200 every 100 samples:
   39 windows, 0..18 inside the first half, 20..38 inside the second. The FC of two
   windows of the same half agree (FCD near 1), of different halves not: every FCD
   value within a half exceeds every value between halves, and their means differ by
   more than 0.5. The matrix is symmetric with unit diagonal. */
/* Band power of a sine of amplitude A is A^2/2 in the band that holds its frequency and ~0
   elsewhere; a band beyond Nyquist is NaN. Correlation with a signal g: 1 for 3g + 1, -1
   for -g, NaN for a constant. */
static void test_band_power_and_global(void **state)
{
  const PetscInt  t = 4096, nseg = 512, nf = nseg / 2 + 1;
  const PetscReal dt = 0.5, A = 2, f0 = 0.05, bands[6] = {0.04, 0.06, 0.1, 0.2, 0.9, 1.1};
  PetscReal      *x, *psd, power[3], g[64], y[3 * 64], r[3];

  (void)state;
  assert_int_equal(PetscMalloc2(t, &x, nf, &psd), 0);
  for (PetscInt k = 0; k < t; k++) x[k] = A * sin(2 * PETSC_PI * f0 * k * dt);
  assert_int_equal(NMAnalysisWelch(1, t, x, dt, nseg, psd), 0);
  NMAnalysisBandPower(1, nf, 1 / (nseg * dt), psd, 3, bands, power);
  assert_near(power[0], A * A / 2, 0.01 * A * A / 2);
  assert_near(power[1], 0, 1e-4);
  assert_true(isnan(power[2]));
  assert_int_equal(PetscFree2(x, psd), 0);
  for (PetscInt k = 0; k < 64; k++) {
    g[k]          = sin(0.3 * k) + 0.01 * k;
    y[k]          = 3 * g[k] + 1;
    y[64 + k]     = -g[k];
    y[2 * 64 + k] = 5;
  }
  NMAnalysisCorrelationWith(3, 64, y, g, r);
  assert_near(r[0], 1, 1e-12);
  assert_near(r[1], -1, 1e-12);
  assert_true(isnan(r[2]));
}

static void test_fcd_two_halves(void **state)
{
  enum { N = 6, T = 4000, W = 200, S = 100 };
  double   R1[N * N] = {0}, R2[N * N] = {0}, L1[N * N], L2[N * N], *z = Normals(3, 0, (size_t)N * T), *x = malloc(sizeof(double) * N * T), *fcd;
  PetscInt nwin;
  double   within = 0, between = 0, minw = 2, maxb = -2;
  int      nw = 0, nb = 0;

  (void)state;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      R1[i * N + j] = i == j ? 1 : (i < 3 && j < 3 ? 0.7 : 0);
      R2[i * N + j] = i == j ? 1 : (i >= 3 && j >= 3 ? 0.7 : 0);
    }
  Cholesky(N, R1, L1);
  Cholesky(N, R2, L2);
  Correlated(N, T, 0, T / 2, L1, z, x);
  Correlated(N, T, T / 2, T, L2, z, x);
  assert_int_equal(NMAnalysisFCD(N, T, x, W, S, &nwin, NULL), 0);
  assert_int_equal(nwin, (T - W) / S + 1);
  fcd = malloc(sizeof(double) * nwin * nwin);
  assert_int_equal(NMAnalysisFCD(N, T, x, W, S, &nwin, fcd), 0);
  for (int v = 0; v < nwin; v++) {
    assert_true(fcd[v * nwin + v] == 1);
    for (int w = 0; w < nwin; w++) {
      const int hv = v * S + W <= T / 2 ? 1 : v * S >= T / 2 ? 2 : 0, hw = w * S + W <= T / 2 ? 1 : w * S >= T / 2 ? 2 : 0;
      assert_true(fcd[v * nwin + w] == fcd[w * nwin + v]);
      if (v == w || !hv || !hw) continue;
      if (hv == hw) {
        within += fcd[v * nwin + w];
        minw = fmin(minw, fcd[v * nwin + w]);
        nw++;
      } else {
        between += fcd[v * nwin + w];
        maxb = fmax(maxb, fcd[v * nwin + w]);
        nb++;
      }
    }
  }
  assert_int_equal(nw, 2 * 19 * 18);
  assert_int_equal(nb, 2 * 19 * 19);
  within /= nw;
  between /= nb;
  print_message("FCD: mean within halves %.3f (min %.3f), between %.3f (max %.3f)\n", within, minw, between, maxb);
  assert_true(minw > maxb);
  assert_true(within > between + 0.5);
  free(fcd);
  free(z);
  free(x);
}

/* ---- PCA: x = H D^{1/2} z with H a Householder reflection and D = diag(5, 3, 1, 0.6,
   0.4): covariance H D H, eigenvalues 5, 3, 1, 0.6, 0.4 (explained 0.5, 0.3, 0.1, 0.06,
   0.04), eigenvectors the columns of H. T = 100000: eigenvalues and explained fractions
   within 2 % (the sampling error of a variance is sqrt(2/T) = 0.45 %); the first three
   components parallel to H's columns (|cos| > 0.99), largest entry positive. */
static void test_pca_known_spectrum(void **state)
{
  enum { N = 5, T = 100000, K = 3 };
  const double d[N] = {5, 3, 1, 0.6, 0.4}, v[N] = {1, 2, -1, 0.5, 1};
  double       H[N * N], L[N * N], eig[N], expl[N], comp[N * K], *z = Normals(4, 0, (size_t)N * T), *x = malloc(sizeof(double) * N * T);

  (void)state;
  Householder(N, v, H);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) L[i * N + j] = H[i * N + j] * sqrt(d[j]);
  for (int k = 0; k < T; k++)
    for (int i = 0; i < N; i++) {
      double s = 0;
      for (int j = 0; j < N; j++) s += L[i * N + j] * z[(size_t)k * N + j];
      x[(size_t)i * T + k] = s;
    }
  assert_int_equal(NMAnalysisPCA(N, T, x, K, eig, expl, comp), 0);
  for (int j = 0; j < N; j++) {
    assert_near(eig[j] / d[j], 1, 0.02);
    assert_near(expl[j] / (d[j] / 10), 1, 0.02);
  }
  for (int j = 0; j < K; j++) {
    double dot = 0, big = 0;
    for (int i = 0; i < N; i++) {
      dot += comp[i * K + j] * H[i * N + j];
      if (fabs(comp[i * K + j]) > fabs(big)) big = comp[i * K + j];
    }
    assert_true(fabs(dot) > 0.99);
    assert_true(big > 0);
  }
  free(z);
  free(x);
}

/* ---- Participation ratio and effective rank of vectors with known values. */
static void test_pr_effective_rank(void **state)
{
  const double equal[6] = {2, 2, 2, 2, 2, 2}, one[6] = {0, 0, 3.5, 0, 0, 0}, two[4] = {1, 1, 0, 0}, skew[2] = {3, 1}, zero[3] = {0, 0, 0};

  (void)state;
  assert_near(NMParticipationRatio(6, equal), 6, 1e-14);
  assert_near(NMEffectiveRank(6, equal), 6, 1e-13);
  assert_near(NMParticipationRatio(6, one), 1, 1e-15);
  assert_near(NMEffectiveRank(6, one), 1, 1e-15);
  assert_near(NMParticipationRatio(4, two), 2, 1e-15);
  assert_near(NMEffectiveRank(4, two), 2, 1e-14);
  /* (3 + 1)^2 / (9 + 1) = 1.6; exp(-(3/4 ln 3/4 + 1/4 ln 1/4)) */
  assert_near(NMParticipationRatio(2, skew), 1.6, 1e-15);
  assert_near(NMEffectiveRank(2, skew), exp(-(0.75 * log(0.75) + 0.25 * log(0.25))), 1e-14);
  assert_near(NMParticipationRatio(3, zero), 0, 0);
  assert_near(NMEffectiveRank(3, zero), 0, 0);
}

/* A = H B H with H a Householder reflection and B = diag(0.8, 0.5, -0.3) + the block
   [[0.2, 0.4], [-0.4, 0.2]]: eigenvalues 0.8, 0.5, -0.3, 0.2 +- 0.4i (spectral radius 0.8). */
static void StableA(double A[25])
{
  const double v[5] = {1, -0.5, 2, 1, 0.3};
  double       H[25], B[25] = {0}, HB[25];

  B[0]  = 0.8;
  B[6]  = 0.5;
  B[12] = -0.3;
  B[18] = 0.2;
  B[19] = 0.4;
  B[23] = -0.4;
  B[24] = 0.2;
  Householder(5, v, H);
  MatMul(5, H, B, HB);
  MatMul(5, HB, H, A);
}

/* ---- Linear fit of x_{t+1} = A x_t + c + e (n = 5, unit noise) at T = 1000, 4000,
   16000, 10 independent series at each T. The least-squares error of A falls like
   1/sqrt(T): the RMS over the 10 series of |A_fit - A|_F, e(T), has e(T)/e(4T) in
   [1.5, 2.7] (2 expected; averaging 10 series keeps the ratio's scatter near 7 %).
   At T = 16000: the cross-validated R^2 of every region beats both baselines (zero
   change and AR(1)); the eigenvalues of A_fit are within 0.03 of A's (each true one
   has a fitted one that near) and c within 0.05 of its true value. */
static void test_linear_fit_convergence(void **state)
{
  enum { N = 5, REP = 10 };
  const int      Ts[3]      = {1000, 4000, 16000};
  const double   c[N]       = {0.5, -1, 0, 0.2, 0.3}, ev_re[N] = {0.8, 0.5, -0.3, 0.2, 0.2}, ev_im[N] = {0, 0, 0, 0.4, -0.4};
  const PetscReal lambdas[6] = {0, 1e-3, 1e-2, 1e-1, 1, 10};
  double         A[N * N], err[3];

  (void)state;
  StableA(A);
  for (int it = 0; it < 3; it++) {
    double ss = 0;
    for (int rep = 0; rep < REP; rep++) {
      NMLinearFit fit;
      double     *x = SimulateLDS(N, Ts[it], A, c, 1, (uint32_t)(100 + 10 * it + rep)), e2 = 0;
      assert_int_equal(NMAnalysisLinearFit(N, Ts[it], x, 6, lambdas, 5, &fit), 0);
      for (int k = 0; k < N * N; k++) e2 += (fit.A[k] - A[k]) * (fit.A[k] - A[k]);
      ss += e2 / REP;
      if (it == 2 && rep == 0) {
        for (int i = 0; i < N; i++) {
          double best = 1e300;
          assert_true(fit.r2[i] > fit.r2_ar1[i]);
          assert_true(fit.r2[i] > fit.r2_zero[i]);
          assert_near(fit.c[i], c[i], 0.05);
          for (int j = 0; j < N; j++) best = fmin(best, hypot(fit.eig_re[j] - ev_re[i], fit.eig_im[j] - ev_im[i]));
          assert_true(best < 0.03);
          print_message("region %d: R^2 %.3f, AR(1) %.3f, zero change %.3f; eigenvalue %.3f%+.3fi\n", i, fit.r2[i], fit.r2_ar1[i], fit.r2_zero[i], fit.eig_re[i], fit.eig_im[i]);
        }
        /* sorted by modulus, largest first */
        for (int i = 1; i < N; i++) assert_true(hypot(fit.eig_re[i], fit.eig_im[i]) <= hypot(fit.eig_re[i - 1], fit.eig_im[i - 1]));
      }
      assert_int_equal(NMLinearFitDestroy(&fit), 0);
      free(x);
    }
    err[it] = sqrt(ss);
  }
  print_message("|A_fit - A|_F (RMS of %d): T=1000 %.4f, 4000 %.4f, 16000 %.4f; ratios %.2f %.2f\n", REP, err[0], err[1], err[2], err[0] / err[1], err[1] / err[2]);
  for (int it = 0; it < 2; it++) {
    assert_true(err[it] / err[it + 1] >= 1.5);
    assert_true(err[it] / err[it + 1] <= 2.7);
  }
}

/* ---- Singular values and truncation errors.
   (1) Exact: a noise-free rotation x_{k+1} = Q x_k (Q orthogonal: two plane rotations
   and a reflection, so no direction is constant) is fitted exactly by least squares
   (lambda = 0): A = Q, every singular value 1, so the rank-r error is sqrt((n - r)/n),
   the effective rank n, and the one-step R^2 is 1.
   (2) A = H1 diag(0.8, 0.6, 0.4, 0.2, 0.1) H2 (two reflections) with unit noise,
   T = 20000: the singular values of A_fit within 0.03 of those, and the truncation
   errors within 0.02 of sqrt(sum_{i>r} s_i^2 / sum_i s_i^2) of the true ones. */
static void test_truncation_known_singular_values(void **state)
{
  enum { N = 5, T = 200, T2 = 20000 };
  const PetscReal zero[1] = {0}, lambdas[6] = {0, 1e-3, 1e-2, 1e-1, 1, 10};
  const double    th1 = 0.7, th2 = 2.1, s[N] = {0.8, 0.6, 0.4, 0.2, 0.1}, v1[N] = {1, 1, 0, -1, 2}, v2[N] = {0.5, -1, 1, 2, 1};
  double          Q[N * N] = {0}, x[N * T], H1[N * N], H2[N * N], S[N * N] = {0}, HS[N * N], A[N * N], *y;
  NMLinearFit     fit;

  (void)state;
  Q[0]  = cos(th1);
  Q[1]  = -sin(th1);
  Q[5]  = sin(th1);
  Q[6]  = cos(th1);
  Q[12] = cos(th2);
  Q[13] = -sin(th2);
  Q[17] = sin(th2);
  Q[18] = cos(th2);
  Q[24] = -1;
  {
    /* mix the coordinates with a reflection so every region sees every mode */
    double H[N * N], HQ[N * N];
    Householder(N, v1, H);
    MatMul(N, H, Q, HQ);
    MatMul(N, HQ, H, Q);
  }
  for (int i = 0; i < N; i++) x[i * T] = 1 + 0.3 * i;
  for (int k = 1; k < T; k++)
    for (int i = 0; i < N; i++) {
      double v = 0;
      for (int j = 0; j < N; j++) v += Q[i * N + j] * x[j * T + k - 1];
      x[i * T + k] = v;
    }
  assert_int_equal(NMAnalysisLinearFit(N, T, x, 1, zero, 2, &fit), 0);
  assert_true(fit.lambda == 0);
  for (int k = 0; k < N * N; k++) assert_near(fit.A[k], Q[k], 1e-9);
  for (int r = 1; r <= N; r++) {
    assert_near(fit.sv[r - 1], 1, 1e-9);
    assert_near(fit.trunc_err[r - 1], sqrt((double)(N - r) / N), 1e-9);
  }
  assert_near(fit.effective_rank, N, 1e-8);
  for (int i = 0; i < N; i++) {
    assert_near(fit.r2[i], 1, 1e-9);
    assert_near(hypot(fit.eig_re[i], fit.eig_im[i]), 1, 1e-9);
  }
  assert_int_equal(NMLinearFitDestroy(&fit), 0);

  Householder(N, v1, H1);
  Householder(N, v2, H2);
  for (int i = 0; i < N; i++) S[i * N + i] = s[i];
  MatMul(N, H1, S, HS);
  MatMul(N, HS, H2, A);
  y = SimulateLDS(N, T2, A, NULL, 1, 7);
  assert_int_equal(NMAnalysisLinearFit(N, T2, y, 6, lambdas, 5, &fit), 0);
  {
    double tot = 0, tail = 0;
    for (int i = 0; i < N; i++) tot += s[i] * s[i];
    for (int r = N; r >= 1; r--) {
      assert_near(fit.sv[r - 1], s[r - 1], 0.03);
      assert_near(fit.trunc_err[r - 1], sqrt(tail / tot), 0.02);
      tail += s[r - 1] * s[r - 1];
    }
    assert_true(fit.trunc_err[N - 1] == 0);
    for (int r = 1; r < N; r++) assert_true(fit.trunc_err[r] <= fit.trunc_err[r - 1]);
  }
  assert_int_equal(NMLinearFitDestroy(&fit), 0);
  free(y);
}

/* ---- Cross-validation of the ridge penalty. n = 20 regions, A = sqrt(0.2) I, unit
   noise: each region's one-step R^2 is only 0.2 (heavy noise). With T = 30 samples (29
   pairs for 21 coefficients per region; ~23 in each training set) the unpenalised fit is
   mostly noise and 5-fold CV picks a penalty of at least 100 from the grid 0, 1e-3, ...,
   1e3; with T = 20000 it picks at most 30. Checked for 5 independent series of each
   length: every short series' penalty exceeds every long series' one.
   Why this A: the penalty multiplies |A|_F^2 against a sum (not a mean) of squared
   errors, so to first order in 1/T the best penalty does not depend on T (for an
   isotropic design it is n sigma^2 / mean_i |a_i|^2 = 100 here); a dense random A of the
   same strength makes CV pick 100 at T = 30 and at T = 20000 alike. The shift exists at
   small T (and with a diagonal A also at large T): averaged over many series, the true
   error |A_fit - A|_F^2 is smallest near lambda = 300 at T = 30 and near 10-30 at
   T = 20000 (measured while writing this test; docs/analysis.md). */
static void test_cv_lambda(void **state)
{
  enum { N = 20, REP = 5 };
  const PetscReal grid[8] = {0, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};
  double          A[N * N] = {0}, small = 1e300, large = 0;

  (void)state;
  for (int i = 0; i < N; i++) A[i * N + i] = sqrt(0.2);
  for (int rep = 0; rep < REP; rep++) {
    const int Ts[2] = {30, 20000};
    for (int it = 0; it < 2; it++) {
      NMLinearFit fit;
      double     *x = SimulateLDS(N, Ts[it], A, NULL, 1, (uint32_t)(200 + 10 * it + rep));
      assert_int_equal(NMAnalysisLinearFit(N, Ts[it], x, 8, grid, 5, &fit), 0);
      print_message("T = %5d: ridge lambda %g\n", Ts[it], fit.lambda);
      if (it == 0) small = fmin(small, fit.lambda);
      else large = fmax(large, fit.lambda);
      assert_int_equal(NMLinearFitDestroy(&fit), 0);
      free(x);
    }
  }
  assert_true(small >= 100);
  assert_true(large <= 30);
  assert_true(small > large);
}

/* ---- Bad input: a non-zero error code (and one "netmass: error" line on stderr). */
static void test_errors(void **state)
{
  enum { N = 3, T = 40 };
  double          x[N * T], fc[N * N], fcd[7 * 7], psd[N * 9], eig[N], *z = Normals(6, 0, N * T);
  const PetscReal good[2] = {0, 1}, negative[2] = {0, -1};
  PetscInt        nwin;
  NMLinearFit     fit;

  (void)state;
  memcpy(x, z, sizeof(x));
  /* the good series passes everything */
  assert_int_equal(NMAnalysisFC(N, T, x, fc), 0);
  assert_int_equal(NMAnalysisLinearFit(N, T, x, 2, good, 5, &fit), 0);
  assert_int_equal(NMLinearFitDestroy(&fit), 0);
  /* window longer than the series, too short, step < 1; Welch segment too long */
  assert_int_not_equal(NMAnalysisFCD(N, T, x, T + 1, 1, &nwin, NULL), 0);
  assert_int_not_equal(NMAnalysisFCD(N, T, x, 2, 1, &nwin, NULL), 0);
  assert_int_not_equal(NMAnalysisFCD(N, T, x, 10, 0, &nwin, NULL), 0);
  assert_int_not_equal(NMAnalysisWelch(N, T, x, 0.1, T + 2, psd), 0);
  assert_int_not_equal(NMAnalysisWelch(N, T, x, 0, 16, psd), 0);
  assert_int_not_equal(NMAnalysisPCA(N, T, x, N + 1, eig, NULL, NULL), 0);
  /* series too short for the linear fit: t < n + 2 */
  assert_int_not_equal(NMAnalysisLinearFit(N, N + 1, x, 2, good, 2, &fit), 0);
  assert_int_equal(NMLinearFitDestroy(&fit), 0);
  /* negative penalty; folds < 2 or > t/2 */
  assert_int_not_equal(NMAnalysisLinearFit(N, T, x, 2, negative, 5, &fit), 0);
  assert_int_not_equal(NMAnalysisLinearFit(N, T, x, 2, good, 1, &fit), 0);
  assert_int_not_equal(NMAnalysisLinearFit(N, T, x, 2, good, T / 2 + 1, &fit), 0);
  assert_int_equal(NMLinearFitDestroy(&fit), 0);
  /* a constant region */
  for (int k = 0; k < T; k++) x[T + k] = 2.5;
  assert_int_not_equal(NMAnalysisFC(N, T, x, fc), 0);
  assert_int_not_equal(NMAnalysisFCD(N, T, x, 10, 5, &nwin, fcd), 0);
  assert_int_not_equal(NMAnalysisWelch(N, T, x, 0.1, 16, psd), 0);
  assert_int_not_equal(NMAnalysisPCA(N, T, x, 1, eig, NULL, NULL), 0);
  assert_int_not_equal(NMAnalysisLinearFit(N, T, x, 2, good, 5, &fit), 0);
  assert_int_equal(NMLinearFitDestroy(&fit), 0);
  /* NaN and Inf */
  memcpy(x, z, sizeof(x));
  x[2 * T + 7] = NAN;
  assert_int_not_equal(NMAnalysisFC(N, T, x, fc), 0);
  assert_int_not_equal(NMAnalysisWelch(N, T, x, 0.1, 16, psd), 0);
  assert_int_not_equal(NMAnalysisLinearFit(N, T, x, 2, good, 5, &fit), 0);
  assert_int_equal(NMLinearFitDestroy(&fit), 0);
  x[2 * T + 7] = INFINITY;
  assert_int_not_equal(NMAnalysisFC(N, T, x, fc), 0);
  free(z);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fc_known_correlation),
    cmocka_unit_test(test_welch_sine),
    cmocka_unit_test(test_band_power_and_global),
    cmocka_unit_test(test_fcd_two_halves),
    cmocka_unit_test(test_pca_known_spectrum),
    cmocka_unit_test(test_pr_effective_rank),
    cmocka_unit_test(test_linear_fit_convergence),
    cmocka_unit_test(test_truncation_known_singular_values),
    cmocka_unit_test(test_cv_lambda),
    cmocka_unit_test(test_errors),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
