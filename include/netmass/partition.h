#pragma once
/* How the receivers (regions or whole columns, never split) are divided over the ranks.
   Every partition is a set of contiguous blocks in node order, so each receiver's sum
   runs over its emitters in the same order whatever the rank count, and outputs are
   written as row blocks (results are bitwise identical for every partition).
   - contiguous: equal node counts (PetscLayout);
   - work: equal work, a node's work being its (edge, bin) entries plus
     -partition_node_cost entries for its node update (docs/simulate.md). */
#include <netmass/connectome.h>
#include <netmass/delay_kernel.h>

typedef enum {
  NM_PARTITION_CONTIGUOUS,
  NM_PARTITION_WORK
} NMPartitionType;
PETSC_EXTERN const char *const NMPartitionTypes[];

typedef struct {
  NMPartitionType type;
  PetscReal       node_cost; /* work of one node update, in (edge, bin) entries */
} NMPartitionOptions;
/* -partition and -partition_node_cost. */
PETSC_EXTERN PetscErrorCode NMPartitionOptionsRead(MPI_Comm comm, NMPartitionOptions *opt);
/* This rank's receivers [rstart, rend) of `conn` under the delay model at step dt.
   Collective; the same answer on every rank. */
PETSC_EXTERN PetscErrorCode NMPartitionReceivers(MPI_Comm comm, NMConnectome conn, const NMDelayModel *dm, PetscReal dt, const NMPartitionOptions *opt, PetscInt *rstart, PetscInt *rend);
