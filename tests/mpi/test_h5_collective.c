/* Collective HDF5 I/O at any rank count: each rank writes only its block of rows, the
   file must hold exactly the values a single rank would write, read back (whole or by
   row blocks) on every rank, carry the provenance attributes, and appear atomically. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <netmass/cohort.h>
#include <netmass/generators.h>
#include <netmass/h5file.h>
#include <netmass/sys.h>
#include <dirent.h>
#include <unistd.h>

static PetscMPIInt rank, size;
static char        file_conn[64], file_cohort[64], file_aborted[64];

/* A value no partition can fake: a closed form of (subject, region, sample). */
static PetscReal cohort_value(PetscInt s, PetscInt r, PetscInt t)
{
  return 1000.0 * s + r + 1e-3 * t + 0.5 * PetscSinReal((PetscReal)(s + 3 * r + 7 * t));
}

/* A partial file of one of this program's outputs (other tests write beside them). */
static PetscBool partial_files_left(void)
{
  DIR           *d = opendir(".");
  struct dirent *e;
  PetscBool      found = PETSC_FALSE;
  while (d && (e = readdir(d)))
    if (strstr(e->d_name, ".partial-") && (!strncmp(e->d_name, file_conn, strlen(file_conn)) || !strncmp(e->d_name, file_cohort, strlen(file_cohort)) || !strncmp(e->d_name, file_aborted, strlen(file_aborted)))) found = PETSC_TRUE;
  if (d) closedir(d);
  return found;
}

static void test_connectome_roundtrip(void **state)
{
  NMRingParams p = {50, 8, 8.0, 0.1, 0.5, 300.0};
  NMConnectome conn, back;
  PetscReal   *w, *l, *c, *wb, *lb, *cb, ranks, seed;
  PetscBool    found;
  NMFile       f;
  char         format[64];

  (void)state;
  assert_int_equal(NMGenerateRing(PETSC_COMM_WORLD, &p, 7, &conn), 0);
  assert_int_equal(NMConnectomeSave(conn, file_conn), 0);
  assert_int_equal(NMConnectomeLoad(PETSC_COMM_WORLD, file_conn, &back), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, &c), 0);
  assert_int_equal(NMConnectomeGetArrays(back, &wb, &lb, &cb), 0);
  assert_memory_equal(w, wb, sizeof(PetscReal) * 50 * 50);
  assert_memory_equal(l, lb, sizeof(PetscReal) * 50 * 50);
  assert_memory_equal(c, cb, sizeof(PetscReal) * 50 * 3);
  /* Provenance: rank count and seed as run, format name. */
  assert_int_equal(NMFileOpen(PETSC_COMM_WORLD, file_conn, NM_FORMAT_CONNECTOME, &f), 0);
  assert_int_equal(NMFileGetAttributeReal(f, "/", "mpi_ranks", &ranks, &found), 0);
  assert_true(found);
  assert_int_equal((int)ranks, size);
  assert_int_equal(NMFileGetAttributeReal(f, "/", "seed", &seed, &found), 0);
  assert_true(found && seed == 1);
  assert_int_equal(NMFileGetAttributeString(f, "/", "format", format, sizeof(format), &found), 0);
  assert_string_equal(format, NM_FORMAT_CONNECTOME);
  assert_int_equal(NMFileDestroy(&f), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
  assert_int_equal(NMConnectomeDestroy(&back), 0);
  assert_false(partial_files_left());
}

static void test_cohort_rows(void **state)
{
  const PetscInt S = 5, N = 7, T = 11; /* 5 subjects over 1, 2 or 3 ranks: uneven blocks */
  NMCohort       cohort, back;
  PetscReal     *bold, *w, *rows;
  PetscInt       s0, s1;
  NMFile         f;

  (void)state;
  assert_int_equal(NMCohortCreate(PETSC_COMM_WORLD, S, N, T, &cohort), 0);
  assert_int_equal(NMCohortSetTR(cohort, 0.72), 0);
  assert_int_equal(NMCohortGetArrays(cohort, &w, NULL, &bold), 0);
  for (PetscInt s = 0; s < S; s++)
    for (PetscInt r = 0; r < N; r++) {
      for (PetscInt t = 0; t < T; t++) bold[(s * N + r) * T + t] = cohort_value(s, r, t);
      for (PetscInt e = 0; e < N; e++) w[(s * N + r) * N + e] = (r == e) ? 0 : cohort_value(s, r, e) * 1e-3 + 1;
    }
  assert_int_equal(NMCohortSave(cohort, file_cohort), 0);
  assert_int_equal(NMCohortDestroy(&cohort), 0);

  /* Whole-file read on every rank. */
  assert_int_equal(NMCohortLoad(PETSC_COMM_WORLD, file_cohort, &back), 0);
  assert_int_equal(NMCohortGetArrays(back, NULL, NULL, &bold), 0);
  for (PetscInt s = 0; s < S; s++)
    for (PetscInt r = 0; r < N; r++)
      for (PetscInt t = 0; t < T; t++) assert_true(bold[(s * N + r) * T + t] == cohort_value(s, r, t));
  assert_int_equal(NMCohortDestroy(&back), 0);

  /* Block read: each rank its own subjects, in reverse rank order to break any
     accidental alignment with the writer's partition. */
  s0 = (S * (size - 1 - rank)) / size;
  s1 = (S * (size - rank)) / size;
  assert_int_equal(PetscMalloc1((s1 - s0) * N * T + 1, &rows), 0);
  assert_int_equal(NMFileOpen(PETSC_COMM_WORLD, file_cohort, NM_FORMAT_COHORT, &f), 0);
  assert_int_equal(NMFileReadReal(f, "bold", s0, s1, rows), 0);
  for (PetscInt s = s0; s < s1; s++)
    for (PetscInt r = 0; r < N; r++)
      for (PetscInt t = 0; t < T; t++) assert_true(rows[((s - s0) * N + r) * T + t] == cohort_value(s, r, t));
  assert_int_equal(NMFileDestroy(&f), 0);
  assert_int_equal(PetscFree(rows), 0);
}

/* A file that is never committed leaves nothing behind, under either name. */
static void test_uncommitted_is_removed(void **state)
{
  NMFile         f;
  const PetscInt dims[1] = {4};
  const char    *names[] = {"x"};
  PetscReal      v[4] = {1, 2, 3, 4};

  (void)state;
  assert_int_equal(NMFileCreate(PETSC_COMM_WORLD, file_aborted, "netmass-test", &f), 0);
  assert_true(partial_files_left());
  assert_int_equal(NMFileWriteReal(f, "x", 1, dims, names, NULL, rank ? 4 : 0, 4, v), 0);
  assert_int_equal(NMFileDestroy(&f), 0);
  assert_int_equal(MPI_Barrier(PETSC_COMM_WORLD), 0);
  assert_true(access(file_aborted, F_OK) != 0);
  assert_false(partial_files_left());
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_connectome_roundtrip),
    cmocka_unit_test(test_cohort_rows),
    cmocka_unit_test(test_uncommitted_is_removed),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  snprintf(file_conn, sizeof(file_conn), "collective_conn_np%d.h5", size);
  snprintf(file_cohort, sizeof(file_cohort), "collective_cohort_np%d.h5", size);
  snprintf(file_aborted, sizeof(file_aborted), "collective_aborted_np%d.h5", size);
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
