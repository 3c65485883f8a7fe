/* Unit tests of the node models (src/models/): analytic derivatives against finite
   differences for every model, and known answers of each model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include <netmass/model.h>
#include <netmass/model_zjr.h>
#include <netmass/sys.h>

#define NMAX 8 /* largest nstate / ncoupling / 2 of any model */

/* ---- helpers ----------------------------------------------------------------------- */

/* xorshift64*: a fixed, platform-independent sequence of test points. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double   Uniform(double lo, double hi)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return lo + (hi - lo) * (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* Captures the message of the last error raised, so tests can check what it says. */
static char last_error[1024];
static PetscErrorCode CaptureErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm;
  (void)line;
  (void)fun;
  (void)file;
  (void)ctx;
  if (p == PETSC_ERROR_INITIAL) snprintf(last_error, sizeof(last_error), "%s", mess ? mess : "");
  return n;
}

static void DefaultTheta(const NMModelType *m, PetscReal theta[])
{
  for (PetscInt i = 0; i < m->nparam; i++) theta[i] = m->params[i].value;
}

static const NMModelType *Model(const char name[])
{
  const NMModelType *m = NULL;
  assert_int_equal(NMModelFind(PETSC_COMM_SELF, name, &m), 0);
  assert_non_null(m);
  return m;
}

/* A box of states and inputs where each model's nonlinearity is active (not saturated),
   so the derivative checks exercise the curvature, not just the constant terms. */
typedef struct {
  const char *name;
  double      xlo[NMAX], xhi[NMAX], ulo, uhi, selfmax;
} TestBox;

static const TestBox boxes[] = {
  /* ZJR: ytilde = C y near v0 = 6 mV needs y of tenths of mV (C ~ 100). */
  {"zjr",    {-0.05, -30, 0, -30, 0, -30}, {0.3, 30, 0.8, 30, 0.3, 30}, -3, 3, 0},
  {"hopf",   {-1.5, -1.5}, {1.5, 1.5}, -1, 1, 2},
  /* pMFM: z = a x - b crosses 0 in this box (x = w J S + I_o + u around b/a = 0.4 nA). */
  {"pmfm",   {0}, {1}, -0.3, 0.4, 0},
  {"rww2",   {0, 0}, {1, 1}, -0.5, 1, 0},
  {"linear", {-2, -2}, {2, 2}, -1, 1, 0},
};

/* Central difference with one Richardson step, O(h^4):
   (4 D(h/2) - D(h)) / 3, D(h) = (g(v + h) - g(v - h)) / (2h). */
typedef void (*VecFn)(const NMModelType *, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal out[]);

static void FnRhsX(const NMModelType *m, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal out[])
{
  m->rhs(m->ctx, x, u, self, theta, out);
}
static void FnCoupling(const NMModelType *m, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal out[])
{
  (void)u;
  (void)self;
  m->coupling(m->ctx, x, theta, out);
}

/* Numerical d out / d v (nout x nv, row-major) where v is x (wrt_u false) or u. */
static void FiniteDifference(const NMModelType *m, VecFn fn, PetscInt nout, PetscBool wrt_u, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal D[])
{
  PetscInt nv = wrt_u ? m->ncoupling : m->nstate;

  for (PetscInt j = 0; j < nv; j++) {
    PetscReal v0 = wrt_u ? u[j] : x[j], h = 1e-4 * (1 + fabs(v0)), d[2][NMAX];
    for (int r = 0; r < 2; r++) {
      PetscReal hh = r ? h / 2 : h, xp[NMAX], xm[NMAX], up[NMAX], um[NMAX], fp[NMAX], fm[NMAX];
      memcpy(xp, x, sizeof(PetscReal) * m->nstate);
      memcpy(xm, x, sizeof(PetscReal) * m->nstate);
      memcpy(up, u, sizeof(PetscReal) * m->ncoupling);
      memcpy(um, u, sizeof(PetscReal) * m->ncoupling);
      if (wrt_u) {
        up[j] += hh;
        um[j] -= hh;
      } else {
        xp[j] += hh;
        xm[j] -= hh;
      }
      fn(m, xp, up, self, theta, fp);
      fn(m, xm, um, self, theta, fm);
      for (PetscInt i = 0; i < nout; i++) d[r][i] = (fp[i] - fm[i]) / (2 * hh);
    }
    for (PetscInt i = 0; i < nout; i++) D[i * nv + j] = (4 * d[1][i] - d[0][i]) / 3;
  }
}

/* |numerical - analytic| <= 1e-6 (1 + |analytic|), entry by entry, naming the entry. */
static void AssertMatrixNear(const char *what, const NMModelType *m, PetscInt rows, PetscInt cols, const PetscReal num[], const PetscReal an[])
{
  for (PetscInt i = 0; i < rows; i++)
    for (PetscInt j = 0; j < cols; j++) {
      double a = an[i * cols + j], n = num[i * cols + j];
      if (!(fabs(a - n) <= 1e-6 * (1 + fabs(a)))) fail_msg("%s %s[%d][%d]: analytic %.12g, finite difference %.12g", m->name, what, (int)i, (int)j, a, n);
    }
}

/* ---- every model ------------------------------------------------------------------- */

