/* Unit tests of the inference engine (src/elbo_*.c): central-difference checks of every ELBO
   term and of the whole NMInferLossGrad for each variant (AN, AB, AS) with m_s = 0 (pinned)
   and m_s = 1, over every parameter block; batch invariance (what makes data parallelism
   exact); initialisation; the single-node drift against f evaluated from the named blocks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include "nm_grad_check.h"

#include <math.h>
#include <string.h>

#include <netmass/infer.h>
#include <netmass/sys.h>
#include "../../src/elbo_impl.h"

#define W_TERM 0.7 /* the weight given to each term: its gradient must come out scaled by it */

/* ---- the terms, one at a time ---- */

enum { TT = 4, TB = 3, TS = 2 }; /* steps, series, state dim */

static double v_loglik(const double *y, const double *X, const double *a, const double *b, const double *olv)
{
  double v;
  assert_int_equal(NMInferTermLogLik(TT * TB, TS, y, 2, X, a, *b, *olv, W_TERM, &v, NULL, NULL, NULL, NULL), 0);
  return W_TERM * v;
}

static void test_term_loglik(void **state)
{
  uint64_t s = 3;
  double   y[TT * TB * 2], X[TT * TB * TS], a[TS], b, olv, dX[TT * TB * TS] = {0}, da[TS] = {0}, db = 0, dolv = 0, v, fd[TT * TB * TS];
  (void)state;
  nm_fill(&s, TT * TB * 2, 1, y);
  nm_fill(&s, TT * TB * TS, 1, X);
  nm_fill(&s, TS, 1, a);
  b   = 0.3;
  olv = -0.4;
  assert_int_equal(NMInferTermLogLik(TT * TB, TS, y, 2, X, a, b, olv, W_TERM, &v, dX, da, &db, &dolv), 0);
  NM_FD_ALL(TT * TB * TS, X, fd, v_loglik(y, X, a, &b, &olv));
  assert_true(nm_blockerr(TT * TB * TS, dX, fd) < 1e-6);
  NM_FD_ALL(TS, a, fd, v_loglik(y, X, a, &b, &olv));
  assert_true(nm_blockerr(TS, da, fd) < 1e-6);
  NM_FD_ALL(1, &b, fd, v_loglik(y, X, a, &b, &olv));
  assert_true(nm_blockerr(1, &db, fd) < 1e-6);
  NM_FD_ALL(1, &olv, fd, v_loglik(y, X, a, &b, &olv));
  assert_true(nm_blockerr(1, &dolv, fd) < 1e-6);
  /* known value at y = a.x + b: only the normalisation remains */
  memset(X, 0, sizeof(X));
  for (int q = 0; q < TT * TB; q++) y[2 * q] = b;
  assert_int_equal(NMInferTermLogLik(TT * TB, TS, y, 2, X, a, b, olv, W_TERM, &v, NULL, NULL, NULL, NULL), 0);
  assert_near(v, -0.5 * TT * TB * (log(2 * PETSC_PI) + olv), 1e-13);
}

static double v_x0(const double *X, double lv0)
{
  double v;
  assert_int_equal(NMInferTermX0(TB, TS, X, lv0, W_TERM, &v, NULL), 0);
  return W_TERM * v;
}

static void test_term_x0(void **state)
{
  uint64_t s = 4;
  double   X[TB * TS], dX[TB * TS] = {0}, v, fd[TB * TS];
  (void)state;
  nm_fill(&s, TB * TS, 1, X);
  assert_int_equal(NMInferTermX0(TB, TS, X, 1.0, W_TERM, &v, dX), 0);
  NM_FD_ALL(TB * TS, X, fd, v_x0(X, 1.0));
  assert_true(nm_blockerr(TB * TS, dX, fd) < 1e-6);
}

static double v_trans(const double *X, const double *F, const double *slv)
{
  double v;
  assert_int_equal(NMInferTermTransition((TT - 1) * TB, TS, TB * TS, X, F, slv, W_TERM, &v, NULL, NULL, NULL), 0);
  return W_TERM * v;
}

