/* Training items (include/netmass/infer_items.h): the network input u = W y, the
   train/test split, the per-epoch permutation, the rank partition and minibatches. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <netmass/infer_items.h>
#include <netmass/sys.h>

/* 2 subjects x 3 regions x 4 samples; u_i(t) = sum_j w_ij y_j(t) by hand for subject 1,
   region 0: w = (0, 2, 0.5), y_1 = (1, 2, 3, 4), y_2 = (-2, 0, 2, 4) -> (1, 4, 7, 10). */
static void test_items_network_input(void **state)
{
  NMCohort     cohort;
  NMInferItems it;
  PetscReal   *w, *l, *bold;

  (void)state;
  assert_int_equal(NMCohortCreate(PETSC_COMM_SELF, 2, 3, 4, &cohort), 0);
  assert_int_equal(NMCohortGetArrays(cohort, &w, &l, &bold), 0);
  for (int k = 0; k < 2 * 3 * 3; k++) w[k] = 0;
  for (int k = 0; k < 2 * 3 * 4; k++) bold[k] = 0.1 * k;
  w[9 + 1] = 2, w[9 + 2] = 0.5; /* subject 1, receiver 0 */
  for (int t = 0; t < 4; t++) bold[12 + 4 + t] = t + 1, bold[12 + 8 + t] = -2 + 2 * t;
  assert_int_equal(NMInferItemsCreate(cohort, "test", 2, &it), 0);
  assert_int_equal(it.nitems, 6);
  assert_int_equal(it.nt, 4);
  for (int t = 0; t < 4; t++) {
    assert_near(it.u[3 * 4 + t], 1 + 3 * t, 1e-15);
    assert_near(it.y[3 * 4 + t], bold[12 + t], 0);
    assert_near(it.u[0 * 4 + t], 0, 0); /* no edges into subject 0 */
  }
  for (int i = 0; i < 6; i++) {
    assert_int_equal(it.subject[i], i / 3);
    assert_int_equal(it.item[i], i);
  }
  assert_int_equal(NMInferItemsDestroy(&it), 0);
  /* too few samples for the encoders */
  assert_int_equal(PetscPushErrorHandler(PetscReturnErrorHandler, NULL), 0);
  assert_int_not_equal(NMInferItemsCreate(cohort, "test", 5, &it), 0);
  assert_int_equal(PetscPopErrorHandler(), 0);
  assert_int_equal(NMCohortDestroy(&cohort), 0);
}

/* A cohort of connectomes only has no items. */
static void test_items_no_series(void **state)
{
  NMCohort     cohort;
  NMInferItems it;

  (void)state;
  assert_int_equal(NMCohortCreate(PETSC_COMM_SELF, 2, 3, 0, &cohort), 0);
  assert_int_equal(PetscPushErrorHandler(PetscReturnErrorHandler, NULL), 0);
  assert_int_not_equal(NMInferItemsCreate(cohort, "test", 2, &it), 0);
  assert_int_equal(PetscPopErrorHandler(), 0);
  assert_int_equal(NMCohortDestroy(&cohort), 0);
}

/* 80/20 of Sip et al.'s 8 x 68 items: 109 test items (round(108.8)), 435 training;
   the same for the same seed, another set for another seed. */
static void test_items_split(void **state)
{
  PetscInt a[544], b[544], c[544], na, nb, nc, count = 0, differ = 0;

  (void)state;
  assert_int_equal(NMInferItemsSplit(544, 0.2, 7, &na, a), 0);
  assert_int_equal(NMInferItemsSplit(544, 0.2, 7, &nb, b), 0);
  assert_int_equal(NMInferItemsSplit(544, 0.2, 8, &nc, c), 0);
  assert_int_equal(na, 109);
  for (int i = 0; i < 544; i++) {
    assert_true(a[i] == 0 || a[i] == 1);
    count += a[i];
    assert_int_equal(a[i], b[i]);
    differ += a[i] != c[i];
  }
  assert_int_equal(count, 109);
  assert_true(differ > 50);
  assert_int_equal(NMInferItemsSplit(10, 0, 7, &na, a), 0);
  assert_int_equal(na, 0);
}

/* Each shuffle is a permutation; epochs differ; the same keys give the same order. */
static void test_permutation(void **state)
{
  PetscInt p[100], q[100], seen[100] = {0}, same = 0;

  (void)state;
  assert_int_equal(NMInferPermutation(100, 3, 0, 1, p), 0);
  assert_int_equal(NMInferPermutation(100, 3, 1, 1, q), 0);
  for (int i = 0; i < 100; i++) {
    assert_true(p[i] >= 0 && p[i] < 100);
    seen[p[i]]++;
    same += p[i] == q[i];
  }
  for (int i = 0; i < 100; i++) assert_int_equal(seen[i], 1);
  assert_true(same < 10);
  assert_int_equal(NMInferPermutation(100, 3, 1, 1, p), 0);
  for (int i = 0; i < 100; i++) assert_int_equal(p[i], q[i]);
}

/* Contiguous shares cover 0..n-1 exactly once, sizes differ by at most one. */
static void test_partition(void **state)
{
  (void)state;
  for (PetscInt n = 0; n <= 70; n++)
    for (PetscMPIInt size = 1; size <= 7; size++) {
      PetscInt next = 0, lo = n, hi = 0;
      for (PetscMPIInt r = 0; r < size; r++) {
        PetscInt s, e;
        NMInferPartition(n, size, r, &s, &e);
        assert_int_equal(s, next);
        assert_true(e >= s);
        next = e;
        lo = PetscMin(lo, e - s), hi = PetscMax(hi, e - s);
      }
      assert_int_equal(next, n);
      assert_true(hi - lo <= 1);
    }
}

static void test_gather(void **state)
{
  NMInferItems       it;
  NMInferBatchBuffer buf;
  NMInferBatch       b;
  NMCohort           cohort;
  PetscReal         *w, *bold;
  const PetscInt     idx[2] = {4, 1};

  (void)state;
  assert_int_equal(NMCohortCreate(PETSC_COMM_SELF, 2, 3, 5, &cohort), 0);
  assert_int_equal(NMCohortGetArrays(cohort, &w, NULL, &bold), 0);
  for (int k = 0; k < 18; k++) w[k] = k % 4;
  for (int k = 0; k < 30; k++) bold[k] = sin(k);
  assert_int_equal(NMInferItemsCreate(cohort, "test", 2, &it), 0);
  assert_int_equal(NMInferBatchBufferCreate(2, 5, &buf), 0);
  assert_int_equal(NMInferItemsGather(&it, 2, idx, &buf, &b), 0);
  assert_int_equal(b.nitems, 2);
  for (int k = 0; k < 2; k++) {
    assert_int_equal(b.item[k], idx[k]);
    assert_int_equal(b.subject[k], idx[k] / 3);
    for (int t = 0; t < 5; t++) {
      assert_near(b.y[k * 5 + t], bold[idx[k] * 5 + t], 0);
      assert_near(b.u[k * 5 + t], it.u[idx[k] * 5 + t], 0);
    }
  }
  assert_int_equal(NMInferBatchBufferDestroy(&buf), 0);
  assert_int_equal(NMInferItemsDestroy(&it), 0);
  assert_int_equal(NMCohortDestroy(&cohort), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_items_network_input), cmocka_unit_test(test_items_no_series), cmocka_unit_test(test_items_split),
    cmocka_unit_test(test_permutation),         cmocka_unit_test(test_partition),       cmocka_unit_test(test_gather),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
