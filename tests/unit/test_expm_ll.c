/* Unit tests of the matrix exponential, the Local Linearization step and the LL
   noise covariance (src/expm.c). Known answers only: closed forms, exact algebraic
   identities, or a quadrature of the defining integral. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <math.h>
#include <string.h>

#include <netmass/expm.h>
#include <netmass/sys.h>

#define MAXN NM_EXPM_MAX

/* ---- small dense helpers (row-major) ---- */

static void matmul(int n, const double *X, const double *Y, double *C)
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += X[i * n + k] * Y[k * n + j];
      C[i * n + j] = s;
    }
}

static double maxabs(int len, const double *X)
{
  double m = 0;
  for (int k = 0; k < len; k++) m = fmax(m, fabs(X[k]));
  return m;
}

/* max |X - Y| / max |Y| */
static double relerr(int len, const double *X, const double *Y)
{
  double d = 0;
  for (int k = 0; k < len; k++) d = fmax(d, fabs(X[k] - Y[k]));
  return d / maxabs(len, Y);
}

static void identity(int n, double *Id)
{
  for (int k = 0; k < n * n; k++) Id[k] = 0;
  for (int i = 0; i < n; i++) Id[i * n + i] = 1;
}

/* Deterministic uniform numbers in [-1, 1) (64-bit LCG, Knuth's MMIX constants). */
static double uniform(uint64_t *s)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) * 0x1.0p-52 - 1;
}

/* Inverse of a unit upper triangular integer matrix by back substitution: every
   intermediate is an integer, so the result is exact. */
static void unit_upper_inverse(int n, const double *V, double *W)
{
  identity(n, W);
  for (int j = 0; j < n; j++)
    for (int i = j - 1; i >= 0; i--) {
      double s = 0;
      for (int k = i + 1; k <= j; k++) s += V[i * n + k] * W[k * n + j];
      W[i * n + j] = -s;
    }
}

/* ---- matrix exponential ---- */

/* Orders 0 and 1, the zero matrix, aliasing and the argument checks. */
static void test_expm_trivial(void **state)
{
  double A[9] = {0}, E[9], Id[9], a = 0.7, e = -1;

  (void)state;
  assert_int_equal(NMExpm(0, A, E), 0);
  assert_int_equal(NMExpm(1, &a, &e), 0);
  assert_near(e, exp(0.7), 1e-16 * exp(0.7));
  a = -3;
  assert_int_equal(NMExpm(1, &a, &a), 0); /* in place */
  assert_near(a, exp(-3.0), 1e-16 * exp(-3.0));
  /* exp(0) = I exactly */
  identity(3, Id);
  assert_int_equal(NMExpm(3, A, E), 0);
  assert_memory_equal(E, Id, sizeof(E));
  /* E may alias A */
  {
    double B[4] = {0, -1, 1, 0};
    assert_int_equal(NMExpm(2, B, B), 0);
    assert_near(B[0], cos(1.0), 1e-15);
    assert_near(B[1], -sin(1.0), 1e-15);
    assert_near(B[2], sin(1.0), 1e-15);
    assert_near(B[3], cos(1.0), 1e-15);
  }
  /* too large, negative, NaN */
  assert_int_not_equal(NMExpm(NM_EXPM_MAX + 1, A, E), 0);
  assert_int_not_equal(NMExpm(-1, A, E), 0);
  A[4] = NAN;
  assert_int_not_equal(NMExpm(3, A, E), 0);
}

/* exp(diag(d)) = diag(e^d): per-entry relative error, off-diagonal exactly 0. The
   sets cover the Pade degrees 3 to 13 and degree 13 with squarings. */
