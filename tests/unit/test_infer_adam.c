/* Adam as Keras applies it (include/netmass/adam.h): known steps, elementwise clipping,
   convergence on a quadratic, and the state a checkpoint carries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <netmass/adam.h>
#include <netmass/sys.h>

/* Three steps, lr 0.1, from (1, -2). Step 1 by hand: m = 0.1 g, v = 0.001 g^2 and
   lr_t = 0.1 sqrt(0.001) / 0.1, so theta -= 0.1 g / (|g| + 1e-7 / sqrt(0.001)):
   1 - 0.05 / (0.5 + 3.16227766e-6) = 0.90000063245153. Steps 2 and 3 from the same
   recurrences evaluated independently (numpy). The second gradient's 2000 is clipped to 1000. */
static void test_adam_known_steps(void **state)
{
  NMAdam       adam;
  double       theta[2] = {1, -2};
  double       g[3][2]  = {{0.5, -3}, {-0.1, 2000}, {0.2, 0}};
  const double want[3][2] = {{0.9000006324515321, -1.9000001054091442}, {0.8488983418086269, -1.974212536967563}, {0.7887826944230132, -2.031578961652895}};
  PetscInt64  *steps;

  (void)state;
  assert_int_equal(NMAdamCreate(2, &adam), 0);
  assert_int_equal(NMAdamSetParameters(adam, 0.1, 0.9, 0.999, 1e-7, 1000), 0);
  for (int t = 0; t < 3; t++) {
    assert_int_equal(NMAdamStep(adam, theta, g[t]), 0);
    assert_near(theta[0], want[t][0], 1e-14);
    assert_near(theta[1], want[t][1], 1e-14);
  }
  assert_near(g[1][1], 1000, 0); /* clipped in place */
  assert_int_equal(NMAdamGetState(adam, &steps, NULL, NULL), 0);
  assert_int_equal(*steps, 3);
  assert_int_equal(NMAdamDestroy(&adam), 0);
  assert_null(adam);
}

/* Clipping is elementwise: a huge component does not shrink the others' steps
   (clipping by norm would). */
static void test_adam_clip_elementwise(void **state)
{
  NMAdam a, b;
  double ta[2] = {0, 0}, tb[2] = {0, 0}, ga[2] = {1e9, 0.5}, gb[2] = {1000, 0.5};

  (void)state;
  assert_int_equal(NMAdamCreate(2, &a), 0);
  assert_int_equal(NMAdamCreate(2, &b), 0);
  assert_int_equal(NMAdamStep(a, ta, ga), 0);
  assert_int_equal(NMAdamStep(b, tb, gb), 0);
  assert_near(ga[0], 1000, 0);
  assert_near(ta[0], tb[0], 0);
  assert_near(ta[1], tb[1], 0);
  assert_near(ta[1], -1e-3 * 0.5 / (0.5 + 1e-7 / sqrt(0.001)), 1e-18);
  assert_int_equal(NMAdamDestroy(&a), 0);
  assert_int_equal(NMAdamDestroy(&b), 0);
}

/* Minimises sum_i (i + 1) (theta_i - c_i)^2 from 0. */
static void test_adam_quadratic(void **state)
{
  NMAdam       adam;
  const double c[3] = {1, -0.5, 2};
  double       theta[3] = {0, 0, 0}, g[3];

  (void)state;
  assert_int_equal(NMAdamCreate(3, &adam), 0);
  assert_int_equal(NMAdamSetParameters(adam, 0.05, 0.9, 0.999, 1e-7, 1000), 0);
  for (int t = 0; t < 3000; t++) {
    for (int i = 0; i < 3; i++) g[i] = 2 * (i + 1) * (theta[i] - c[i]);
    assert_int_equal(NMAdamStep(adam, theta, g), 0);
  }
  for (int i = 0; i < 3; i++) assert_near(theta[i], c[i], 1e-3);
  assert_int_equal(NMAdamDestroy(&adam), 0);
}

/* Restoring the saved state (steps and moments) continues exactly. */
static void test_adam_state_restore(void **state)
{
  NMAdam      a, b;
  double      ta[2] = {0.3, -0.7}, tb[2], g[2], *ma, *va, *mb, *vb;
  PetscInt64 *sa, *sb;

  (void)state;
  assert_int_equal(NMAdamCreate(2, &a), 0);
  assert_int_equal(NMAdamCreate(2, &b), 0);
  for (int t = 0; t < 5; t++) {
    g[0] = sin(t), g[1] = cos(3 * t);
    assert_int_equal(NMAdamStep(a, ta, g), 0);
  }
  assert_int_equal(NMAdamGetState(a, &sa, &ma, &va), 0);
  assert_int_equal(NMAdamGetState(b, &sb, &mb, &vb), 0);
  *sb = *sa;
  for (int i = 0; i < 2; i++) mb[i] = ma[i], vb[i] = va[i], tb[i] = ta[i];
  for (int t = 5; t < 9; t++) {
    double h[2];
    g[0] = h[0] = sin(t), g[1] = h[1] = cos(3 * t);
    assert_int_equal(NMAdamStep(a, ta, g), 0);
    assert_int_equal(NMAdamStep(b, tb, h), 0);
  }
  assert_true(ta[0] == tb[0] && ta[1] == tb[1]);
  assert_int_equal(NMAdamDestroy(&a), 0);
  assert_int_equal(NMAdamDestroy(&b), 0);
}

static void test_adam_bad_lr(void **state)
{
  NMAdam adam;

  (void)state;
  assert_int_equal(NMAdamCreate(1, &adam), 0);
  assert_int_equal(PetscPushErrorHandler(PetscReturnErrorHandler, NULL), 0);
  assert_int_not_equal(NMAdamSetParameters(adam, 0, 0.9, 0.999, 1e-7, 1000), 0);
  assert_int_equal(PetscPopErrorHandler(), 0);
  assert_int_equal(NMAdamDestroy(&adam), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_adam_known_steps), cmocka_unit_test(test_adam_clip_elementwise), cmocka_unit_test(test_adam_quadratic),
    cmocka_unit_test(test_adam_state_restore), cmocka_unit_test(test_adam_bad_lr),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