/* The descriptor is complete and self-consistent, and the defaults are valid. */
static void test_descriptors(void **state)
{
  PetscInt n = 0;

  (void)state;
  for (PetscInt k = 0; NMModelTypes[k]; k++, n++) {
    const NMModelType *m = NMModelTypes[k], *found = NULL;
    PetscReal          theta[64], sigma[NMAX], x0[NMAX], f[NMAX], u[NMAX] = {0};

    assert_non_null(m->name);
    assert_true(strlen(m->description) > 10);
    assert_true(m->nstate >= 1 && m->nstate <= NMAX);
    assert_true(m->ncoupling >= 1 && m->ncoupling <= m->nstate);
    assert_true(m->nparam >= 1 && m->nparam <= 64);
    for (PetscInt i = 0; i < m->nstate; i++) {
      assert_non_null(m->state_names[i]);
      assert_non_null(m->state_units[i]);
      assert_true(strlen(m->state_names[i]) > 0 && strlen(m->state_units[i]) > 0);
    }
    assert_non_null(m->rhs);
    assert_non_null(m->jacobian);
    assert_non_null(m->input_jacobian);
    assert_non_null(m->coupling);
    assert_non_null(m->coupling_jacobian);
    assert_non_null(m->noise);
    assert_non_null(m->initial_state);
    assert_true(m->diffusive == (PetscBool)!strcmp(m->name, "hopf"));
    for (PetscInt i = 0; i < m->nparam; i++) {
      const NMParamInfo *p = &m->params[i];
      assert_non_null(p->name);
      assert_non_null(p->units);
      assert_non_null(p->description);
      assert_true(p->lower < p->upper);
      assert_true(p->value >= p->lower && p->value <= p->upper);
      assert_int_equal(NMModelParamIndex(m, p->name), i);
      /* Options are case-insensitive: -pmfm_I_o and -pmfm_i_o must not be two parameters. */
      for (PetscInt j = 0; j < i; j++)
        if (!strcasecmp(p->name, m->params[j].name)) fail_msg("%s: parameters %s and %s differ only in case", m->name, p->name, m->params[j].name);
    }
    DefaultTheta(m, theta);
    assert_int_equal(NMModelCheckParams(PETSC_COMM_SELF, m, theta, "defaults"), 0);
    /* Noise amplitudes and the initial state are finite; noise is non-negative. */
    m->noise(m->ctx, theta, sigma);
    m->initial_state(m->ctx, theta, x0);
    m->rhs(m->ctx, x0, u, 0, theta, f);
    for (PetscInt i = 0; i < m->nstate; i++) {
      assert_true(isfinite(sigma[i]) && sigma[i] >= 0);
      assert_true(isfinite(x0[i]));
      assert_true(isfinite(f[i]));
    }
    assert_int_equal(NMModelFind(PETSC_COMM_SELF, m->name, &found), 0);
    assert_ptr_equal(found, m);
  }
  assert_int_equal(n, 6);
  assert_int_equal(NMModelParamIndex(&NMModelZJR, "no_such_parameter"), -1);
  assert_int_equal(NMModelParamIndex(&NMModelPMFM, "i_o"), NMModelParamIndex(&NMModelPMFM, "I_o"));
  assert_int_equal(NMModelParamIndex(&NMModelZJR, "beta_pyr"), NM_ZJR_BETA_PYR);
  assert_int_equal(NMModelZJR.nparam, NM_ZJR_NPARAM);
}

/* Jacobian, input Jacobian and coupling Jacobian against finite differences at 5 random
   points per model; the parameters are randomly perturbed (20 %) from the defaults so a
   parameter that enters a derivative wrongly cannot hide behind its default value. */
static void test_derivatives(void **state)
{
  (void)state;
  for (size_t b = 0; b < sizeof(boxes) / sizeof(boxes[0]); b++) {
    const TestBox     *box = &boxes[b];
    const NMModelType *m   = Model(box->name);
    PetscInt           ns = m->nstate, nc = m->ncoupling;

    for (int p = 0; p < 5; p++) {
      PetscReal theta[64], x[NMAX], u[NMAX], self, J[NMAX * NMAX], Jn[NMAX * NMAX], B[NMAX * NMAX], Bn[NMAX * NMAX], C[NMAX * NMAX], Cn[NMAX * NMAX];

      DefaultTheta(m, theta);
      for (PetscInt i = 0; i < m->nparam; i++) {
        theta[i] *= Uniform(0.8, 1.2);
        if (m->params[i].lower <= -PETSC_MAX_REAL) theta[i] += Uniform(-0.05, 0.05);
      }
      assert_int_equal(NMModelCheckParams(PETSC_COMM_SELF, m, theta, "perturbed defaults"), 0);
      for (PetscInt i = 0; i < ns; i++) x[i] = Uniform(box->xlo[i], box->xhi[i]);
      for (PetscInt i = 0; i < nc; i++) u[i] = Uniform(box->ulo, box->uhi);
      self = Uniform(0, box->selfmax);

      m->jacobian(m->ctx, x, u, self, theta, J);
      FiniteDifference(m, FnRhsX, ns, PETSC_FALSE, x, u, self, theta, Jn);
      AssertMatrixNear("jacobian", m, ns, ns, Jn, J);

      m->input_jacobian(m->ctx, x, u, theta, B);
      FiniteDifference(m, FnRhsX, ns, PETSC_TRUE, x, u, self, theta, Bn);
      AssertMatrixNear("input_jacobian", m, ns, nc, Bn, B);

      m->coupling_jacobian(m->ctx, x, theta, C);
      FiniteDifference(m, FnCoupling, nc, PETSC_FALSE, x, u, self, theta, Cn);
      AssertMatrixNear("coupling_jacobian", m, nc, ns, Cn, C);

      /* the combined evaluation, where a model has one, is bit for bit the three functions */
      if (m->linearize) {
        PetscReal f[NMAX], fl[NMAX], Jl[NMAX * NMAX], Bl[NMAX * NMAX];
        m->rhs(m->ctx, x, u, self, theta, f);
        m->linearize(m->ctx, x, u, self, theta, fl, Jl, Bl);
        assert_memory_equal(f, fl, sizeof(PetscReal) * ns);
        assert_memory_equal(J, Jl, sizeof(PetscReal) * ns * ns);
        assert_memory_equal(B, Bl, sizeof(PetscReal) * ns * nc);
      }
    }
  }
}