static void test_expm_diagonal(void **state)
{
  const double sets[][5] = {
    {1e-3,  -2e-3, 5e-3,  0,     -1e-2},
    {0.1,   -0.2,  0.05,  0.2,   -0.1 },
    {0.9,   -0.5,  0.3,   0,     -0.9 },
    {2,     -1.5,  0.5,   1,     -2   },
    {1,     -2,    0.5,   3,     -0.01},
    {-20,   10,    0.25,  -7.5,  4    },
  };

  (void)state;
  for (size_t c = 0; c < sizeof(sets) / sizeof(sets[0]); c++) {
    double A[25] = {0}, E[25];
    for (int i = 0; i < 5; i++) A[i * 5 + i] = sets[c][i];
    assert_int_equal(NMExpm(5, A, E), 0);
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 5; j++) {
        if (i == j) assert_near(E[i * 5 + i] / exp(sets[c][i]), 1, 1e-13);
        else assert_near(E[i * 5 + j], 0, 0);
      }
  }
}

/* Nilpotent N (N^5 = 0): exp(N) = I + N + N^2/2 + N^3/6 + N^4/24 exactly. ||N||_1 ~ 10
   needs squarings, which the truncated series does not. */
static void test_expm_nilpotent(void **state)
{
  const double N[25] = {0, 2, -1, 3, 1, 0, 0, 3, -2, 2, 0, 0, 0, 1, -3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0};
  double       P[25], T[25], S[25], E[25];

  (void)state;
  identity(5, S);
  identity(5, P);
  for (int k = 1; k <= 4; k++) { /* P = N^k / k! */
    matmul(5, P, N, T);
    for (int l = 0; l < 25; l++) P[l] = T[l] / k;
    for (int l = 0; l < 25; l++) S[l] += P[l];
  }
  assert_int_equal(NMExpm(5, N, E), 0);
  assert_true(relerr(25, E, S) <= 1e-13);
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < i; j++) assert_near(E[i * 5 + j], 0, 0); /* stays upper triangular */
}

/* exp([[0, -w], [w, 0]] t) = [[cos wt, -sin wt], [sin wt, cos wt]]. */
static void test_expm_rotation(void **state)
{
  const double wt[] = {1e-3, 0.2, 1, 2.5, 7, 20, 50};

  (void)state;
  for (size_t c = 0; c < sizeof(wt) / sizeof(wt[0]); c++) {
    const double w = 2.0, t = wt[c] / w;
    double       A[4] = {0, -w * t, w * t, 0}, E[4];
    const double R[4] = {cos(wt[c]), -sin(wt[c]), sin(wt[c]), cos(wt[c])};
    assert_int_equal(NMExpm(2, A, E), 0);
    assert_true(relerr(4, E, R) <= 1e-13);
  }
}

/* exp([[a, b], [0, c]]) = [[e^a, b (e^a - e^c)/(a - c)], [0, e^c]] (b e^a if a = c). */
static void test_expm_triangular(void **state)
{
  const double abc[][3] = {
    {1,    2,   -0.5},
    {-3,   10,  2   },
    {0.5,  1,   0.5 },
    {0.01, -5,  0.02},
    {-4,   0.3, -6  },
  };

  (void)state;
  for (size_t k = 0; k < sizeof(abc) / sizeof(abc[0]); k++) {
    const double a = abc[k][0], b = abc[k][1], c = abc[k][2];
    const double e12 = a == c ? b * exp(a) : b * exp(c) * expm1(a - c) / (a - c);
    const double X[4] = {exp(a), e12, 0, exp(c)};
    double       A[4] = {a, b, 0, c}, E[4];
    assert_int_equal(NMExpm(2, A, E), 0);
    assert_true(relerr(4, E, X) <= 1e-13);
    assert_near(E[2], 0, 0);
  }
}

/* Large norm, stiff and non-normal: A = V D V^-1 with V unit upper triangular
   integer and D integer, so A, V^-1 are exact and exp(A) = V e^D V^-1. */
