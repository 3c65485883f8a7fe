/* The graph partition (NMPartitionGraph, PETSc MatPartitioning with PT-Scotch) keeps short
   edges inside the parts: two clusters interleaved in the node order, short tracts inside a
   cluster and long ones between them. Contiguous halves cut short edges (exchange every
   10 steps); the graph partition cuts only long ones (every 500 steps) and is balanced. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <netmass/partition.h>
#include <netmass/sys.h>

static void test_interleaved_clusters(void **state)
{
  const PetscInt n = 16;
  NMConnectome   conn;
  NMDelayModel   dm;
  PetscReal     *W, *L;
  PetscInt       part[16], halves[16], m_graph, m_halves, count[2] = {0, 0};

  (void)state;
  assert_int_equal(NMConnectomeCreate(PETSC_COMM_WORLD, n, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &W, &L, NULL), 0);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      const PetscBool same = (PetscBool)(i % 2 == j % 2);
      W[i * n + j]         = i == j ? 0 : same ? 1 : 0.1;
      L[i * n + j]         = i == j ? 0 : same ? 2 : 100; /* mm: 1 ms and 50 ms at 2 m/s */
    }
  PetscMemzero(&dm, sizeof(dm));
  dm.type     = NM_DELAY_SINGLE;
  dm.velocity = 2;
  dm.max_lag  = 1000;
  for (PetscInt i = 0; i < n; i++) halves[i] = i < n / 2 ? 0 : 1;
  assert_int_equal(NMPartitionCutLag(conn, &dm, 1e-4, halves, &m_halves), 0);
  assert_int_equal(NMPartitionGraph(PETSC_COMM_WORLD, conn, &dm, 1e-4, 100, 2, part), 0);
  assert_int_equal(NMPartitionCutLag(conn, &dm, 1e-4, part, &m_graph), 0);
  for (PetscInt i = 0; i < n; i++) {
    assert_true(part[i] == 0 || part[i] == 1);
    count[part[i]]++;
  }
  print_message("  exchange interval: contiguous halves %" PetscInt_FMT " steps, graph partition %" PetscInt_FMT " steps; parts of %" PetscInt_FMT " and %" PetscInt_FMT " nodes\n", m_halves, m_graph, count[0], count[1]);
  assert_int_equal(m_halves, 10);
  assert_int_equal(m_graph, 500);
  assert_int_equal(count[0], n / 2);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_interleaved_clusters),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
