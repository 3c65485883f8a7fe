/* The closed-form LL step and noise covariance of two-state models (src/expm_2x2.c)
   against the general Pade-based ones (NMLLStep, NMLLNoiseCovariance) on 2 x 2 Jacobians
   of every kind the closed form distinguishes: real distinct, complex, repeated (both
   diagonal and a Jordan block), nearly repeated, singular, nilpotent, stiff, with
   eigenvalue scales 1e-3 .. 1e4 and steps h 1e-5 .. 1, each in a random basis; and the
   integrator with and without the closed form on the Hopf node. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <netmass/expm.h>
#include <netmass/integrator.h>
#include <netmass/model.h>
#include <netmass/rng.h>
#include <netmass/sys.h>

static double normwise(int len, const double *X, const double *Y)
{
  double d = 0, y = 0;
  for (int k = 0; k < len; k++) {
    d = fmax(d, fabs(X[k] - Y[k]));
    y = fmax(y, fabs(Y[k]));
  }
  return y > 0 ? d / y : d;
}

/* J = V T V^{-1} with V = [[1, v1], [v2, 1]] (det >= 1/2) and T upper triangular with
   the eigenvalues l1, l2 (real) or the real block [[l1, -l2], [l2, l1]] (l1 +- i l2). */
static void jacobian(PetscBool complex_pair, double l1, double l2, double t12, const double v[2], double J[4])
{
  const double V[4] = {1, v[0], v[1], 1}, det = 1 - v[0] * v[1];
  const double W[4] = {1 / det, -v[0] / det, -v[1] / det, 1 / det};
  const double T[4] = {l1, complex_pair ? -l2 : t12, complex_pair ? l2 : 0, complex_pair ? l1 : l2};
  double       VT[4];

  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) VT[i * 2 + j] = V[i * 2] * T[j] + V[i * 2 + 1] * T[2 + j];
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) J[i * 2 + j] = VT[i * 2] * W[j] + VT[i * 2 + 1] * W[2 + j];
}

static void test_closed_form_equals_general(void **state)
{
  /* eigenvalue pairs as multiples of a scale: {complex?, l1, l2, t12} */
  const struct {
    PetscBool cx;
    double    l1, l2, t12;
    const char *what;
  } kinds[] = {
    {PETSC_FALSE, -1.0,  -0.3,    0,   "real distinct"   },
    {PETSC_FALSE, 0.7,   -1.3,    0.5, "real, saddle"    },
    {PETSC_TRUE,  -0.2,  1.0,     0,   "complex"         },
    {PETSC_TRUE,  0.3,   2.0,     0,   "complex, growing"},
    {PETSC_TRUE,  0.0,   1.0,     0,   "centre"          },
    {PETSC_FALSE, -1.0,  -1.0,    0,   "repeated, diagonal"},
    {PETSC_FALSE, -1.0,  -1.0,    3.0, "Jordan block"    },
    {PETSC_FALSE, -1.0,  -1.0 - 1e-7, 2.0, "nearly repeated"},
    {PETSC_TRUE,  -1.0,  1e-7,    0,   "nearly repeated, complex"},
    {PETSC_FALSE, 0.0,   -1.0,    0.4, "singular"        },
    {PETSC_FALSE, 0.0,   0.0,     1.0, "nilpotent"       },
    {PETSC_FALSE, -1.0,  -1e-4,   1.0, "stiff"           },
    {PETSC_TRUE,  -1.0,  1e-3,    0,   "stiff, slow rotation"},
  };
  const double   scales[] = {1e-3, 1, 30, 300, 1e4}, hs[] = {1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1};
  NMRandomStream rs;
  double         worst_step = 0, worst_cov = 0;

  (void)state;
  NMRandomStreamInit(&rs, 2024, 7, 0);
  for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
    for (size_t is = 0; is < sizeof(scales) / sizeof(scales[0]); is++)
      for (size_t ih = 0; ih < sizeof(hs) / sizeof(hs[0]); ih++) {
        const double sc = scales[is], h = hs[ih];
        double       u[4], u2[4], J[4], f0[2], B[2], du[1], sigma[2], dxc[2], dxg[2], Qc[4], Qg[4], Lc[4], Lg[4];
        if (sc * h > 3e3) continue; /* e^{Jh} beyond ~e^{3000} is not a step anyone takes */
        NMRandomUniform4(&rs, 2 * (k * 100 + is * 10 + ih), u);
        NMRandomUniform4(&rs, 2 * (k * 100 + is * 10 + ih) + 1, u2);
        {
          const double v[2] = {u[0] - 0.5, u[1] - 0.5};
          jacobian(kinds[k].cx, kinds[k].l1 * sc, kinds[k].l2 * sc, kinds[k].t12 * sc, v, J);
        }
        f0[0]    = 2 * u[2] - 1;
        f0[1]    = 2 * u[3] - 1;
        B[0]     = 2 * u2[0] - 1;
        B[1]     = 2 * u2[1] - 1;
        du[0]    = (2 * u2[2] - 1) * h;
        sigma[0] = 0.1 + u2[3];
        sigma[1] = 0.05 + u[0];
        if (sc * h > 300 && kinds[k].l1 > 0) continue; /* growth e^{300}: overflow territory */
        NMLLStep2x2(1, J, f0, B, du, h, dxc);
        assert_int_equal(NMLLStep(2, 1, J, f0, B, du, h, dxg), 0);
        NMLLNoiseCovariance2x2(J, sigma, h, Qc, Lc);
        assert_int_equal(NMLLNoiseCovariance(2, J, sigma, h, Qg, Lg), 0);
        {
          /* The functions of a far-from-normal hJ are ill-conditioned: a perturbation E of
             size u ||hJ|| (the rounding of hJ itself) moves phi_1(hJ) by ~ hJ E hJ / 24, i.e.
             by u nu^2 relative with nu = ||hJ|| / max(1, spectral radius) (nu ~ 1 for normal
             Jacobians, 1e3 for a nilpotent one of norm 1e3); both methods err that much. */
          const double m = 0.5 * h * (J[0] + J[3]), d = 0.25 * h * h * (J[0] - J[3]) * (J[0] - J[3]) + h * h * J[1] * J[2];
          const double nu = h * fmax(fabs(J[0]) + fabs(J[2]), fabs(J[1]) + fabs(J[3])) / fmax(1, fabs(m) + sqrt(fabs(d)));
          const double tol = 1e-12 + 1e-16 * nu * nu;
          const double es = normwise(2, dxc, dxg), eq = normwise(4, Qc, Qg);
          if (es > tol || eq > tol) print_message("  %s, scale %g, h %g: step %.2e, covariance %.2e (tolerance %.2e)\n", kinds[k].what, sc, h, es, eq, tol);
          assert_true(es <= tol);
          assert_true(eq <= tol);
          assert_true(normwise(4, Lc, Lg) <= tol);
          {
            /* the written-out 2 x 2 factor is NMCholeskySemidefinite's, bit for bit */
            double       Lr[4], Qz[4], Lz[4];
            const double sz[2] = {0, sigma[1]}; /* semi-definite: the first pivot is rounding noise */
            NMCholeskySemidefinite(2, Qc, Lr);
            assert_memory_equal(Lc, Lr, sizeof(Lr));
            NMLLNoiseCovariance2x2(J, sz, h, Qz, Lz);
            NMCholeskySemidefinite(2, Qz, Lr);
            assert_memory_equal(Lz, Lr, sizeof(Lr));
          }
          worst_step = fmax(worst_step, es);
          worst_cov  = fmax(worst_cov, eq);
        }
      }
  print_message("  worst normwise differences: step %.2e, covariance %.2e\n", worst_step, worst_cov);
}