static void test_expm_large_norm(void **state)
{
  const double V[16] = {1, 2, 0, 1, 0, 1, -1, 0, 0, 0, 1, 3, 0, 0, 0, 1};
  const double d[4]  = {2, -1, -30, -100};
  double       W[16], VD[16], A[16], E[16], X[16];

  (void)state;
  unit_upper_inverse(4, V, W);
  matmul(4, V, W, X);
  identity(4, VD);
  assert_memory_equal(X, VD, sizeof(X)); /* W is the exact inverse */
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) VD[i * 4 + j] = V[i * 4 + j] * d[j];
  matmul(4, VD, W, A);
  assert_true(maxabs(16, A) >= 100);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) VD[i * 4 + j] = V[i * 4 + j] * exp(d[j]);
  matmul(4, VD, W, X);
  assert_int_equal(NMExpm(4, A, E), 0);
  print_message("large norm (||A||_max %g): relative error %.3g\n", maxabs(16, A), relerr(16, E, X));
  assert_true(relerr(16, E, X) <= 1e-10);
}

/* exp(A) exp(-A) = I for a random 8 x 8 matrix. */
static void test_expm_inverse(void **state)
{
  uint64_t s = 12345;
  double   A[64], B[64], E[64], F[64], P[64], Id[64];

  (void)state;
  for (int k = 0; k < 64; k++) {
    A[k] = uniform(&s);
    B[k] = -A[k];
  }
  assert_int_equal(NMExpm(8, A, E), 0);
  assert_int_equal(NMExpm(8, B, F), 0);
  matmul(8, E, F, P);
  identity(8, Id);
  print_message("exp(A) exp(-A) - I: max error %.3g\n", relerr(64, P, Id));
  assert_true(relerr(64, P, Id) <= 1e-12);
}

/* Larger orders. 20 x 20 Jordan-like block lambda I + c N (N the shift):
   exp = e^lambda sum_k (c N)^k / k!, i.e. E_ij = e^lambda c^(j-i) / (j-i)!.
   32 x 32 (NM_EXPM_MAX): 16 rotation generators, rows and columns permuted by the
   same permutation p (exact), so exp(A)_{p(i) p(j)} = exp(R)_{ij}. */
static void test_expm_orders_20_32(void **state)
{
  static double A[MAXN * MAXN], E[MAXN * MAXN], X[MAXN * MAXN];
  const double  lambda = -0.7, c = 1.5;
  int           p[MAXN];

  (void)state;
  for (int k = 0; k < 400; k++) A[k] = X[k] = 0;
  for (int i = 0; i < 20; i++) {
    double f = exp(lambda);
    A[i * 20 + i] = lambda;
    if (i + 1 < 20) A[i * 20 + i + 1] = c;
    for (int j = i; j < 20; j++) {
      X[i * 20 + j] = f;
      f *= c / (j - i + 1);
    }
  }
  assert_int_equal(NMExpm(20, A, E), 0);
  print_message("20 x 20 Jordan block: relative error %.3g\n", relerr(400, E, X));
  assert_true(relerr(400, E, X) <= 1e-13);

  for (int i = 0; i < MAXN; i++) p[i] = (7 * i + 3) % MAXN; /* 7 is coprime with 32 */
  for (int k = 0; k < MAXN * MAXN; k++) A[k] = X[k] = 0;
  for (int b = 0; b < MAXN / 2; b++) {
    const double th = 0.37 * (b + 1) - 2.5, r = -0.05 * b; /* rotation and decay */
    const int    i = p[2 * b], j = p[2 * b + 1];
    A[i * MAXN + i] = A[j * MAXN + j] = r;
    A[i * MAXN + j]                   = -th;
    A[j * MAXN + i]                   = th;
    X[i * MAXN + i] = X[j * MAXN + j] = exp(r) * cos(th);
    X[i * MAXN + j]                   = -exp(r) * sin(th);
    X[j * MAXN + i]                   = exp(r) * sin(th);
  }
  assert_int_equal(NMExpm(MAXN, A, E), 0);
  print_message("32 x 32 permuted rotations: relative error %.3g\n", relerr(MAXN * MAXN, E, X));
  assert_true(relerr(MAXN * MAXN, E, X) <= 1e-13);
}

/* ---- LL step ---- */

/* x'' + 2 zeta w x' + w^2 x = a + b t (underdamped), from (x0, v0): particular
   solution c0 + c1 t, c1 = b / w^2, c0 = (a - 2 zeta w c1) / w^2, plus the damped
   oscillation e^{-zeta w t}(P cos wd t + R sin wd t), wd = w sqrt(1 - zeta^2). */
