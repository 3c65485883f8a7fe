/* Known answers of the phase plane of one node (src/phaseplane.c): the Stuart-Landau
   (Hopf) node of Sip et al. 2023 eq. 30-31 has one fixed point, the origin, with
   eigenvalues a +- i omega (omega = 2 pi f): a stable focus for a < 0, an unstable focus
   for a > 0; the field on the grid is the model's f. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <netmass/fixedpoint.h>
#include <netmass/phaseplane.h>
#include <netmass/sys.h>

/* A phase plane computed with `options` in an options database of its own. */
static NMPhasePlane Compute(const char options[])
{
  PetscOptions db;
  NMPhasePlane pp;

  assert_int_equal(PetscOptionsCreate(&db), 0);
  assert_int_equal(PetscOptionsPush(db), 0);
  assert_int_equal(PetscOptionsInsertString(NULL, options), 0);
  assert_int_equal(NMPhasePlaneCreate(PETSC_COMM_WORLD, &pp), 0);
  assert_int_equal(NMPhasePlaneSetFromOptions(pp), 0);
  assert_int_equal(NMPhasePlaneSetUp(pp), 0);
  assert_int_equal(NMPhasePlaneCompute(pp), 0);
  assert_int_equal(PetscOptionsPop(), 0);
  assert_int_equal(PetscOptionsDestroy(&db), 0);
  return pp;
}

/* Exactly one fixed point, the origin, of class cls with eigenvalues a +- 2 pi f i. */
static void CheckHopfOrigin(const char options[], double a, double f, NMFixedPointClass cls)
{
  NMPhasePlane     pp = Compute(options);
  PetscInt         n;
  const PetscReal *xy, *re, *im;
  const PetscInt  *c;

  assert_int_equal(NMPhasePlaneGetFixedPoints(pp, &n, &xy, &re, &im, &c), 0);
  assert_int_equal(n, 1);
  assert_near(xy[0], 0, 1e-12);
  assert_near(xy[1], 0, 1e-12);
  assert_int_equal(c[0], cls);
  assert_near(re[0], a, 1e-8);
  assert_near(re[1], a, 1e-8);
  assert_near(im[0], 2 * PETSC_PI * f, 1e-8);
  assert_near(im[1], -2 * PETSC_PI * f, 1e-8);
  assert_int_equal(NMPhasePlaneDestroy(&pp), 0);
}

static void test_hopf_stable_focus(void **state)
{
  (void)state;
  CheckHopfOrigin("-model hopf -hopf_a -0.3 -hopf_f 0.05", -0.3, 0.05, NM_FP_STABLE_FOCUS);
  /* an origin that is not a grid point: found from the cells around it */
  CheckHopfOrigin("-model hopf -hopf_a -0.7 -hopf_f 2 -pp_range -1.3,2.1,-0.9,1.7 -pp_grid 24,17", -0.7, 2, NM_FP_STABLE_FOCUS);
}

static void test_hopf_unstable_focus(void **state)
{
  (void)state;
  /* the limit cycle of radius sqrt(a) is not a fixed point */
  CheckHopfOrigin("-model hopf -hopf_a 0.2 -hopf_f 0.05", 0.2, 0.05, NM_FP_UNSTABLE_FOCUS);
}

/* The field at every grid point is eq. 30-31 of the isolated node plus the held input. */
static void test_hopf_field(void **state)
{
  const double     a = 0.4, w = 2 * PETSC_PI * 0.3, u[2] = {0.1, -0.25};
  NMPhasePlane     pp = Compute("-model hopf -hopf_a 0.4 -hopf_f 0.3 -pp_range -1,3,-2,1 -pp_grid 9,7 -pp_input 0.1,-0.25");
  PetscInt         gx, gy;
  const PetscReal *x, *y, *fx, *fy;

  (void)state;
  assert_int_equal(NMPhasePlaneGetField(pp, &gx, &gy, &x, &y, &fx, &fy), 0);
  assert_int_equal(gx, 9);
  assert_int_equal(gy, 7);
  assert_near(x[0], -1, 0);
  assert_near(x[8], 3, 1e-15);
  assert_near(y[6], 1, 1e-15);
  for (PetscInt j = 0; j < gy; j++)
    for (PetscInt i = 0; i < gx; i++) {
      const double g = a - x[i] * x[i] - y[j] * y[j];
      assert_near(fx[j * gx + i], g * x[i] - w * y[j] + u[0], 1e-12);
      assert_near(fy[j * gx + i], g * y[j] + w * x[i] + u[1], 1e-12);
    }
  assert_int_equal(NMPhasePlaneDestroy(&pp), 0);
}

/* The two-population Wong-Wang node (rww2, default parameters): every fixed point found
   is a zero of the field, each class matches its eigenvalues, and the lowest one is the
   model's resting state, which the model finds by bisection along its S_I nullcline. */
static void test_rww2_points_are_zeros(void **state)
{
  NMPhasePlane       pp = Compute("-model rww2 -pp_range 0,1,0,1 -pp_grid 31");
  const NMModelType *m;
  const PetscReal   *theta, *xy, *re, *im;
  const PetscInt    *c;
  PetscInt           n;
  PetscReal          hold[2], rest[2], u[1] = {0}, f[2];
  PetscInt           lowest = 0;

  (void)state;
  assert_int_equal(NMPhasePlaneGetModel(pp, &m, &theta), 0);
  assert_int_equal(NMPhasePlaneGetFixedPoints(pp, &n, &xy, &re, &im, &c), 0);
  assert_true(n >= 1);
  for (PetscInt k = 0; k < n; k++) {
    hold[0] = xy[2 * k];
    hold[1] = xy[2 * k + 1];
    m->rhs(m->ctx, hold, u, 0, theta, f);
    assert_near(f[0], 0, 1e-10);
    assert_near(f[1], 0, 1e-10);
    assert_true(re[2 * k] >= re[2 * k + 1]);
    assert_int_equal(c[k] == NM_FP_STABLE_NODE || c[k] == NM_FP_STABLE_FOCUS, re[2 * k] < 0);
    if (xy[2 * k] < xy[2 * lowest]) lowest = k;
  }
  m->initial_state(m->ctx, theta, rest);
  assert_near(xy[2 * lowest], rest[0], 1e-8);
  assert_near(xy[2 * lowest + 1], rest[1], 1e-8);
  assert_int_equal(NMPhasePlaneDestroy(&pp), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hopf_stable_focus),
    cmocka_unit_test(test_hopf_unstable_focus),
    cmocka_unit_test(test_hopf_field),
    cmocka_unit_test(test_rww2_points_are_zeros),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