static void test_term_transition(void **state)
{
  uint64_t s = 5;
  double   X[TT * TB * TS], F[(TT - 1) * TB * TS], slv[TS] = {-2, 0.5}, dX[TT * TB * TS] = {0}, dF[(TT - 1) * TB * TS] = {0}, dslv[TS] = {0}, v, fd[TT * TB * TS];
  (void)state;
  nm_fill(&s, TT * TB * TS, 1, X);
  nm_fill(&s, (TT - 1) * TB * TS, 1, F);
  assert_int_equal(NMInferTermTransition((TT - 1) * TB, TS, TB * TS, X, F, slv, W_TERM, &v, dX, dF, dslv), 0);
  NM_FD_ALL(TT * TB * TS, X, fd, v_trans(X, F, slv));
  assert_true(nm_blockerr(TT * TB * TS, dX, fd) < 1e-6);
  NM_FD_ALL((TT - 1) * TB * TS, F, fd, v_trans(X, F, slv));
  assert_true(nm_blockerr((TT - 1) * TB * TS, dF, fd) < 1e-6);
  NM_FD_ALL(TS, slv, fd, v_trans(X, F, slv));
  assert_true(nm_blockerr(TS, dslv, fd) < 1e-6);
}

/* x with leading dim 3 (2 used), mu and lv interleaved as [mu mu lv lv] rows (ldp 4) */
static double v_entropy(const double *x, const double *P)
{
  double v;
  assert_int_equal(NMInferTermEntropy(TB, 2, x, 3, P, P + 2, 4, W_TERM, &v, NULL, NULL, NULL), 0);
  return W_TERM * v;
}

static void test_term_entropy(void **state)
{
  uint64_t s = 6;
  double   x[TB * 3], P[TB * 4], dx[TB * 3] = {0}, dP[TB * 4] = {0}, v, fd[TB * 4];
  (void)state;
  nm_fill(&s, TB * 3, 1, x);
  nm_fill(&s, TB * 4, 1, P);
  for (int r = 0; r < TB; r++) x[3 * r + 2] = 0; /* padding */
  assert_int_equal(NMInferTermEntropy(TB, 2, x, 3, P, P + 2, 4, W_TERM, &v, dx, dP, dP + 2), 0);
  NM_FD_ALL(TB * 3, x, fd, v_entropy(x, P));
  assert_true(nm_blockerr(TB * 3, dx, fd) < 1e-6);
  NM_FD_ALL(TB * 4, P, fd, v_entropy(x, P));
  assert_true(nm_blockerr(TB * 4, dP, fd) < 1e-6);
}

static double v_kl(const double *P)
{
  double v;
  assert_int_equal(NMInferTermKL(TB, 2, P, P + 2, 4, W_TERM, &v, NULL, NULL), 0);
  return W_TERM * v;
}

static void test_term_kl(void **state)
{
  uint64_t s = 7;
  double   P[TB * 4], dP[TB * 4] = {0}, v, fd[TB * 4], Z[4] = {0, 0, 0, 0};
  (void)state;
  nm_fill(&s, TB * 4, 1, P);
  assert_int_equal(NMInferTermKL(TB, 2, P, P + 2, 4, W_TERM, &v, dP, dP + 2), 0);
  NM_FD_ALL(TB * 4, P, fd, v_kl(P));
  assert_true(nm_blockerr(TB * 4, dP, fd) < 1e-6);
  assert_int_equal(NMInferTermKL(1, 2, Z, Z + 2, 4, 1, &v, NULL, NULL), 0);
  assert_near(v, 0, 0); /* KL(N(0,1) || N(0,1)) */
}

static double v_ar1(const double *U, const double *logtau)
{
  double v;
  assert_int_equal(NMInferTermAR1(TT, TB, U, *logtau, W_TERM, &v, NULL, NULL), 0);
  return W_TERM * v;
}

static void test_term_ar1(void **state)
{
  uint64_t s = 8;
  double   U[TT * TB], logtau = log(3.0), dU[TT * TB] = {0}, dlt = 0, v, fd[TT * TB], a = exp(-1 / 3.0), ref = 0;
  (void)state;
  nm_fill(&s, TT * TB, 1, U);
  assert_int_equal(NMInferTermAR1(TT, TB, U, logtau, W_TERM, &v, dU, &dlt), 0);
  NM_FD_ALL(TT * TB, U, fd, v_ar1(U, &logtau));
  assert_true(nm_blockerr(TT * TB, dU, fd) < 1e-6);
  NM_FD_ALL(1, &logtau, fd, v_ar1(U, &logtau));
  assert_true(nm_blockerr(1, &dlt, fd) < 1e-6);
  /* the value against the AR(1) density written out for series 1 alone */
  assert_int_equal(NMInferTermAR1(TT, 1, U, logtau, 1, &v, NULL, NULL), 0);
  ref = -0.5 * (log(2 * PETSC_PI) + U[0] * U[0]);
  for (int k = 1; k < TT; k++) ref += -0.5 * log(2 * PETSC_PI * (1 - a * a)) - 0.5 * pow(U[k] - a * U[k - 1], 2) / (1 - a * a);
  assert_near(v, ref, 1e-13);
}