/* ---- registry and parameter checks ------------------------------------------------- */

static void test_find_and_check(void **state)
{
  const NMModelType *m = &NMModelHopf;
  PetscReal          theta[64];

  (void)state;
  /* Unknown model: an error that names it and lists the valid names. */
  assert_int_equal(PetscPushErrorHandler(CaptureErrorHandler, NULL), 0);
  assert_int_not_equal(NMModelFind(PETSC_COMM_SELF, "foo", &m), 0);
  assert_null(m);
  assert_non_null(strstr(last_error, "foo"));
  assert_non_null(strstr(last_error, "zjr hopf hopf_plain pmfm rww2 linear"));

  /* ZJR with a negative beta_pyr: named, with the node, the value and the domain. */
  DefaultTheta(&NMModelZJR, theta);
  theta[NM_ZJR_BETA_PYR] = -100;
  assert_int_not_equal(NMModelCheckParams(PETSC_COMM_SELF, &NMModelZJR, theta, "region 7 (lh_precentral)"), 0);
  assert_non_null(strstr(last_error, "region 7 (lh_precentral)"));
  assert_non_null(strstr(last_error, "beta_pyr"));
  assert_non_null(strstr(last_error, "-100"));
  assert_non_null(strstr(last_error, "1/s"));
  /* Boundaries are inside the domain: sigma = 0 is allowed, sigma < 0 is not. */
  DefaultTheta(&NMModelZJR, theta);
  theta[NM_ZJR_SIGMA_STE] = 0;
  assert_int_equal(NMModelCheckParams(PETSC_COMM_SELF, &NMModelZJR, theta, "node"), 0);
  theta[NM_ZJR_SIGMA_STE] = -1e-3;
  assert_int_not_equal(NMModelCheckParams(PETSC_COMM_SELF, &NMModelZJR, theta, "node"), 0);
  assert_non_null(strstr(last_error, "sigma_ste"));
  /* h = 0 would silence a block: rejected. */
  DefaultTheta(&NMModelZJR, theta);
  theta[NM_ZJR_H_INH] = 0;
  assert_int_not_equal(NMModelCheckParams(PETSC_COMM_SELF, &NMModelZJR, theta, "node"), 0);

  /* NaN and infinity in any parameter of any model, even an unbounded one. */
  for (PetscInt k = 0; NMModelTypes[k]; k++) {
    const NMModelType *mk = NMModelTypes[k];
    for (PetscInt i = 0; i < mk->nparam; i++) {
      DefaultTheta(mk, theta);
      theta[i] = NAN;
      assert_int_not_equal(NMModelCheckParams(PETSC_COMM_SELF, mk, theta, "node"), 0);
      assert_non_null(strstr(last_error, mk->params[i].name));
      theta[i] = INFINITY;
      assert_int_not_equal(NMModelCheckParams(PETSC_COMM_SELF, mk, theta, "node"), 0);
      theta[i] = -INFINITY;
      assert_int_not_equal(NMModelCheckParams(PETSC_COMM_SELF, mk, theta, "node"), 0);
    }
  }
  assert_int_equal(PetscPopErrorHandler(), 0);
  /* Printed once through netmass's handler, to show the message in the test log. */
  assert_int_not_equal(NMModelFind(PETSC_COMM_SELF, "foo", &m), 0);
  DefaultTheta(&NMModelZJR, theta);
  theta[NM_ZJR_BETA_PYR] = -100;
  assert_int_not_equal(NMModelCheckParams(PETSC_COMM_SELF, &NMModelZJR, theta, "region 7"), 0);
}

/* ---- Hopf -------------------------------------------------------------------------- */

/* u = 0, self = 0, a < 0: the origin is a fixed point with eigenvalues a +- i omega, i.e.
   trace 2a and determinant a^2 + omega^2. */
static void test_hopf_origin(void **state)
{
  const NMModelType *m = Model("hopf");
  PetscReal          theta[3], x[2] = {0, 0}, u[2] = {0, 0}, f[2], J[4], a, w;

  (void)state;
  DefaultTheta(m, theta);
  theta[NMModelParamIndex(m, "a")] = a = -0.7;
  theta[NMModelParamIndex(m, "f")]     = 0.04;
  w                                    = 2 * PETSC_PI * 0.04;
  m->rhs(m->ctx, x, u, 0, theta, f);
  assert_true(f[0] == 0 && f[1] == 0);
  m->jacobian(m->ctx, x, u, 0, theta, J);
  assert_near(J[0] + J[3], 2 * a, 1e-14);
  assert_near(J[0] * J[3] - J[1] * J[2], a * a + w * w, 1e-14);
  /* The rotation is counter-clockwise: dy/dt = +omega x. */
  assert_near(J[2], w, 1e-14);
  assert_near(J[1], -w, 1e-14);
}