static void oscillator_exact(double w, double zeta, double a, double b, const double x0[2], double t, double x[2])
{
  const double c1 = b / (w * w), c0 = (a - 2 * zeta * w * c1) / (w * w);
  const double wd = w * sqrt(1 - zeta * zeta), P = x0[0] - c0, R = (x0[1] - c1 + zeta * w * P) / wd;
  const double e = exp(-zeta * w * t), cs = cos(wd * t), sn = sin(wd * t);

  x[0] = c0 + c1 * t + e * (P * cs + R * sn);
  x[1] = c1 + e * ((-zeta * w * P + wd * R) * cs + (-zeta * w * R - wd * P) * sn);
}

/* LL is exact for linear systems with linearly varying inputs, for any step. */
static void test_ll_linear_oscillator(void **state)
{
  const double zetas[] = {0.2, 0.7}, hs[] = {0.5, 2, 10}, w = 1.3;
  const double x0[2]   = {0.8, -0.4}, B[2] = {0, 1};
  double       worst   = 0;

  (void)state;
  for (size_t iz = 0; iz < 2; iz++)
    for (size_t ih = 0; ih < 3; ih++)
      for (int kind = 0; kind < 3; kind++) { /* free, constant force, ramp input */
        const double zeta = zetas[iz], h = hs[ih];
        const double J[4] = {0, 1, -w * w, -2 * zeta * w};
        const double u0 = kind ? 0.6 : 0, u1 = kind == 2 ? -0.9 : u0, du = u1 - u0;
        double       f0[2], dx[2], x[2], scale, err;
        f0[0] = J[0] * x0[0] + J[1] * x0[1];
        f0[1] = J[2] * x0[0] + J[3] * x0[1] + u0;
        assert_int_equal(NMLLStep(2, 1, J, f0, B, &du, h, dx), 0);
        oscillator_exact(w, zeta, u0, du / h, x0, h, x);
        scale = fmax(1, fmax(maxabs(2, x0), maxabs(2, x)));
        err   = fmax(fabs(x0[0] + dx[0] - x[0]), fabs(x0[1] + dx[1] - x[1])) / scale;
        worst = fmax(worst, err);
        assert_near(x0[0] + dx[0], x[0], 1e-12 * scale);
        assert_near(x0[1] + dx[1], x[1], 1e-12 * scale);
        if (kind < 2) { /* no input change: du = NULL and m = 0 mean the same */
          double dy[2], dz[2];
          assert_int_equal(NMLLStep(2, 1, J, f0, B, NULL, h, dy), 0);
          assert_int_equal(NMLLStep(2, 0, J, f0, NULL, NULL, h, dz), 0);
          assert_memory_equal(dy, dx, sizeof(dx));
          assert_memory_equal(dz, dx, sizeof(dx));
        }
      }
  print_message("damped oscillator, h = 0.5, 2, 10: worst relative error %.3g\n", worst);
  /* bad arguments */
  {
    const double J[1] = {0}, f0[1] = {0}, du = 1;
    double       dx[1];
    assert_int_not_equal(NMLLStep(NM_EXPM_MAX - 1, 0, J, f0, NULL, NULL, 0.1, dx), 0);
    assert_int_not_equal(NMLLStep(1, 1, J, f0, NULL, &du, 0.1, dx), 0);
    assert_int_not_equal(NMLLStep(1, 0, J, f0, NULL, NULL, -0.1, dx), 0);
  }
}

/* Stiff x' = J x, eigenvalues -1 and -1000 (J = V diag(-1, -1000) V^-1,
   V = [[1, 1], [0, 1]]), x0 = (2, 1) = V (1, 1): x(t) = (e^-t + e^-1000t, e^-1000t).
   LL with h = 0.1 follows the exact solution; explicit Euler (amplification factor
   1 - 1000 h = -99) blows up. */