/* ---- the whole loss ---- */

enum { NT = 6, NSUB = 2, NREG = 3, MAXITEMS = 4 };

typedef struct {
  NMInferModel m;
  double       y[MAXITEMS * NT], u[MAXITEMS * NT];
  PetscInt     subject[MAXITEMS], item[MAXITEMS];
} LossCase;

static void case_setup(LossCase *c, NMInferVariant variant, PetscInt ms, PetscInt nitems)
{
  const NMInferDims d = {.ns = 2, .mr = 2, .ms = ms, .nsub = NSUB, .nregions = NREG, .nt = NT, .hidden_f = 5, .lstm_units = 4, .nsamples = 2, .variant = variant, .x0_logvar = 1.0};
  uint64_t          s = 99 + (uint64_t)variant * 7 + (uint64_t)ms;
  size_t            n;
  double           *theta;

  assert_int_equal(NMInferModelCreate(&d, &c->m), 0);
  assert_int_equal(NMInferModelInitialize(c->m, 2023), 0);
  /* move off the initial point (zero biases, unit forget gates) so that no gradient is
     structurally zero */
  assert_int_equal(NMInferModelGetParams(c->m, &n, &theta), 0);
  for (size_t k = 0; k < n; k++) theta[k] += 0.1 * nm_uniform(&s);
  nm_fill(&s, nitems * NT, 1, c->y);
  nm_fill(&s, nitems * NT, 1, c->u);
  for (PetscInt r = 0; r < nitems; r++) {
    c->subject[r] = r % NSUB;
    c->item[r]    = c->subject[r] * NREG + (r / NSUB + 1) % NREG;
  }
}

static double case_loss(LossCase *c, PetscInt first, PetscInt nitems, PetscInt nglobal, double *grad)
{
  const NMInferBatch b = {nitems, c->y + first * NT, c->u + first * NT, c->subject + first, c->item + first};
  NMInferTerms       t;
  assert_int_equal(NMInferLossGrad(c->m, &b, nglobal, 0.7, 42, 3, &t, grad), 0);
  return t.loss;
}

static void check_loss_grad(NMInferVariant variant, PetscInt ms)
{
  LossCase           c;
  PetscInt           nblocks;
  const char *const *names;
  const size_t      *off, *size;
  size_t             n;
  double            *theta, *grad, worst = 0;
  uint64_t           s = 1234;

  case_setup(&c, variant, ms, 3);
  assert_int_equal(NMInferModelGetParams(c.m, &n, &theta), 0);
  assert_int_equal(NMInferModelGetBlocks(c.m, &nblocks, &names, &off, &size), 0);
  grad = calloc(n, sizeof(double));
  (void)case_loss(&c, 0, 3, 3, grad);
  for (PetscInt k = 0; k < nblocks; k++) {
    /* every entry of small blocks, 40 random entries of larger ones */
    const int nc = size[k] <= 40 ? (int)size[k] : 40;
    double    an[40], fd[40], e;
    for (int q = 0; q < nc; q++) {
      const size_t i = off[k] + (size[k] <= 40 ? (size_t)q : (size_t)((nm_uniform(&s) + 1) * 0.5 * (double)size[k]));
      an[q] = grad[i];
      NM_FD_ALL(1, theta + i, fd + q, case_loss(&c, 0, 3, 3, NULL));
    }
    e = nm_blockerr(nc, an, fd);
    if (!(e < 1e-6)) print_error("variant %d ms %d: block %s rel. err %.2e\n", (int)variant, (int)ms, names[k], e);
    assert_true(e < 1e-6);
    worst = fmax(worst, e);
  }
  print_message("variant %s, ms %d: %d blocks, %zu parameters, worst block rel. err %.2e\n", variant == NM_INFER_AN ? "AN" : variant == NM_INFER_AB ? "AB" : "AS", (int)ms, (int)nblocks, n, worst);
  free(grad);
  assert_int_equal(NMInferModelDestroy(&c.m), 0);
}

static void test_loss_grad_AN(void **state)
{
  (void)state;
  check_loss_grad(NM_INFER_AN, 0);
  check_loss_grad(NM_INFER_AN, 1);
}

static void test_loss_grad_AB(void **state)
{
  (void)state;
  check_loss_grad(NM_INFER_AB, 0);
  check_loss_grad(NM_INFER_AB, 1);
}