/* a > 0: the circle of radius sqrt(a) is invariant (no radial velocity), the node starts on
   it, and the angular velocity there is omega. */
static void test_hopf_limit_cycle(void **state)
{
  const NMModelType *m = Model("hopf");
  PetscReal          theta[3], x0[2], u[2] = {0, 0}, f[2], a = 0.36, w;

  (void)state;
  DefaultTheta(m, theta);
  theta[NMModelParamIndex(m, "a")] = a;
  w                                = 2 * PETSC_PI * theta[NMModelParamIndex(m, "f")];
  m->initial_state(m->ctx, theta, x0);
  assert_near(hypot(x0[0], x0[1]), sqrt(a), 1e-15);
  for (int k = 0; k < 8; k++) {
    PetscReal phi = 2 * PETSC_PI * k / 8, x[2] = {sqrt(a) * cos(phi), sqrt(a) * sin(phi)};
    m->rhs(m->ctx, x, u, 0, theta, f);
    assert_near(x[0] * f[0] + x[1] * f[1], 0, 1e-14);     /* radial */
    assert_near((x[0] * f[1] - x[1] * f[0]) / a, w, 1e-14); /* angular */
  }
  /* Noise beta on both states. */
  {
    PetscReal sigma[2];
    m->noise(m->ctx, theta, sigma);
    assert_true(sigma[0] == theta[NMModelParamIndex(m, "beta")] && sigma[1] == sigma[0]);
  }
}

/* Diffusive coupling: rhs(self = s) = rhs(self = 0) - s (x, y), and J(self = s) = J(0) - s I. */
static void test_hopf_diffusive(void **state)
{
  const NMModelType *m = Model("hopf");
  PetscReal          theta[3];

  (void)state;
  DefaultTheta(m, theta);
  assert_true(m->diffusive);
  for (int p = 0; p < 5; p++) {
    PetscReal x[2] = {Uniform(-1, 1), Uniform(-1, 1)}, u[2] = {Uniform(-1, 1), Uniform(-1, 1)}, s = Uniform(0.1, 3), f0[2], fs[2], J0[4], Js[4];
    m->rhs(m->ctx, x, u, 0, theta, f0);
    m->rhs(m->ctx, x, u, s, theta, fs);
    assert_near(fs[0], f0[0] - s * x[0], 1e-14);
    assert_near(fs[1], f0[1] - s * x[1], 1e-14);
    m->jacobian(m->ctx, x, u, 0, theta, J0);
    m->jacobian(m->ctx, x, u, s, theta, Js);
    assert_near(Js[0], J0[0] - s, 1e-14);
    assert_near(Js[3], J0[3] - s, 1e-14);
    assert_true(Js[1] == J0[1] && Js[2] == J0[2]);
    /* u enters additively, one channel per state. */
    {
      PetscReal u0[2] = {0, 0}, fu[2];
      m->rhs(m->ctx, x, u0, s, theta, fu);
      assert_near(fs[0] - fu[0], u[0], 1e-14);
      assert_near(fs[1] - fu[1], u[1], 1e-14);
    }
  }
}

/* ---- ZJR --------------------------------------------------------------------------- */

/* The sigmoid, written independently of the model: 2 e0 / (1 + exp(r (v0 - v))). */
static double Sigmoid(double v, const PetscReal theta[])
{
  return 2 * theta[NM_ZJR_E0] / (1 + exp(theta[NM_ZJR_R] * (theta[NM_ZJR_V0] - v)));
}

/* The column's fixed point with z = 0: y_j = h_j rho_j / beta_j with rho_j = mu_j + s(ytilde_j).
   y_inh and y_ste are explicit in y_pyr, leaving the scalar equation y_pyr = g(y_pyr), with
   g(y) = (h_pyr / beta_pyr)(mu_pyr + s(c_pyr_inh y_inh(y) + c_pyr_ste y_ste(y))) in
   [g_min, g_max]; phi(y) = y - g(y) changes sign on that interval, so bisection converges
   (plain iteration of y = g(y) need not: the loop gain at the default values exceeds 1). */
static void ZJRFixedPoint(const PetscReal th[], PetscReal u, PetscReal x[6])
{
  double k[3], lo, hi;

  for (int j = 0; j < 3; j++) k[j] = th[NM_ZJR_H_PYR + j] / th[NM_ZJR_BETA_PYR + j];
  lo = k[0] * th[NM_ZJR_MU_PYR];
  hi = k[0] * (th[NM_ZJR_MU_PYR] + 2 * th[NM_ZJR_E0]);
  for (int it = 0; it < 200; it++) {
    double y = 0.5 * (lo + hi), yi, ys, g;
    yi = k[1] * (th[NM_ZJR_MU_INH] + Sigmoid(th[NM_ZJR_C_INH_PYR] * y, th));
    ys = k[2] * (th[NM_ZJR_MU_STE] + Sigmoid(th[NM_ZJR_C_STE_PYR] * y + u, th));
    g  = k[0] * (th[NM_ZJR_MU_PYR] + Sigmoid(th[NM_ZJR_C_PYR_INH] * yi + th[NM_ZJR_C_PYR_STE] * ys, th));
    if (y - g < 0) lo = y;
    else hi = y;
  }
  x[0] = 0.5 * (lo + hi);
  x[2] = k[1] * (th[NM_ZJR_MU_INH] + Sigmoid(th[NM_ZJR_C_INH_PYR] * x[0], th));
  x[4] = k[2] * (th[NM_ZJR_MU_STE] + Sigmoid(th[NM_ZJR_C_STE_PYR] * x[0] + u, th));
  x[1] = x[3] = x[5] = 0;
}