static void test_ll_stiff(void **state)
{
  const double J[4] = {-1, -999, 0, -1000}, h = 0.1;
  double       x[2] = {2, 1}, y[2] = {2, 1}, worst = 0;

  (void)state;
  for (int k = 1; k <= 30; k++) {
    const double t = k * h, ex[2] = {exp(-t) + exp(-1000 * t), exp(-1000 * t)};
    double       f0[2] = {J[0] * x[0] + J[1] * x[1], J[2] * x[0] + J[3] * x[1]}, dx[2], ny;
    assert_int_equal(NMLLStep(2, 0, J, f0, NULL, NULL, h, dx), 0);
    x[0] += dx[0];
    x[1] += dx[1];
    worst = fmax(worst, maxabs(2, (double[2]){x[0] - ex[0], x[1] - ex[1]}) / maxabs(2, ex));
    assert_near(x[0], ex[0], 1e-12 * maxabs(2, ex));
    assert_near(x[1], ex[1], 1e-12 * maxabs(2, ex));
    assert_true(maxabs(2, x) <= 2); /* bounded by |x0| */
    ny   = maxabs(2, y);
    f0[0] = J[0] * y[0] + J[1] * y[1];
    f0[1] = J[2] * y[0] + J[3] * y[1];
    y[0] += h * f0[0];
    y[1] += h * f0[1];
    if (k >= 2) assert_true(maxabs(2, y) > 50 * ny); /* Euler grows ~99x per step */
  }
  print_message("stiff: LL worst relative error %.3g over 30 steps; Euler |x| = %.3g\n", worst, maxabs(2, y));
  assert_true(maxabs(2, y) > 1e50);
}

/* Hopf normal form x' = (a - r^2) x - w y, y' = (a - r^2) y + w x; in polar
   coordinates r' = (a - r^2) r, theta' = w, so
   r^2(t) = a r0^2 e^{2at} / (a + r0^2 (e^{2at} - 1)), theta = theta0 + w t. */
static void hopf(const double x[2], double a, double w, double f[2], double J[4])
{
  const double r2 = x[0] * x[0] + x[1] * x[1];
  f[0] = (a - r2) * x[0] - w * x[1];
  f[1] = (a - r2) * x[1] + w * x[0];
  J[0] = a - r2 - 2 * x[0] * x[0];
  J[1] = -2 * x[0] * x[1] - w;
  J[2] = -2 * x[0] * x[1] + w;
  J[3] = a - r2 - 2 * x[1] * x[1];
}

/* LL is a second-order method: the error at T = 2 falls 4x when h halves. */
static void test_ll_order_hopf(void **state)
{
  const double a = 1, w = 2 * PETSC_PI * 0.5, r0 = 0.5, T = 2, hs[3] = {0.1, 0.05, 0.025};
  const double e2 = exp(2 * a * T), r = sqrt(a * r0 * r0 * e2 / (a + r0 * r0 * (e2 - 1)));
  const double ex[2] = {r * cos(w * T), r * sin(w * T)};
  double       err[3];

  (void)state;
  for (int c = 0; c < 3; c++) {
    const int nsteps = (int)lround(T / hs[c]);
    double    x[2]   = {r0, 0};
    for (int k = 0; k < nsteps; k++) {
      double f[2], J[4], dx[2];
      hopf(x, a, w, f, J);
      assert_int_equal(NMLLStep(2, 0, J, f, NULL, NULL, hs[c], dx), 0);
      x[0] += dx[0];
      x[1] += dx[1];
    }
    err[c] = hypot(x[0] - ex[0], x[1] - ex[1]);
  }
  for (int c = 0; c < 2; c++) {
    const double order = log2(err[c] / err[c + 1]);
    print_message("Hopf: h = %g error %.4g, h = %g error %.4g: order %.3f\n", hs[c], err[c], hs[c + 1], err[c + 1], order);
    assert_true(order >= 1.8 && order <= 2.3);
  }
}

/* ---- noise covariance ---- */

/* L L^T = Q, L lower triangular, no NaN. */
static void check_cholesky(int n, const double *Q, const double *L, double tol)
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      assert_false(isnan(L[i * n + j]));
      if (j > i) assert_near(L[i * n + j], 0, 0);
      for (int k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k];
      assert_near(s, Q[i * n + j], tol * maxabs(n * n, Q));
    }
}