/* The closed form is exact for linear systems too: dx/dt = J x + b t/h + f0 has
   x(h) = x0 + h phi_1(hJ) f0 + h phi_2(hJ) b; for J = diag(l1, l2) these are scalars. */
static void test_closed_form_diagonal(void **state)
{
  const double l[2] = {-3.0, 2e-9}, h = 0.25, f0[2] = {0.5, -1.5}, b[2] = {2.0, 0.25}, Id[4] = {1, 0, 0, 1};
  const double J[4] = {l[0], 0, 0, l[1]};
  double       dx[2];

  (void)state;
  NMLLStep2x2(2, J, f0, Id, b, h, dx);
  for (int i = 0; i < 2; i++) {
    const double z = l[i] * h, phi1 = expm1(z) / z, phi2 = (expm1(z) - z) / (z * z);
    /* phi_2 for the tiny eigenvalue by its series: (e^z - 1 - z)/z^2 cancels */
    const double p2 = i == 1 ? 0.5 + z / 6 : phi2;
    assert_near(dx[i], h * (phi1 * f0[i] + p2 * b[i]), 2e-15);
  }
}

/* The integrator picks the closed form for a two-state model; forcing the general step
   moves the result only by rounding. */
static void test_integrator_closed_form(void **state)
{
  const PetscReal theta[3] = {0.4, 3, 0.5}, h = 1e-3, z[2] = {0.3, -1.1}, u0[2] = {0.02, -0.01}, u1[2] = {0.025, -0.012};
  PetscReal       x[2] = {0.6, 0.1}, xg[2] = {0.6, 0.1}, x1[2];
  NMIntegrator    itc, itg;

  (void)state;
  assert_int_equal(NMIntegratorCreate(&NMModelHopf, NM_INTEGRATOR_LL, h, &itc), 0);
  assert_int_equal(NMIntegratorCreate(&NMModelHopf, NM_INTEGRATOR_LL, h, &itg), 0);
  assert_int_equal(NMIntegratorSetClosedForm(itg, PETSC_FALSE), 0);
  for (int k = 0; k < 1000; k++) {
    assert_int_equal(NMIntegratorStep(itc, x, u0, u1, 0.3, theta, z, x1), 0);
    x[0] = x1[0];
    x[1] = x1[1];
    assert_int_equal(NMIntegratorStep(itg, xg, u0, u1, 0.3, theta, z, x1), 0);
    xg[0] = x1[0];
    xg[1] = x1[1];
  }
  assert_near(x[0], xg[0], 1e-12);
  assert_near(x[1], xg[1], 1e-12);
  assert_int_equal(NMIntegratorDestroy(&itc), 0);
  assert_int_equal(NMIntegratorDestroy(&itg), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_closed_form_equals_general),
    cmocka_unit_test(test_closed_form_diagonal),
    cmocka_unit_test(test_integrator_closed_form),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