/* sigma = 0: the point y_j = h_j rho_j / beta_j, z = 0 is a fixed point of the column. */
static void test_zjr_fixed_point(void **state)
{
  const NMModelType *m = Model("zjr");
  const PetscReal    mus[3] = {3, 1, 30}, us[3] = {0, 0.7, -2};

  (void)state;
  for (int c = 0; c < 3; c++) {
    PetscReal theta[NM_ZJR_NPARAM], x[6], u[1] = {us[c]}, f[6], rho[3];
    DefaultTheta(m, theta);
    theta[NM_ZJR_MU_STE] = mus[c];
    ZJRFixedPoint(theta, u[0], x);
    m->rhs(m->ctx, x, u, 0, theta, f);
    /* Scale of dz/dt: h beta rho ~ 1e3 mV/s2; dy/dt = z is exactly 0. */
    for (int i = 0; i < 6; i++) assert_near(f[i], 0, 1e-9);
    /* rho of the integrator helper is mu + s(ytilde), and the fixed point satisfies
       y_j = h_j rho_j / beta_j. */
    NMZJRPsp(x, u, theta, rho);
    for (int j = 0; j < 3; j++) assert_near(x[2 * j], theta[NM_ZJR_H_PYR + j] * rho[j] / theta[NM_ZJR_BETA_PYR + j], 1e-14);
  }
  /* With mu_ste = 30 the pyramidal sigmoid saturates: y_pyr -> 2 e0 h_pyr / beta_pyr. */
  {
    PetscReal theta[NM_ZJR_NPARAM], x[6];
    DefaultTheta(m, theta);
    theta[NM_ZJR_MU_STE] = 30;
    ZJRFixedPoint(theta, 0, x);
    assert_near(x[0], 2 * theta[NM_ZJR_E0] * theta[NM_ZJR_H_PYR] / theta[NM_ZJR_BETA_PYR], 1e-6);
  }
}

/* s(v0) = e0; rho and the PSP equations against an independent evaluation at random points. */
static void test_zjr_psp(void **state)
{
  const NMModelType *m = Model("zjr");
  PetscReal          theta[NM_ZJR_NPARAM];

  (void)state;
  DefaultTheta(m, theta);
  assert_true(NMZJRSigmoid(theta[NM_ZJR_V0], theta) == theta[NM_ZJR_E0]);
  theta[NM_ZJR_V0] = 4.5;
  theta[NM_ZJR_E0] = 3;
  assert_true(NMZJRSigmoid(4.5, theta) == 3);
  /* Far below threshold exp overflows: 0, not NaN. */
  assert_true(NMZJRSigmoid(-1e6, theta) == 0);
  assert_near(NMZJRSigmoid(1e6, theta), 6, 0);
  DefaultTheta(m, theta);
  for (int p = 0; p < 5; p++) {
    PetscReal x[6], u[1] = {Uniform(-3, 3)}, rho[3], f[6], yt[3];
    for (int i = 0; i < 6; i++) x[i] = Uniform(-0.2, 0.6) * (i % 2 ? 100 : 1);
    /* C from the brief: rows receiver (pyr, inh, ste), columns emitter. */
    yt[0] = -33.75 * x[2] + 108 * x[4];
    yt[1] = 33.75 * x[0];
    yt[2] = 135 * x[0] + u[0];
    NMZJRPsp(x, u, theta, rho);
    m->rhs(m->ctx, x, u, 0, theta, f);
    for (int j = 0; j < 3; j++) {
      double h = theta[NM_ZJR_H_PYR + j], b = theta[NM_ZJR_BETA_PYR + j], r = theta[NM_ZJR_MU_PYR + j] + Sigmoid(yt[j], theta);
      assert_near(rho[j], r, 1e-13 * (1 + fabs(r)));
      assert_true(f[2 * j] == x[2 * j + 1]);
      assert_near(f[2 * j + 1], h * b * r - 2 * b * x[2 * j + 1] - b * b * x[2 * j], 1e-10 * (1 + fabs(f[2 * j + 1])));
    }
  }
  /* Noise: h_j beta_j sigma_j on z_j only. */
  {
    PetscReal sigma[6];
    theta[NM_ZJR_SIGMA_PYR] = 0.5;
    theta[NM_ZJR_SIGMA_INH] = 0.25;
    theta[NM_ZJR_SIGMA_STE] = 1;
    m->noise(m->ctx, theta, sigma);
    assert_near(sigma[1], 3.25 * 100 * 0.5, 1e-12);
    assert_near(sigma[3], 22 * 50 * 0.25, 1e-12);
    assert_near(sigma[5], 3.25 * 100 * 1, 1e-12);
    assert_true(sigma[0] == 0 && sigma[2] == 0 && sigma[4] == 0);
  }
}

/* The network input acts on the stellate mass only: it changes dz_ste/dt and nothing else,
   and the coupling output is y_pyr. */
