/* The learned node model (src/models/model_mlp.c): its drift is the trained f divided by
   the sample period (checked against the inference engine's own NMInferDrift), its
   Jacobians match finite differences, its coupling is the predicted observation a.x + b
   and its noise the learned state noise, for the variants AN, AB and AS. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <netmass/model_mlp.h>

static const PetscReal delta = 0.72;

static void CheckVariant(NMInferVariant variant)
{
  NMInferDims       d = {.ns = 3, .mr = 2, .ms = 1, .nsub = 2, .nregions = 4, .nt = 5, .hidden_f = 7, .lstm_units = 3, .nsamples = 1, .variant = variant, .x0_logvar = 0};
  NMInferModel      im;
  NMInferGenerative g;
  NMModelType      *m;
  PetscReal         x[3] = {0.3, -0.7, 0.2}, theta[3], u[1] = {0.4}, f[3], dx[3], J[9], B[3], c, sigma[3], h = 1e-6;

  assert_int_equal(NMInferModelCreate(&d, &im), 0);
  assert_int_equal(NMInferModelInitialize(im, 7), 0);
  assert_int_equal(NMInferModelGetGenerative(im, &g), 0);
  assert_int_equal(NMModelMLPCreate(im, delta, 1, &m), 0);
  assert_int_equal(m->nstate, 3);
  assert_int_equal(m->nparam, 3);
  assert_string_equal(m->params[2].name, "theta_s1");
  assert_near(m->params[2].value, g.ths_mu[1 * g.ms_eff], 0); /* subject 1's posterior mean */
  theta[0] = 0.5, theta[1] = -0.2, theta[2] = 0.1;

  /* drift = f / delta, f as the engine computes it (u_ext at its prior mean 0) */
  m->rhs(m->ctx, x, u, 0, theta, f);
  assert_int_equal(NMInferDrift(im, x, theta, theta + 2, u[0], 0, dx), 0);
  for (int i = 0; i < 3; i++) assert_near(f[i] * delta, dx[i], 1e-14);

  /* Jacobians against central differences (the test point is away from ReLU kinks) */
  m->jacobian(m->ctx, x, u, 0, theta, J);
  for (int j = 0; j < 3; j++) {
    PetscReal xp[3] = {x[0], x[1], x[2]}, xm[3] = {x[0], x[1], x[2]}, fp[3], fm[3];
    xp[j] += h, xm[j] -= h;
    m->rhs(m->ctx, xp, u, 0, theta, fp);
    m->rhs(m->ctx, xm, u, 0, theta, fm);
    for (int i = 0; i < 3; i++) assert_near(J[i * 3 + j], (fp[i] - fm[i]) / (2 * h), 1e-7);
  }
  m->input_jacobian(m->ctx, x, u, theta, B);
  {
    PetscReal up[1] = {u[0] + h}, um[1] = {u[0] - h}, fp[3], fm[3];
    m->rhs(m->ctx, x, up, 0, theta, fp);
    m->rhs(m->ctx, x, um, 0, theta, fm);
    for (int i = 0; i < 3; i++) assert_near(B[i], (fp[i] - fm[i]) / (2 * h), 1e-7);
    if (variant == NM_INFER_AS)
      for (int i = 0; i < 3; i++) assert_near(B[i], 0, 0); /* f does not see u */
  }
  /* coupling: the predicted observation; noise: the learned state noise per unit time */
  m->coupling(m->ctx, x, theta, &c);
  assert_near(c, g.a[0] * x[0] + g.a[1] * x[1] + g.a[2] * x[2] + g.b[0], 1e-15);
  m->noise(m->ctx, theta, sigma);
  for (int i = 0; i < 3; i++) assert_near(sigma[i], sqrt(exp(g.slv[i]) / delta), 1e-15);
  assert_near(sigma[0], sqrt(exp(-2.0) / delta), 1e-15); /* slv starts at -2 */

  assert_int_equal(NMModelMLPDestroy(&m), 0);
  assert_null(m);
  assert_int_equal(NMInferModelDestroy(&im), 0);
}

static void test_mlp_an(void **state)
{
  (void)state;
  CheckVariant(NM_INFER_AN);
}
static void test_mlp_ab(void **state)
{
  (void)state;
  CheckVariant(NM_INFER_AB);
}
static void test_mlp_as(void **state)
{
  (void)state;
  CheckVariant(NM_INFER_AS);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mlp_an), cmocka_unit_test(test_mlp_ab), cmocka_unit_test(test_mlp_as)};
  int                     rc;

  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  rc = cmocka_run_group_tests(tests, NULL, NULL);
  if (PetscFinalize()) return 1;
  return rc;
}