/* Ornstein-Uhlenbeck dx = -a x dt + sigma dW: Q = sigma^2 (1 - e^{-2ah}) / (2a);
   a h up to 50 (Van Loan's block matrix has entries e^{+-50}). J = 0: Q = S h. */
static void test_noise_ou(void **state)
{
  const double as[] = {0.5, 3, 50}, hs[] = {0.01, 0.1, 1}, sigma = 0.7;

  (void)state;
  for (int ia = 0; ia < 3; ia++)
    for (int ih = 0; ih < 3; ih++) {
      const double a = as[ia], h = hs[ih], J = -a, ex = -sigma * sigma * expm1(-2 * a * h) / (2 * a);
      double       Q, L;
      assert_int_equal(NMLLNoiseCovariance(1, &J, &sigma, h, &Q, &L), 0);
      assert_near(Q / ex, 1, 1e-13);
      assert_near(L, sqrt(ex), 1e-13 * sqrt(ex));
    }
  {
    const double J[4] = {0}, s[2] = {0.3, 1.2}, h = 0.37;
    double       Q[4], L[4];
    assert_int_equal(NMLLNoiseCovariance(2, J, s, h, Q, L), 0);
    assert_near(Q[0] / (s[0] * s[0] * h), 1, 1e-13);
    assert_near(Q[3] / (s[1] * s[1] * h), 1, 1e-13);
    assert_near(Q[1], 0, 0);
    assert_near(Q[2], 0, 0);
    check_cholesky(2, Q, L, 1e-15);
  }
}

/* Integrated white noise x' = v, dv = sigma dW (J = [[0, 1], [0, 0]], no noise on x
   but a coupled one): Q = sigma^2 [[h^3/3, h^2/2], [h^2/2, h]], positive definite. */
static void test_noise_integrated(void **state)
{
  const double J[4] = {0, 1, 0, 0}, s[2] = {0, 0.8}, hs[] = {1e-3, 0.1, 2};

  (void)state;
  for (int c = 0; c < 3; c++) {
    const double h = hs[c], s2 = s[1] * s[1];
    const double X[4] = {s2 * h * h * h / 3, s2 * h * h / 2, s2 * h * h / 2, s2 * h};
    double       Q[4], L[4];
    assert_int_equal(NMLLNoiseCovariance(2, J, s, h, Q, L), 0);
    for (int k = 0; k < 4; k++) assert_near(Q[k] / X[k], 1, 1e-13);
    assert_true(L[0] > 0 && L[3] > 0);
    check_cholesky(2, Q, L, 1e-14);
  }
}

/* 2 x 2 against composite Simpson on int_0^h e^{Js} S e^{J^T s} ds (the integrand
   from NMExpm at each node; Simpson's error ~ (h/N)^4 is far below 1e-10). */
static void test_noise_quadrature(void **state)
{
  const double J[4] = {-0.8, 1.5, -2.0, -0.3}, s[2] = {0.4, 0.9}, h = 0.7;
  const int    N    = 2000; /* intervals, even */
  double       Q[4], L[4], X[4] = {0};

  (void)state;
  for (int k = 0; k <= N; k++) {
    const double t = h * k / N, wgt = (k == 0 || k == N) ? 1 : (k % 2 ? 4 : 2);
    double       Jt[4], E[4];
    for (int l = 0; l < 4; l++) Jt[l] = J[l] * t;
    assert_int_equal(NMExpm(2, Jt, E), 0);
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++)
        for (int l = 0; l < 2; l++) X[i * 2 + j] += wgt * h / (3 * N) * E[i * 2 + l] * s[l] * s[l] * E[j * 2 + l];
  }
  assert_int_equal(NMLLNoiseCovariance(2, J, s, h, Q, L), 0);
  print_message("noise covariance vs Simpson: relative error %.3g\n", relerr(4, Q, X));
  assert_true(relerr(4, Q, X) <= 1e-10);
  assert_near(Q[1], Q[2], 0); /* symmetric */
  check_cholesky(2, Q, L, 1e-14);
  /* L may be NULL */
  {
    double Q2[4];
    assert_int_equal(NMLLNoiseCovariance(2, J, s, h, Q2, NULL), 0);
    assert_memory_equal(Q2, Q, sizeof(Q));
  }
}