static void test_zjr_input(void **state)
{
  const NMModelType *m = Model("zjr");
  PetscReal          theta[NM_ZJR_NPARAM], x[6] = {0.04, 5, 0.3, -2, 0.1, 1}, u0[1] = {0}, u1[1] = {1}, f0[6], f1[6], c[1];

  (void)state;
  DefaultTheta(m, theta);
  m->rhs(m->ctx, x, u0, 0, theta, f0);
  m->rhs(m->ctx, x, u1, 0, theta, f1);
  for (int i = 0; i < 5; i++) assert_true(f0[i] == f1[i]);
  assert_true(fabs(f1[5] - f0[5]) > 1);
  /* ... by exactly h_ste beta_ste [s(ytilde_ste + 1) - s(ytilde_ste)]. */
  assert_near(f1[5] - f0[5], 3.25 * 100 * (Sigmoid(135 * 0.04 + 1, theta) - Sigmoid(135 * 0.04, theta)), 1e-9);
  m->coupling(m->ctx, x, theta, c);
  assert_true(c[0] == x[0]);
  /* The initial state: each block at rest for ytilde = 0. */
  {
    PetscReal x0[6];
    m->initial_state(m->ctx, theta, x0);
    for (int j = 0; j < 3; j++) {
      assert_near(x0[2 * j], theta[NM_ZJR_H_PYR + j] * (theta[NM_ZJR_MU_PYR + j] + Sigmoid(0, theta)) / theta[NM_ZJR_BETA_PYR + j], 1e-15);
      assert_true(x0[2 * j + 1] == 0);
    }
  }
}

/* ---- pMFM and rWW2 ----------------------------------------------------------------- */

/* H(z) = z / (1 - exp(-d z)) and dH/dz = (1 - t/(e^t - 1)) / (1 - e^-t), t = d z, in long
   double: at |t| >= 1e-7 the cancellation leaves a relative error below 1e-12, so this
   checks the model's series branch (|t| < 1e-3) and its direct branch independently. */
static void ExactTransfer(double z, double d, double *H, double *dH)
{
  long double t = (long double)d * z, D = -expm1l(-t);
  *H  = (double)(z / D);
  *dH = (double)((1 - t / expm1l(t)) / D);
}

/* At S = 0 with a = 1: rhs = gamma H(z) and input_jacobian = gamma H'(z), z = I_o + u - b. */
static void CheckTransferBranches(const NMModelType *m, const PetscReal theta[], PetscReal d, PetscReal g)
{
  const double ts[] = {-50, -5, -0.5, -0.05, -2e-3, -0.999e-3, -5e-4, -1e-4, -2e-6, -1e-7, 1e-7, 2e-6, 1e-4, 5e-4, 0.999e-3, 1.001e-3, 2e-3, 0.05, 0.5, 5, 50};

  for (size_t k = 0; k < sizeof(ts) / sizeof(ts[0]); k++) {
    PetscReal x[2] = {0, 0}, z = ts[k] / d, u[1] = {z}, f[2], B[2];
    double    H, dH;
    ExactTransfer(z, d, &H, &dH);
    m->rhs(m->ctx, x, u, 0, theta, f);
    m->input_jacobian(m->ctx, x, u, theta, B);
    assert_near(f[0] / g, H, 1e-13 * H);
    assert_near(B[0] / g, dH, 1e-11 * dH);
  }
}

/* H(z) = z / (1 - exp(-d z)) evaluated through the rhs at S = 0, where dS/dt = gamma H(x)
   with x = I_o + u: parameters a = 1, b = 0.5, I_o = 0.5 give z = a x - b = 0 exactly at
   u = 0, where H = 1/d. */
static void test_pmfm_transfer(void **state)
{
  const NMModelType *m = Model("pmfm");
  PetscReal          theta[16], S[1] = {0}, u[1], f[1], fp[1], fm[1], d, g;

  (void)state;
  DefaultTheta(m, theta);
  d = theta[NMModelParamIndex(m, "d")];
  g = theta[NMModelParamIndex(m, "gamma")];
  theta[NMModelParamIndex(m, "a")]   = 1;
  theta[NMModelParamIndex(m, "b")]   = 0.5;
  theta[NMModelParamIndex(m, "I_o")] = 0.5;
  u[0]                               = 0;
  m->rhs(m->ctx, S, u, 0, theta, f);
  assert_true(isfinite(f[0]));
  assert_near(f[0] / g, 1 / d, 1e-12 / d);
  /* Continuous across z = 0: H(+-1e-9) = 1/d +- 1e-9/2 to first order. */
  u[0] = 1e-9;
  m->rhs(m->ctx, S, u, 0, theta, fp);
  u[0] = -1e-9;
  m->rhs(m->ctx, S, u, 0, theta, fm);
  assert_near(fp[0] / f[0], 1, 1e-6);
  assert_near(fm[0] / f[0], 1, 1e-6);
  assert_true(fp[0] > f[0] && f[0] > fm[0]); /* H increases */
  /* Across the switch to the series (|d z| = 1e-3): no jump beyond the slope. */
  for (int s = -1; s <= 1; s += 2) {
    PetscReal zt = s * 1e-3 / d, lo[1], hi[1];
    u[0] = zt * (1 - 1e-9);
    m->rhs(m->ctx, S, u, 0, theta, lo);
    u[0] = zt * (1 + 1e-9);
    m->rhs(m->ctx, S, u, 0, theta, hi);
    assert_near(hi[0] - lo[0], g * 0.5 * 2e-9 * zt, 1e-13);
  }
  /* Both branches of the evaluation (series for |d z| < 1e-3, expm1 beyond) against long
     double, for H and dH/dz. z = u here, as I_o - b = 0. */
  CheckTransferBranches(m, theta, d, g);
  /* A known value with the default parameters: S = 0, u = 0, I_o = 0.5 nA:
       z = 270 * 0.5 - 108 = 27 Hz,  d z = 0.154 * 27 = 4.158,
       exp(-4.158) = 0.0156388...,   H = 27 / (1 - 0.0156388) = 27.428956... Hz,
       dS/dt = gamma H = 0.641 * 27.428956 = 17.581961... 1/s. */
  DefaultTheta(m, theta);
  theta[NMModelParamIndex(m, "I_o")] = 0.5;
  u[0]                               = 0;
  m->rhs(m->ctx, S, u, 0, theta, f);
  assert_near(f[0] / 0.641, 27.428956, 1e-6);
  assert_near(f[0], 17.581961, 1e-6);
  /* Far below threshold: H -> 0 without NaN; far above: H -> z. */
  u[0] = -100;
  m->rhs(m->ctx, S, u, 0, theta, f);
  assert_true(f[0] >= 0 && f[0] < 1e-300);
  u[0] = 100;
  m->rhs(m->ctx, S, u, 0, theta, f);
  assert_near(f[0] / 0.641, 270 * 100.5 - 108, 1e-9);
}

