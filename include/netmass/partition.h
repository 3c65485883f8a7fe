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

/* A graph partition of the nodes into `nparts` parts (part[i] for every node), through
   PETSc's MatPartitioning (PT-Scotch): balanced work, cutting long-lag edges rather than
   short ones (src/partition_graph.c). Collective; the same answer on every rank. Not yet
   used by the simulator (its partitions are contiguous blocks; docs/simulate.md). */
PETSC_EXTERN PetscErrorCode NMPartitionGraph(MPI_Comm comm, NMConnectome conn, const NMDelayModel *dm, PetscReal dt, PetscReal node_cost, PetscInt nparts, PetscInt part[]);
/* The exchange interval of a partition: the smallest lag over the cut edges. */
PETSC_EXTERN PetscErrorCode NMPartitionCutLag(NMConnectome conn, const NMDelayModel *dm, PetscReal dt, const PetscInt part[], PetscInt *m);
