/* The simulator against known answers:
   - one Zetterberg-Jansen-Rit column in its alpha range (inputs/zjr_column_alpha.opts)
     oscillates on a sustained limit cycle at 8-12 Hz;
   - the delayed linear equation x' = -x + k x(t - tau) decays and oscillates at the rate
     and frequency of the rightmost root of its characteristic equation
     lambda = -1 + k exp(-lambda tau), within 1 %;
   - a two-node Hopf network below the bifurcation with small noise has the stationary
     covariance of its linearisation, the solution of A S + S A^T + B B^T = 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <complex.h>
#include <lapacke.h>
#include <netmass/connectome.h>
#include <netmass/h5file.h>
#include <netmass/simulator.h>
#include <netmass/sys.h>

/* Run the simulator with the options in `opts` (plus -o out); return 0 on success. */
static void simulate(const char opts[], const char out[])
{
  NMSimulator sim;

  assert_int_equal(PetscOptionsClear(NULL), 0);
  assert_int_equal(PetscOptionsInsertString(NULL, opts), 0);
  assert_int_equal(NMSimulatorCreate(PETSC_COMM_WORLD, &sim), 0);
  assert_int_equal(NMSimulatorSetFromOptions(sim), 0);
  assert_int_equal(NMSimulatorRun(sim, out), 0);
  assert_int_equal(NMSimulatorDestroy(&sim), 0);
  assert_int_equal(PetscOptionsClear(NULL), 0);
}

/* The raw monitor (time x region x state) of a result file; *dt its sampling interval. */
static PetscReal *read_raw(const char path[], PetscInt dims[3], PetscReal *dt)
{
  NMFile     f;
  PetscReal *raw;
  PetscBool  found;

  assert_int_equal(NMFileOpen(PETSC_COMM_WORLD, path, NM_FORMAT_SIMULATION, &f), 0);
  assert_int_equal(NMFileGetShape(f, "raw", 3, dims), 0);
  assert_int_equal(PetscMalloc1(dims[0] * dims[1] * dims[2], &raw), 0);
  assert_int_equal(NMFileReadReal(f, "raw", 0, dims[0], raw), 0);
  assert_int_equal(NMFileGetAttributeReal(f, "raw", "dt", dt, &found), 0);
  assert_true(found);
  assert_int_equal(NMFileDestroy(&f), 0);
  return raw;
}

static PetscReal stddev(const PetscReal *x, PetscInt n, PetscInt stride)
{
  PetscReal m = 0, v = 0;
  for (PetscInt i = 0; i < n; i++) m += x[i * stride];
  m /= n;
  for (PetscInt i = 0; i < n; i++) v += PetscSqr(x[i * stride] - m);
  return PetscSqrtReal(v / n);
}

static void test_zjr_alpha(void **state)
{
  char       opts[PETSC_MAX_PATH_LEN + 64];
  PetscInt   dims[3], n, best = 0;
  PetscReal  dt, *raw, power = 0, mean = 0, s1, s2;

  (void)state;
  snprintf(opts, sizeof(opts), "-options_file %s/inputs/zjr_column_alpha.opts", getenv("NETMASS_SOURCE_DIR"));
  simulate(opts, "zjr_alpha.h5");
  raw = read_raw("zjr_alpha.h5", dims, &dt);
  n   = dims[0];
  assert_int_equal(dims[2], 6);
  /* dominant frequency of the pyramidal PSP (state 0): DFT peak over 0.5-40 Hz */
  for (PetscInt t = 0; t < n; t++) mean += raw[t * 6] / n;
  for (PetscInt k = 1; k < n / 2; k++) {
    PetscReal f = k / (n * dt), re = 0, im = 0;
    if (f < 0.5 || f > 40) continue;
    for (PetscInt t = 0; t < n; t++) {
      re += (raw[t * 6] - mean) * PetscCosReal(2 * PETSC_PI * k * t / n);
      im += (raw[t * 6] - mean) * PetscSinReal(2 * PETSC_PI * k * t / n);
    }
    if (re * re + im * im > power) {
      power = re * re + im * im;
      best  = k;
    }
  }
  print_message("  ZJR alpha column: dominant frequency %.2f Hz\n", (double)(best / (n * dt)));
  assert_true(best / (n * dt) >= 8 && best / (n * dt) <= 12);
  /* a limit cycle: the oscillation neither dies out nor grows */
  s1 = stddev(raw, n / 2, 6);
  s2 = stddev(raw + (n / 2) * 6, n / 2, 6);
  assert_true(s1 > 1e-3);
  assert_near(s2 / s1, 1, 0.05);
  assert_int_equal(PetscFree(raw), 0);
}