/* The pMFM initial state is a stable fixed point of the uncoupled node, in [0, 1]. */
static void test_pmfm_initial_state(void **state)
{
  const NMModelType *m = Model("pmfm");
  PetscReal          theta[16], x0[1], u[1] = {0}, f[1], J[1];

  (void)state;
  for (int c = 0; c < 3; c++) {
    DefaultTheta(m, theta);
    theta[NMModelParamIndex(m, "w")] = 0.5 + 0.4 * c;
    m->initial_state(m->ctx, theta, x0);
    assert_true(x0[0] > 0 && x0[0] < 1);
    m->rhs(m->ctx, x0, u, 0, theta, f);
    assert_near(f[0], 0, 1e-9);
    m->jacobian(m->ctx, x0, u, 0, theta, J);
    assert_true(J[0] < 0);
  }
  /* The ODE itself: dS/dt = -S/tau_s + (1 - S) gamma H(w J S + I_o + u), by hand at S = 0.25,
     u = 0.1 (x = 0.25 * 0.2609 + 0.295 + 0.1 = 0.460225 nA, z = 16.26075 Hz). */
  {
    PetscReal S[1] = {0.25}, uu[1] = {0.1}, z = 270 * 0.460225 - 108, H = z / (1 - exp(-0.154 * z));
    DefaultTheta(m, theta);
    m->rhs(m->ctx, S, uu, 0, theta, f);
    assert_near(f[0], -0.25 / 0.1 + 0.75 * 0.641 * H, 1e-12);
  }
}

/* rWW2 with S_E = S_I = 0: dS_E/dt = gamma_E H_E(W_E I_0 + J_N u) and
   dS_I/dt = gamma_I H_I(W_I I_0). a = 1, b = 0.5, W = 1, I_0 = 0.5 put both at z = 0. */
static void test_rww2_transfer(void **state)
{
  const NMModelType *m = Model("rww2");
  PetscReal          theta[32], x[2] = {0, 0}, u[1] = {0}, f[2], fp[2], fm[2], dE, dI, gE, gI;

  (void)state;
  DefaultTheta(m, theta);
  dE = theta[NMModelParamIndex(m, "d_E")];
  dI = theta[NMModelParamIndex(m, "d_I")];
  gE = theta[NMModelParamIndex(m, "gamma_E")];
  gI = theta[NMModelParamIndex(m, "gamma_I")];
  theta[NMModelParamIndex(m, "a_E")] = theta[NMModelParamIndex(m, "a_I")] = 1;
  theta[NMModelParamIndex(m, "b_E")] = theta[NMModelParamIndex(m, "b_I")] = 0.5;
  theta[NMModelParamIndex(m, "W_E")] = theta[NMModelParamIndex(m, "W_I")] = 1;
  theta[NMModelParamIndex(m, "I_0")]                                      = 0.5;
  m->rhs(m->ctx, x, u, 0, theta, f);
  assert_near(f[0] / gE, 1 / dE, 1e-12 / dE);
  assert_near(f[1] / gI, 1 / dI, 1e-12 / dI);
  /* Continuity: excitatory through u, inhibitory through S_E (I_I = ... + J_N S_E). */
  u[0] = 1e-9;
  m->rhs(m->ctx, x, u, 0, theta, fp);
  u[0] = -1e-9;
  m->rhs(m->ctx, x, u, 0, theta, fm);
  assert_near(fp[0] / f[0], 1, 1e-6);
  assert_near(fm[0] / f[0], 1, 1e-6);
  assert_true(fp[1] == f[1] && fm[1] == f[1]); /* u does not reach the inhibitory population */
  u[0] = 0;
  for (int s = -1; s <= 1; s += 2) {
    PetscReal xs[2] = {s * 1e-9, 0};
    m->rhs(m->ctx, xs, u, 0, theta, fp);
    assert_near(fp[1] / f[1], 1, 1e-6);
  }
  /* Both branches of the excitatory H, through u (J_N = 1 makes z = u). */
  theta[NMModelParamIndex(m, "J_N")] = 1;
  CheckTransferBranches(m, theta, dE, gE);
  /* Known values with the defaults at S_E = S_I = 0, u = 0:
       excitatory: I_E = W_E I_0 = 0.382 nA, z = 310 * 0.382 - 125 = -6.58 Hz,
         d z = 0.16 * -6.58 = -1.0528, exp(1.0528) = 2.8656638...,
         H_E = -6.58 / (1 - 2.8656638) = 3.5268949... Hz, dS_E/dt = 0.641 H_E = 2.2607396...;
       inhibitory: I_I = W_I I_0 = 0.2674 nA, z = 615 * 0.2674 - 177 = -12.549 Hz,
         d z = 0.087 * -12.549 = -1.091763, exp(1.091763) = 2.9795223...,
         H_I = -12.549 / (1 - 2.9795223) = 6.3394081... Hz, dS_I/dt = 1.0 H_I. */
  DefaultTheta(m, theta);
  m->rhs(m->ctx, x, u, 0, theta, f);
  assert_near(f[0], 2.2607396, 1e-7);
  assert_near(f[1], 6.3394081, 1e-7);
}

