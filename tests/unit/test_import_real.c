/* Known answers for the importers on the real data beside the repository
   (../shared/data, or $NETMASS_SHARED_DATA): The Virtual Brain's 68- and 998-region
   connectivity zips and the 7-subject HCP cohort. Expected values were read from the
   source files with independent tools (Python's zipfile/bz2 and scipy.io.loadmat), and
   each import is also written to HDF5 and read back, so the check covers the whole path
   from the source file to a netmass file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <netmass/import.h>
#include <netmass/sys.h>
#include "../nm_test.h"

static char data[PETSC_MAX_PATH_LEN / 2];

static void data_path(char path[], size_t len, const char rel[])
{
  snprintf(path, len, "%s/%s", data, rel);
}

/* Import -> save -> load, so the values are checked after the HDF5 round trip. */
static NMConnectome save_and_reload(NMConnectome conn, const char file[])
{
  NMConnectome back = NULL;
  assert_int_equal(NMConnectomeSave(conn, file), 0);
  assert_int_equal(NMConnectomeLoad(PETSC_COMM_WORLD, file, &back), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
  return back;
}

static void test_tvb68(void **state)
{
  char               path[PETSC_MAX_PATH_LEN];
  NMConnectome       conn;
  PetscInt           n;
  PetscReal         *w, *l, *c;
  const char *const *labels;

  (void)state;
  data_path(path, sizeof(path), "tvb/connectivity_68.zip");
  assert_int_equal(NMImportTVBZip(PETSC_COMM_WORLD, path, &conn), 0);
  conn = save_and_reload(conn, "import_tvb68.h5");
  assert_int_equal(NMConnectomeGetSize(conn, &n), 0);
  assert_int_equal(n, 68);
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, &c), 0);
  assert_int_equal(NMConnectomeGetLabels(conn, &labels), 0);
  /* TVB weights[source, target] -> netmass weights[receiver, emitter]. */
  assert_near(w[1 * n + 0], 6.4355607e-03, 1e-15);
  assert_near(l[1 * n + 0], 1.4798725e+01, 1e-12);
  assert_near(w[7 * n + 5], 2.5566120e-02, 1e-15);
  assert_near(l[7 * n + 5], 6.2075175e+01, 1e-12);
  assert_near(w[3 * n + 40], 1.9380313e-03, 1e-15);
  assert_near(l[3 * n + 40], 9.1320417e+01, 1e-12);
  assert_true(w[67 * n + 33] == 0);
  assert_near(w[0], 4.9356168e-02, 1e-15); /* the first entry of the file: a self-connection */
  assert_string_equal(labels[0], "r_lateralorbitofrontal");
  assert_string_equal(labels[67], "l_insula");
  assert_near(c[0], 55.964199, 1e-12);
  assert_near(c[3 * 67 + 2], 34.509259, 1e-12);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

static void test_tvb998_directed(void **state)
{
  char               path[PETSC_MAX_PATH_LEN];
  NMConnectome       conn;
  PetscInt           n, nnz = 0;
  PetscReal         *w, *l, *c;
  const char *const *labels;

  (void)state;
  data_path(path, sizeof(path), "tvb/connectivity_998.zip");
  assert_int_equal(NMImportTVBZip(PETSC_COMM_WORLD, path, &conn), 0);
  conn = save_and_reload(conn, "import_tvb998.h5");
  assert_int_equal(NMConnectomeGetSize(conn, &n), 0);
  assert_int_equal(n, 998);
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, &c), 0);
  assert_int_equal(NMConnectomeGetLabels(conn, &labels), 0);
  for (PetscInt k = 0; k < n * n; k++) nnz += w[k] != 0;
  assert_int_equal(nnz, 35730);
  /* This matrix is not symmetric, so the transpose is visible: TVB w[0,1] is 0 -> 1. */
  assert_near(w[1 * n + 0], 6.2306765e-01, 1e-15);
  assert_near(w[0 * n + 1], 6.2305246e-01, 1e-15);
  assert_near(w[2 * n + 0], 7.2724788e-01, 1e-15);
  assert_near(w[996 * n + 997], 7.3546493e-01, 1e-15);
  assert_near(l[1 * n + 0], 1.8218595e+01, 1e-12);
  assert_near(l[501 * n + 500], 1.6566089e+01, 1e-12);
  assert_string_equal(labels[0], "rLOF");
  assert_string_equal(labels[997], "lTT");
  assert_near(c[3 * 997], -36.0, 1e-12);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

static void test_hcp_cohort(void **state)
{
  char               dir[PETSC_MAX_PATH_LEN];
  NMHCPLayout        layout;
  NMCohort           cohort, back;
  PetscInt           s, n, t;
  PetscReal         *w, *l, *bold, tr;
  const char *const *ids;

  (void)state;
  data_path(dir, sizeof(dir), "hcp7");
  assert_int_equal(NMHCPLayoutDefault(&layout), 0);
  assert_int_equal(NMImportHCPDir(PETSC_COMM_WORLD, dir, &layout, &cohort), 0);
  assert_int_equal(NMCohortSave(cohort, "import_hcp7.h5"), 0);
  assert_int_equal(NMCohortDestroy(&cohort), 0);
  assert_int_equal(NMCohortLoad(PETSC_COMM_WORLD, "import_hcp7.h5", &back), 0);
  assert_int_equal(NMCohortGetSizes(back, &s, &n, &t), 0);
  assert_int_equal(s, 7);
  assert_int_equal(n, 94);
  assert_int_equal(t, 1200);
  assert_int_equal(NMCohortGetTR(back, &tr), 0);
  assert_near(tr, 0.72, 0);
  assert_int_equal(NMCohortGetSubjectIds(back, &ids), 0);
  assert_string_equal(ids[0], "101309");
  assert_string_equal(ids[6], "377451");
  assert_int_equal(NMCohortGetArrays(back, &w, &l, &bold), 0);
  /* Subject 0 (101309): MATLAB is column-major, netmass row-major. */
  assert_near(bold[0 * t + 0], 9361.3224140000002, 0);
  assert_near(bold[3 * t + 17], 11319.813910000001, 0);
  assert_near(bold[93 * t + 1199], 6475.3867639999999, 0);
  assert_near(w[10 * n + 20], 6369, 0);
  assert_near(w[93 * n + 92], 91424.5, 0);
  assert_near(l[5 * n + 60], 138.36186565, 0);
  /* Subject 6 (377451), last in sorted order. */
  assert_near(bold[(6 * n + 50) * t + 600], 10994.55769, 0);
  assert_near(w[(6 * n + 0) * n + 1], 217924, 0);
  assert_near(l[(6 * n + 10) * n + 20], 48.433895680200003, 0);
  assert_int_equal(NMCohortDestroy(&back), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tvb68),
    cmocka_unit_test(test_tvb998_directed),
    cmocka_unit_test(test_hcp_cohort),
  };
  const char *env = getenv("NETMASS_SHARED_DATA");
  int         failed;

  snprintf(data, sizeof(data), "%s", env ? env : "../shared/data");
  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
