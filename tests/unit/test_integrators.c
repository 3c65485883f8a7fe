/* Convergence orders of the three steppers on the Hopf normal form (a single node, no
   input, no noise), against its closed-form solution: in polar coordinates
   r^2(t) = a r0^2 e^{2at} / (a + r0^2 (e^{2at} - 1)), theta(t) = theta0 + omega t.
   Euler-Maruyama is first order, stochastic Heun and LL second order (deterministically);
   the ZJR closed-form LL step equals the general LL step on a PSP block with its input
   held, and its noise covariance equals the Van Loan covariance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <netmass/expm.h>
#include <netmass/integrator.h>
#include <netmass/model.h>
#include <netmass/sys.h>

static PetscReal hopf_error(NMIntegratorType type, PetscReal h)
{
  const PetscReal a = 1, f = 0.5, omega = 2 * PETSC_PI * f, T = 2, r0 = 0.5;
  PetscReal       theta[3] = {a, f, 0}, x[2] = {r0, 0}, x1[2], u[2] = {0, 0}, z[4] = {0, 0, 0, 0};
  PetscReal       e2 = PetscExpReal(2 * a * T), r = PetscSqrtReal(a * r0 * r0 * e2 / (a + r0 * r0 * (e2 - 1)));
  NMIntegrator    it;
  PetscInt        steps = (PetscInt)round(T / h);

  assert_int_equal(NMIntegratorCreate(&NMModelHopf, type, h, &it), 0);
  for (PetscInt k = 0; k < steps; k++) {
    assert_int_equal(NMIntegratorStep(it, x, u, u, 0, theta, z, x1), 0);
    x[0] = x1[0];
    x[1] = x1[1];
  }
  assert_int_equal(NMIntegratorDestroy(&it), 0);
  return PetscSqrtReal(PetscSqr(x[0] - r * PetscCosReal(omega * T)) + PetscSqr(x[1] - r * PetscSinReal(omega * T)));
}

static void test_orders(void **state)
{
  const struct {
    NMIntegratorType type;
    PetscReal        lo, hi;
  } cases[] = {
    {NM_INTEGRATOR_EULER, 0.8, 1.3},
    {NM_INTEGRATOR_HEUN,  1.8, 2.3},
    {NM_INTEGRATOR_LL,    1.8, 2.3},
  };

  (void)state;
  for (size_t c = 0; c < 3; c++) {
    PetscReal e1 = hopf_error(cases[c].type, 0.01), e2 = hopf_error(cases[c].type, 0.005), e3 = hopf_error(cases[c].type, 0.0025);
    PetscReal p1 = PetscLog2Real(e1 / e2), p2 = PetscLog2Real(e2 / e3);
    print_message("  %-5s errors %.3e %.3e %.3e, orders %.2f %.2f\n", NMIntegratorTypes[cases[c].type], (double)e1, (double)e2, (double)e3, (double)p1, (double)p2);
    assert_true(p1 > cases[c].lo && p1 < cases[c].hi);
    assert_true(p2 > cases[c].lo && p2 < cases[c].hi);
  }
}

/* One PSP block y' = v, v' = -b^2 y - 2 b v + a b rho: the closed form used for the ZJR
   column against the general LL step (augmented matrix exponential) with rho held. */
static void test_zjr_closed_form(void **state)
{
  const PetscReal theta[19] = {3.25, 22, 3.25, 100, 50, 100, 2.5, 6, 0.56, -33.75, 108, 33.75, 135, 0, 0, 3, 0, 0, 0};
  const PetscReal x0[6]     = {0.12, 1.5, 0.3, -2.0, 0.05, 0.7}, u[1] = {0.2};
  const PetscReal hs[3]     = {1e-4, 1e-3, 5e-3};
  PetscReal       x1[6], z[6] = {0};

  (void)state;
  for (int k = 0; k < 3; k++) {
    PetscReal rho[3];
    assert_int_equal(NMZJRStepClosedForm(x0, u, theta, hs[k], z, x1), 0);
    /* rho_j = mu_j + s(ytilde_j), computed by the model's own rhs: f_v = a b rho - 2 b v - b^2 y */
    {
      PetscReal f[6];
      NMModelZJR.rhs(NMModelZJR.ctx, x0, u, 0, theta, f);
      for (int j = 0; j < 3; j++) {
        const PetscReal a = theta[j], b = theta[3 + j];
        rho[j] = (f[2 * j + 1] + 2 * b * x0[2 * j + 1] + b * b * x0[2 * j]) / (a * b);
      }
    }
    for (int j = 0; j < 3; j++) {
      const PetscReal a = theta[j], b = theta[3 + j];
      const PetscReal J[4] = {0, 1, -b * b, -2 * b}, f0[2] = {x0[2 * j + 1], a * b * rho[j] - b * b * x0[2 * j] - 2 * b * x0[2 * j + 1]};
      PetscReal       dx[2], Q[4], L[4], q[3];
      assert_int_equal(NMLLStep(2, 0, J, f0, NULL, NULL, hs[k], dx), 0);
      assert_near(x1[2 * j], x0[2 * j] + dx[0], 1e-10 * (1 + PetscAbsReal(x1[2 * j])));
      assert_near(x1[2 * j + 1], x0[2 * j + 1] + dx[1], 1e-10 * (1 + PetscAbsReal(x1[2 * j + 1])));
      /* exact noise covariance of the block (sigma = 1 on v, amplitude a b) */
      {
        const PetscReal sig[2] = {0, a * b};
        assert_int_equal(NMLLNoiseCovariance(2, J, sig, hs[k], Q, L), 0);
        NMPSPNoiseCovariance(b, a * b, hs[k], q);
        assert_near(q[0], Q[0], 1e-10 * Q[0]);
        assert_near(q[1], Q[1], 1e-10 * PetscAbsReal(Q[1]));
        assert_near(q[2], Q[3], 1e-10 * Q[3]);
      }
    }
  }
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_orders),
    cmocka_unit_test(test_zjr_closed_form),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