static void test_loss_grad_AS(void **state)
{
  (void)state;
  check_loss_grad(NM_INFER_AS, 0);
  check_loss_grad(NM_INFER_AS, 1);
}

/* The loss and gradient of a batch are the sums over its halves (same nbatch_global): a
   minibatch split over ranks and summed by an allreduce gives the one-rank result. */
static void test_batch_invariance(void **state)
{
  LossCase c;
  size_t   n;
  double  *theta, *g1, *g2, L, Lh, d = 0, gm = 0;
  (void)state;
  case_setup(&c, NM_INFER_AB, 1, MAXITEMS);
  assert_int_equal(NMInferModelGetParams(c.m, &n, &theta), 0);
  g1 = calloc(n, sizeof(double));
  g2 = calloc(n, sizeof(double));
  L  = case_loss(&c, 0, MAXITEMS, MAXITEMS, g1);
  Lh = case_loss(&c, 0, MAXITEMS / 2, MAXITEMS, g2) + case_loss(&c, MAXITEMS / 2, MAXITEMS / 2, MAXITEMS, g2);
  for (size_t k = 0; k < n; k++) {
    d  = fmax(d, fabs(g1[k] - g2[k]));
    gm = fmax(gm, fabs(g1[k]));
  }
  print_message("batch invariance: loss rel. diff %.2e, gradient %.2e\n", fabs(L - Lh) / fabs(L), d / gm);
  assert_true(fabs(L - Lh) <= 1e-13 * fabs(L));
  assert_true(d <= 1e-13 * gm);
  /* a different epoch draws different samples */
  {
    const NMInferBatch b = {MAXITEMS, c.y, c.u, c.subject, c.item};
    NMInferTerms       t;
    assert_int_equal(NMInferLossGrad(c.m, &b, MAXITEMS, 0.7, 42, 4, &t, NULL), 0);
    assert_true(fabs(t.loss - L) > 1e-8 * fabs(L));
  }
  free(g1);
  free(g2);
  assert_int_equal(NMInferModelDestroy(&c.m), 0);
}

/* NMInferEncode of a batch equals that of its items one by one: the encoders treat the items
   independently, and the item-major outputs are read correctly out of the time-major
   buffers (a one-item batch has both layouts at once). */
static void test_encode(void **state)
{
  enum { MR = 2, NS = 2 };
  LossCase c;
  double   thr_mu[MAXITEMS * MR], thr_lv[MAXITEMS * MR], x_mu[MAXITEMS * NT * NS], x_lv[MAXITEMS * NT * NS];
  double   t1[MR], t2[MR], x1[NT * NS], x2[NT * NS];
  (void)state;
  case_setup(&c, NM_INFER_AB, 1, MAXITEMS);
  {
    const NMInferBatch b = {MAXITEMS, c.y, c.u, c.subject, c.item};
    assert_int_equal(NMInferEncode(c.m, &b, thr_mu, thr_lv, x_mu, x_lv), 0);
  }
  for (PetscInt r = 0; r < MAXITEMS; r++) {
    const NMInferBatch b = {1, c.y + r * NT, c.u + r * NT, c.subject + r, c.item + r};
    assert_int_equal(NMInferEncode(c.m, &b, t1, t2, x1, x2), 0);
    for (int j = 0; j < MR; j++) {
      assert_near(thr_mu[r * MR + j], t1[j], 1e-14);
      assert_near(thr_lv[r * MR + j], t2[j], 1e-14);
    }
    for (int k = 0; k < NT * NS; k++) {
      assert_near(x_mu[r * NT * NS + k], x1[k], 1e-14);
      assert_near(x_lv[r * NT * NS + k], x2[k], 1e-14);
    }
  }
  /* the subject input matters: the same series under the other subject encodes differently */
  {
    PetscInt           other = (c.subject[0] + 1) % NSUB;
    const NMInferBatch b     = {1, c.y, c.u, &other, c.item};
    assert_int_equal(NMInferEncode(c.m, &b, t1, NULL, NULL, NULL), 0);
    assert_true(fabs(t1[0] - thr_mu[0]) > 1e-6);
  }
  assert_int_equal(NMInferModelDestroy(&c.m), 0);
}