/* Rightmost root of lambda + 1 - k exp(-lambda tau) = 0 by Newton from `guess`. */
static double complex delay_root(double k, double tau, double complex guess)
{
  double complex l = guess;
  for (int it = 0; it < 100; it++) {
    double complex g = l + 1 - k * cexp(-l * tau), dg = 1 + k * tau * cexp(-l * tau);
    l -= g / dg;
  }
  return l;
}

static void test_delayed_linear(void **state)
{
  const double   k = -2, tau = 1;
  NMConnectome   conn;
  PetscReal     *w, *l, *raw, dt, t_up[64] = {0}, t_peak[64] = {0}, peak[64] = {0};
  PetscInt       dims[3], ncross = 0, npeak = 0;
  double complex root = delay_root(k, tau, -0.2 + 1.8 * _Complex_I);
  double         sx = 0, sy = 0, sxx = 0, sxy = 0, rate, freq;

  (void)state;
  /* one node with a self-loop of weight 1 and a 1000 mm tract at 1 m/s: delay 1 s */
  assert_int_equal(NMConnectomeCreate(PETSC_COMM_WORLD, 1, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, NULL), 0);
  w[0] = 1;
  l[0] = 1000 * tau;
  assert_int_equal(NMConnectomeSave(conn, "delay_self.h5"), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
  simulate("-model linear -connectome delay_self.h5 -delay single -velocity 1 -max_delay 1.5 -G -2 -dt 1e-3 -duration 40 -initial uniform -initial_low 1 -initial_high 1 -monitor_raw_period 1e-3", "delay_linear.h5");
  raw = read_raw("delay_linear.h5", dims, &dt);
  /* after t = 8 s only the rightmost pair of roots is left (the next decays at 1.36/s):
     upward zero crossings give the period, successive maxima the decay rate */
  for (PetscInt t = (PetscInt)(8 / dt); t + 1 < dims[0]; t++) {
    PetscReal a = raw[t * 2], b = raw[(t + 1) * 2];
    if (a < 0 && b >= 0 && ncross < 64) t_up[ncross++] = (t + 1 + a / (a - b)) * dt;
    if (t > 0 && raw[(t - 1) * 2] < a && a >= b && a > 0 && npeak < 64) {
      /* parabola through the three samples around the maximum */
      PetscReal y0 = raw[(t - 1) * 2], y2 = b, dtp = 0.5 * (y0 - y2) / (y0 - 2 * a + y2);
      peak[npeak] = a - 0.25 * (y0 - y2) * dtp;
      t_peak[npeak] = (t + dtp) * dt;
      npeak++;
    }
  }
  assert_true(ncross >= 5 && npeak >= 5);
  freq = 2 * PETSC_PI * (ncross - 1) / (t_up[ncross - 1] - t_up[0]);
  for (PetscInt i = 0; i < npeak; i++) {
    sx += t_peak[i];
    sy += log(peak[i]);
    sxx += t_peak[i] * t_peak[i];
    sxy += t_peak[i] * log(peak[i]);
  }
  rate = (npeak * sxy - sx * sy) / (npeak * sxx - sx * sx);
  print_message("  delayed linear: root %.6f%+.6fi, simulated %.6f%+.6fi\n", creal(root), cimag(root), rate, freq);
  assert_near(rate, creal(root), 0.01 * fabs(creal(root)));
  assert_near(freq, cimag(root), 0.01 * fabs(cimag(root)));
  assert_int_equal(PetscFree(raw), 0);
}

static void test_hopf_lyapunov(void **state)
{
  const PetscReal a = -1, omega = 2 * PETSC_PI * 0.05, G = 0.2, beta = 0.1;
  NMConnectome    conn;
  PetscReal      *w, *raw, dt, A[16] = {0}, M[256] = {0}, S[16], C[16] = {0}, mean[4] = {0};
  PetscInt        dims[3], n;
  lapack_int      ipiv[16];

  (void)state;
  assert_int_equal(NMConnectomeCreate(PETSC_COMM_WORLD, 2, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &w, NULL, NULL), 0);
  w[1] = w[2] = 1;
  assert_int_equal(NMConnectomeSave(conn, "hopf2.h5"), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
  simulate("-model hopf -connectome hopf2.h5 -delay instant -G 0.2 -hopf_a -1 -hopf_f 0.05 -hopf_beta 0.1 -dt 0.02 -duration 5000 -transient 10 -monitor_raw_period 0.1", "hopf2_noise.h5");
  raw = read_raw("hopf2_noise.h5", dims, &dt);
  n   = dims[0];
  /* sample covariance of (x1, y1, x2, y2) */
  for (PetscInt t = 0; t < n; t++)
    for (PetscInt i = 0; i < 4; i++) mean[i] += raw[t * 4 + i] / n;
  for (PetscInt t = 0; t < n; t++)
    for (PetscInt i = 0; i < 4; i++)
      for (PetscInt j = 0; j < 4; j++) C[i * 4 + j] += (raw[t * 4 + i] - mean[i]) * (raw[t * 4 + j] - mean[j]) / n;
  /* linearisation at the origin: node block [[a - G, -omega], [omega, a - G]] (diffusive
     self term), coupling G on x and y; Lyapunov A S + S A^T = -beta^2 I solved as the
     16 x 16 system (I kron A + A kron I) vec(S) = -vec(beta^2 I) */
  for (int node = 0; node < 2; node++) {
    int o = 2 * node, p = 2 * (1 - node);
    A[(o + 0) * 4 + o + 0] = A[(o + 1) * 4 + o + 1] = a - G;
    A[(o + 0) * 4 + o + 1] = -omega;
    A[(o + 1) * 4 + o + 0] = omega;
    A[(o + 0) * 4 + p + 0] = A[(o + 1) * 4 + p + 1] = G;
  }
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      for (int k = 0; k < 4; k++) {
        M[(i * 4 + j) * 16 + (k * 4 + j)] += A[i * 4 + k]; /* (A S)_ij */
        M[(i * 4 + j) * 16 + (i * 4 + k)] += A[j * 4 + k]; /* (S A^T)_ij */
      }
  for (int i = 0; i < 16; i++) S[i] = (i % 5 == 0) ? -beta * beta : 0;
  assert_int_equal(LAPACKE_dgesv(LAPACK_ROW_MAJOR, 16, 1, M, 16, ipiv, S, 1), 0);
  /* sampling error: about 1000 independent samples (correlation time ~1 s in 5000 s),
     so a relative error of ~3 %; allow 10 % of the variance scale */
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) assert_near(C[i * 4 + j], S[i * 4 + j], 0.1 * PetscSqrtReal(S[i * 5] * S[j * 5]));
  print_message("  Hopf covariance: var(x1) sample %.5f, Lyapunov %.5f; cov(x1,x2) sample %.5f, Lyapunov %.5f\n", (double)C[0], (double)S[0], (double)C[2], (double)S[2]);
  assert_int_equal(PetscFree(raw), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_zjr_alpha),
    cmocka_unit_test(test_delayed_linear),
    cmocka_unit_test(test_hopf_lyapunov),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
