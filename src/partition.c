#include <netmass/partition.h>
#include <netmass/connectome_tensor.h>

const char *const NMPartitionTypes[] = {"contiguous", "work", "NMPartitionType", "NM_PARTITION_", NULL};

PetscErrorCode NMPartitionOptionsRead(MPI_Comm comm, NMPartitionOptions *opt)
{
  PetscFunctionBeginUser;
  opt->type      = NM_PARTITION_CONTIGUOUS;
  opt->node_cost = 100;
  PetscOptionsBegin(comm, NULL, "Partition of the nodes over the ranks (results do not depend on it)", "netmass");
  PetscCall(PetscOptionsEnum("-partition", "contiguous: equal node counts; work: contiguous blocks of equal (edge, bin) entries plus node cost", NULL, NMPartitionTypes, (PetscEnum)opt->type, (PetscEnum *)&opt->type, NULL));
  PetscCall(PetscOptionsReal("-partition_node_cost", "Work of one node update in (edge, bin) entries, for -partition work", NULL, opt->node_cost, &opt->node_cost, NULL));
  PetscOptionsEnd();
  PetscCheck(opt->node_cost >= 0 && PetscIsNormalReal(opt->node_cost + 1), comm, PETSC_ERR_ARG_OUTOFRANGE, "-partition_node_cost %g must be a finite number >= 0 (entries per node update)", (double)opt->node_cost);
  PetscFunctionReturn(0);
}

/* Equal node counts. */
static PetscErrorCode NMPartitionContiguous(MPI_Comm comm, PetscInt n, PetscInt *rstart, PetscInt *rend)
{
  PetscLayout layout;

  PetscFunctionBegin;
  PetscCall(PetscLayoutCreate(comm, &layout));
  PetscCall(PetscLayoutSetSize(layout, n));
  PetscCall(PetscLayoutSetUp(layout));
  PetscCall(PetscLayoutGetRange(layout, rstart, rend));
  PetscCall(PetscLayoutDestroy(&layout));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPartitionReceivers(MPI_Comm comm, NMConnectome conn, const NMDelayModel *dm, PetscReal dt, const NMPartitionOptions *opt, PetscInt *rstart, PetscInt *rend)
{
  PetscInt     n, a, b;
  PetscMPIInt  size, rank, *counts, *displs;
  PetscInt64  *entries;
  PetscReal    total = 0, done = 0;

  PetscFunctionBeginUser;
  PetscCall(NMConnectomeGetSize(conn, &n));
  PetscCall(NMPartitionContiguous(comm, n, &a, &b));
  if (opt->type == NM_PARTITION_CONTIGUOUS) {
    *rstart = a;
    *rend   = b;
    PetscFunctionReturn(0);
  }
  /* entries per receiver: each rank counts those of an equal share of nodes */
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMalloc3(n + 1, &entries, size, &counts, size, &displs));
  PetscCall(NMTensorCountEntries(conn, dm, dt, a, b, entries + a, NULL));
  {
    PetscMPIInt mine = (PetscMPIInt)(b - a), start = (PetscMPIInt)a;
    PetscCallMPI(MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, comm));
    PetscCallMPI(MPI_Allgather(&start, 1, MPI_INT, displs, 1, MPI_INT, comm));
  }
  PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, entries, counts, displs, MPIU_INT64, comm));
  for (PetscInt r = 0; r < n; r++) total += (PetscReal)entries[r] + opt->node_cost;
  if (total <= 0) { /* no edges and no node cost: nothing to balance */
    *rstart = a;
    *rend   = b;
    PetscCall(PetscFree3(entries, counts, displs));
    PetscFunctionReturn(0);
  }
  /* rank q takes the nodes whose work starts in [q, q + 1) x total / size: contiguous,
     the same on every rank (the same sums in the same order) */
  *rstart = *rend = n;
  for (PetscInt r = 0; r < n; r++) {
    const PetscInt64 owner = (PetscInt64)PetscFloorReal(done * size / total);
    if (owner >= rank && *rstart == n) *rstart = r;
    if (owner >= rank + 1) {
      *rend = r;
      break;
    }
    done += (PetscReal)entries[r] + opt->node_cost;
  }
  if (*rstart > *rend) *rstart = *rend;
  PetscCall(PetscFree3(entries, counts, displs));
  PetscFunctionReturn(0);
}