/* The rWW2 equations by hand at one state, and the initial state as a stable fixed point. */
static void test_rww2_equations(void **state)
{
  const NMModelType *m = Model("rww2");
  PetscReal          theta[32], x[2] = {0.3, 0.05}, u[1] = {0.2}, f[2], x0[2], f0[2], J[4], zero[1] = {0};
  double             IE, II, zE, zI, HE, HI;

  (void)state;
  DefaultTheta(m, theta);
  IE = 1 * 0.382 + 1.4 * 0.15 * 0.3 - 1.0 * 0.05 + 0.15 * 0.2;
  II = 0.7 * 0.382 + 0.15 * 0.3 - 0.05;
  zE = 310 * IE - 125;
  zI = 615 * II - 177;
  HE = zE / (1 - exp(-0.16 * zE));
  HI = zI / (1 - exp(-0.087 * zI));
  m->rhs(m->ctx, x, u, 0, theta, f);
  assert_near(f[0], -0.3 / 0.1 + 0.7 * 0.641 * HE, 1e-12);
  assert_near(f[1], -0.05 / 0.01 + 1.0 * HI, 1e-12);
  /* Initial state: dS/dt = 0 with u = 0, 0 < S_E < 1, S_I > 0, and linearly stable. */
  m->initial_state(m->ctx, theta, x0);
  assert_true(x0[0] > 0 && x0[0] < 1 && x0[1] > 0);
  m->rhs(m->ctx, x0, zero, 0, theta, f0);
  assert_near(f0[0], 0, 1e-9);
  assert_near(f0[1], 0, 1e-9);
  m->jacobian(m->ctx, x0, zero, 0, theta, J);
  assert_true(J[0] + J[3] < 0 && J[0] * J[3] - J[1] * J[2] > 0);
}

/* ---- linear ------------------------------------------------------------------------ */

/* rhs = A x + b u exactly (dyadic values: every product and sum is exact). */
static void test_linear(void **state)
{
  const NMModelType *m = Model("linear");
  PetscReal          theta[8] = {-1.5, 0.25, 2, -0.75, 0.5, -3, 0.125, 0.0625}, x[2] = {1.25, -2.5}, u[1] = {0.75}, f[2], J[4], B[2], sigma[2], c[1];

  (void)state;
  assert_int_equal(NMModelParamIndex(m, "a11"), 0);
  assert_int_equal(NMModelParamIndex(m, "sigma2"), 7);
  m->rhs(m->ctx, x, u, 0, theta, f);
  assert_true(f[0] == -1.5 * 1.25 + 0.25 * -2.5 + 0.5 * 0.75);
  assert_true(f[1] == 2 * 1.25 + -0.75 * -2.5 + -3 * 0.75);
  m->jacobian(m->ctx, x, u, 0, theta, J);
  assert_true(J[0] == -1.5 && J[1] == 0.25 && J[2] == 2 && J[3] == -0.75);
  m->input_jacobian(m->ctx, x, u, theta, B);
  assert_true(B[0] == 0.5 && B[1] == -3);
  m->noise(m->ctx, theta, sigma);
  assert_true(sigma[0] == 0.125 && sigma[1] == 0.0625);
  m->coupling(m->ctx, x, theta, c);
  assert_true(c[0] == 1.25);
  /* Defaults: A = -I, b = (1, 0). */
  DefaultTheta(m, theta);
  m->rhs(m->ctx, x, u, 0, theta, f);
  assert_true(f[0] == -1.25 + 0.75 && f[1] == 2.5);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_descriptors),
    cmocka_unit_test(test_derivatives),
    cmocka_unit_test(test_find_and_check),
    cmocka_unit_test(test_hopf_origin),
    cmocka_unit_test(test_hopf_limit_cycle),
    cmocka_unit_test(test_hopf_diffusive),
    cmocka_unit_test(test_zjr_fixed_point),
    cmocka_unit_test(test_zjr_psp),
    cmocka_unit_test(test_zjr_input),
    cmocka_unit_test(test_pmfm_transfer),
    cmocka_unit_test(test_pmfm_initial_state),
    cmocka_unit_test(test_rww2_transfer),
    cmocka_unit_test(test_rww2_equations),
    cmocka_unit_test(test_linear),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