static const double *block(NMInferModel m, const char *name)
{
  PetscInt           nb;
  const char *const *names;
  const size_t      *off, *size;
  double            *theta;
  assert_int_equal(NMInferModelGetBlocks(m, &nb, &names, &off, &size), 0);
  assert_int_equal(NMInferModelGetParams(m, NULL, &theta), 0);
  for (PetscInt k = 0; k < nb; k++)
    if (!strcmp(names[k], name)) return theta + off[k];
  fail_msg("no parameter block %s", name);
  return NULL;
}

/* Initialisation: deterministic from the seed, the documented constants. */
static void test_initialize(void **state)
{
  const NMInferDims d = {.ns = 3, .mr = 3, .ms = 0, .nsub = 4, .nregions = 5, .nt = 7, .hidden_f = 8, .lstm_units = 6, .nsamples = 2, .variant = NM_INFER_AB, .x0_logvar = 0};
  NMInferModel      m1, m2;
  NMInferGenerative g;
  size_t            n;
  double           *t1, *t2;
  const double     *fb;
  (void)state;
  assert_int_equal(NMInferModelCreate(&d, &m1), 0);
  assert_int_equal(NMInferModelCreate(&d, &m2), 0);
  assert_int_equal(NMInferModelInitialize(m1, 7), 0);
  assert_int_equal(NMInferModelInitialize(m2, 7), 0);
  assert_int_equal(NMInferModelGetParams(m1, &n, &t1), 0);
  assert_int_equal(NMInferModelGetParams(m2, NULL, &t2), 0);
  assert_memory_equal(t1, t2, n * sizeof(double));
  assert_int_equal(NMInferModelInitialize(m2, 8), 0);
  assert_memory_not_equal(t1, t2, n * sizeof(double));
  assert_int_equal(NMInferModelGetGenerative(m1, &g), 0);
  assert_int_equal(g.ms_eff, 1);
  assert_near(*g.olv, 0, 0);
  assert_near(*g.b, 0, 0);
  assert_near(*g.logtau, log(10.0), 0);
  for (int j = 0; j < 3; j++) assert_near(g.slv[j], -2, 0);
  fb = block(m1, "enc_r/lstm_bw/bias");
  for (int j = 0; j < 24; j++) assert_near(fb[j], j >= 6 && j < 12 ? 1 : 0, 0);
  for (int j = 0; j < 4 * 7; j++) assert_true(fabs(g.uext_mu[j]) < 0.6); /* N(0, 0.1^2): 6 sd */
  assert_int_equal(NMInferModelDestroy(&m1), 0);
  assert_int_equal(NMInferModelDestroy(&m2), 0);
  assert_null(m1);
}

/* NMInferDrift against f = W2 relu(W1 x~ + b1) + b2 written out from the named blocks. */
static void test_drift(void **state)
{
  LossCase      c;
  const double  x[2] = {0.3, -0.7}, thr[2] = {0.2, 0.9}, ths[1] = {-0.4}, in[7] = {0.3, -0.7, 0.2, 0.9, -0.4, 0.6, -1.1};
  const double *K0, *b0, *K1, *b1;
  double        dx[2], ref[2];
  (void)state;
  case_setup(&c, NM_INFER_AB, 1, 1);
  K0 = block(c.m, "f/dense0/kernel"), b0 = block(c.m, "f/dense0/bias"), K1 = block(c.m, "f/dense1/kernel"), b1 = block(c.m, "f/dense1/bias");
  for (int k = 0; k < 2; k++) ref[k] = b1[k];
  for (int j = 0; j < 5; j++) {
    double z = b0[j];
    for (int i = 0; i < 7; i++) z += in[i] * K0[i * 5 + j];
    for (int k = 0; k < 2; k++) ref[k] += fmax(z, 0) * K1[j * 2 + k];
  }
  assert_int_equal(NMInferDrift(c.m, x, thr, ths, 0.6, -1.1, dx), 0);
  for (int k = 0; k < 2; k++) assert_near(dx[k], ref[k], 1e-15);
  assert_int_equal(NMInferModelDestroy(&c.m), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_term_loglik),
    cmocka_unit_test(test_term_x0),
    cmocka_unit_test(test_term_transition),
    cmocka_unit_test(test_term_entropy),
    cmocka_unit_test(test_term_kl),
    cmocka_unit_test(test_term_ar1),
    cmocka_unit_test(test_loss_grad_AN),
    cmocka_unit_test(test_loss_grad_AB),
    cmocka_unit_test(test_loss_grad_AS),
    cmocka_unit_test(test_batch_invariance),
    cmocka_unit_test(test_encode),
    cmocka_unit_test(test_initialize),
    cmocka_unit_test(test_drift),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