/* Stiff and non-normal, J = V diag(d) V^-1 (eigenvalues -1, -1000), h = 0.1 (||J h||
   ~ 200): Q = V G V^T with G_ij = (V^-1 S V^-T)_ij (e^{(d_i + d_j) h} - 1)/(d_i + d_j). */
static void test_noise_stiff(void **state)
{
  const double V[4] = {1, 1, 0, 1}, W[4] = {1, -1, 0, 1}, d[2] = {-1, -1000}, s[2] = {0.5, 2}, h = 0.1;
  double       J[4], G[4], T[4], X[4], Q[4], L[4], VD[4];

  (void)state;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) VD[i * 2 + j] = V[i * 2 + j] * d[j];
  matmul(2, VD, W, J);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      double g = 0;
      for (int l = 0; l < 2; l++) g += W[i * 2 + l] * s[l] * s[l] * W[j * 2 + l];
      G[i * 2 + j] = g * expm1((d[i] + d[j]) * h) / (d[i] + d[j]);
    }
  matmul(2, V, G, T);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) X[i * 2 + j] = T[i * 2 + 0] * V[j * 2 + 0] + T[i * 2 + 1] * V[j * 2 + 1];
  assert_int_equal(NMLLNoiseCovariance(2, J, s, h, Q, L), 0);
  print_message("stiff noise covariance: relative error %.3g\n", relerr(4, Q, X));
  assert_true(relerr(4, Q, X) <= 1e-12);
  check_cholesky(2, Q, L, 1e-14);
}

/* A state without noise that no noisy state drives (x1' = -2 x1) has a zero row and
   column in Q and L; the others are factored normally. All sigma = 0: Q = L = 0. */
static void test_noise_semidefinite(void **state)
{
  const double J[9] = {-1, 0.5, 0, 0, -2, 0, 0.3, 0, -3}, s[3] = {0.5, 0, 0.7}, z[3] = {0, 0, 0};
  double       Q[9], L[9];

  (void)state;
  assert_int_equal(NMLLNoiseCovariance(3, J, s, 0.2, Q, L), 0);
  for (int k = 0; k < 3; k++) {
    assert_near(L[k * 3 + 1], 0, 0);                  /* column 1 */
    assert_near(L[1 * 3 + k], 0, 1e-16 * maxabs(9, L)); /* row 1 */
    assert_near(Q[k * 3 + 1], 0, 1e-16 * maxabs(9, Q));
  }
  assert_true(L[0] > 0 && L[8] > 0);
  check_cholesky(3, Q, L, 1e-14);
  assert_int_equal(NMLLNoiseCovariance(3, J, z, 0.2, Q, L), 0);
  for (int k = 0; k < 9; k++) {
    assert_near(Q[k], 0, 0);
    assert_near(L[k], 0, 0);
  }
  assert_int_not_equal(NMLLNoiseCovariance(NM_EXPM_MAX / 2 + 1, J, s, 0.2, Q, L), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_expm_trivial),
    cmocka_unit_test(test_expm_diagonal),
    cmocka_unit_test(test_expm_nilpotent),
    cmocka_unit_test(test_expm_rotation),
    cmocka_unit_test(test_expm_triangular),
    cmocka_unit_test(test_expm_large_norm),
    cmocka_unit_test(test_expm_inverse),
    cmocka_unit_test(test_expm_orders_20_32),
    cmocka_unit_test(test_ll_linear_oscillator),
    cmocka_unit_test(test_ll_stiff),
    cmocka_unit_test(test_ll_order_hopf),
    cmocka_unit_test(test_noise_ou),
    cmocka_unit_test(test_noise_integrated),
    cmocka_unit_test(test_noise_quadrature),
    cmocka_unit_test(test_noise_stiff),
    cmocka_unit_test(test_noise_semidefinite),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
