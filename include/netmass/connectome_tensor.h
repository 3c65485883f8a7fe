#pragma once
/* NMTensor: the sparse connectome tensor K[e,r,tau] = K0[r,e] D[e,r,tau] of the receivers
   a rank owns (Gonzalez-Mitjans et al. eq. 5-7), and the history it is contracted with.

   Storage grows with the nonzero (edge, bin) entries, never with N^2 x bins:
   - edges of each owned receiver in CSR order, sorted by emitter (a fixed summation
     order, so sums do not depend on the partition);
   - a delay kernel is a contiguous run of lags [first, first + nbins) per edge; kernels
     depend only on the tract length, so edges of equal length share one kernel and each
     edge keeps a scalar weight K0 and an offset into the shared kernels;
   - the history of each emitter the rank reads (owned and ghost nodes) is a ring buffer
     of the coupling outputs c(x), stored twice over (positions p and p + B) so every
     kernel window is one contiguous run: the contraction is a dot product per edge.
   Ghost emitters (owned by other ranks) are refreshed by NMTensorExchange() every
   `interval` steps, the smallest lag over edges cut by the partition: between
   exchanges every value a receiver needs is already local. */
#include <petscsf.h>
#include <netmass/connectome.h>
#include <netmass/delay_kernel.h>
#include <netmass/dot.h>

typedef struct _n_NMTensor *NMTensor;

/* Order in which the contraction computes the per-edge dot products (option
   -contract_order). Every order gives the same bits: each edge's dot is computed alone
   and each receiver adds its edges' terms in ascending emitter order.
   - receiver: CSR order, receiver by receiver;
   - emitter: emitter by emitter (each emitter's history window is read from memory once
     and reused from the caches by all its out-edges), the dots stored per edge, then
     summed per receiver;
   - auto: emitter when the kernels have several bins, receiver otherwise. */
typedef enum {
  NM_CONTRACT_AUTO,
  NM_CONTRACT_RECEIVER,
  NM_CONTRACT_EMITTER
} NMContractOrder;
PETSC_EXTERN const char *const NMContractOrders[];

/* How the contraction runs (results do not depend on it): -contract_order,
   -contract_simd (the AVX2 copy of the dot product when the CPU has it) and
   -contract_block (inputs of up to this many steps per pass over the tensor, see
   NMTensorContractBlock; 0: automatic, 1: one step per pass). */
typedef struct {
  NMContractOrder order;
  PetscBool       simd;
  PetscInt        block;
} NMContractOptions;
PETSC_EXTERN PetscErrorCode NMContractOptionsRead(MPI_Comm comm, NMContractOptions *opt);

/* Build for receivers [rstart, rend) of `conn`, with channels `nc` coupling variables;
   `opt` NULL: the defaults (auto order, SIMD when available). */
PETSC_EXTERN PetscErrorCode NMTensorCreate(MPI_Comm comm, NMConnectome conn, const NMDelayModel *dm, PetscReal dt, PetscInt rstart, PetscInt rend, PetscInt nc, const NMContractOptions *opt, NMTensor *tensor);
PETSC_EXTERN PetscErrorCode NMTensorDestroy(NMTensor *tensor);
PETSC_EXTERN PetscErrorCode NMTensorView(NMTensor tensor, PetscViewer viewer);

/* (edge, bin) entries of receivers [rstart, rend) (entries[i] for receiver rstart + i),
   without building the tensor (for partitioning by work), and, if `first` is not NULL,
   each edge's smallest lag in steps (first[i n + e], -1 where there is no edge).
   Not collective. */
PETSC_EXTERN PetscErrorCode NMTensorCountEntries(NMConnectome conn, const NMDelayModel *dm, PetscReal dt, PetscInt rstart, PetscInt rend, PetscInt64 entries[], PetscInt first[]);

/* Facts about the tensor, global over ranks. */
typedef struct {
  PetscInt64 edges, entries;     /* nonzero edges and (edge, bin) entries */
  PetscInt64 kernels;            /* distinct kernels stored (summed over ranks) */
  PetscInt   max_lag, min_lag;   /* over all edges */
  PetscInt   interval;           /* exchange interval: smallest lag over cut edges */
  PetscReal  substep, truncated; /* largest sub-step and truncated mass over edges */
  PetscInt64 ghosts;             /* ghost emitters, summed over ranks */
  PetscInt64 bytes;              /* memory of the tensor and histories, summed over ranks */
  PetscInt   edge_bytes;         /* per-edge record a pass of the contraction reads (bytes per edge; dots not included) */
  PetscBool  single;             /* every kernel is one bin of weight 1: no kernel values read */
  PetscInt   block;              /* most steps per NMTensorContractBlock call (this rank's) */
  NMContractOrder order;         /* the order used (rank 0's) */
} NMTensorInfo;
PETSC_EXTERN PetscErrorCode NMTensorGetInfo(NMTensor tensor, NMTensorInfo *info);
/* G * sum_e K0[r,e] for owned receiver r (diffusive coupling). */
PETSC_EXTERN PetscErrorCode NMTensorGetRowSums(NMTensor tensor, const PetscReal **rowsum);

/* Fill the whole history (all times <= 0) of every owned and ghost emitter from
   c0[g*nc + k] given for ALL N nodes (identical on every rank). */
PETSC_EXTERN PetscErrorCode NMTensorInitHistory(NMTensor tensor, const PetscReal c0[]);
/* Record the coupling outputs of the owned nodes at step `step` (c[i*nc + k], local i). */
PETSC_EXTERN PetscErrorCode NMTensorPush(NMTensor tensor, PetscInt64 step, const PetscReal c[]);
/* Send the last `interval` samples (steps step-interval+1 .. step) of owned nodes to the
   ranks that read them. Collective. */
PETSC_EXTERN PetscErrorCode NMTensorExchange(NMTensor tensor, PetscInt64 step);
/* u[i*nc + k] = G * sum_edges sum_bins K c_k(emitter, step - lag) for owned receivers. */
PETSC_EXTERN PetscErrorCode NMTensorContract(NMTensor tensor, PetscInt64 step, PetscReal G, PetscReal u[]);
/* The inputs of up to `want` consecutive steps step, step + 1, ... in one pass over the
   tensor, once the samples of steps up to step - 1 are pushed (and exchanged, when
   step - 1 is a multiple of the interval): u[j*nlocal*nc + i*nc + k] is the input of
   step + j, bitwise what NMTensorContract(step + j) gives. Every entry has a lag >= the
   rank's smallest lag L, so these steps read only samples already stored; ghosts are
   current only up to the next exchange step. `*m` = min(want, the tensor's block size
   (info.block), L, and with ghosts the steps left before the next exchange) >= 1
   rows are filled. Not collective. */
PETSC_EXTERN PetscErrorCode NMTensorContractBlock(NMTensor tensor, PetscInt64 step, PetscInt want, PetscReal G, PetscReal u[], PetscInt *m);

/* Checkpoints: the history in a form that does not depend on the partition, the last
   max_lag + 1 samples (steps step - max_lag .. step) of each node and channel in time
   order, `rowlen` = nc (max_lag + 1) values per node. Save fills the owned nodes' rows;
   restore fills every slot, owned and ghost, from the rows of all N nodes. A ghost
   restored from its owner may hold samples newer than the last exchange; they are never
   read before the next exchange overwrites them. */
PETSC_EXTERN PetscErrorCode NMTensorGetHistoryRowLength(NMTensor tensor, PetscInt *rowlen);
PETSC_EXTERN PetscErrorCode NMTensorSaveHistory(NMTensor tensor, PetscInt64 step, PetscReal rows[]);
PETSC_EXTERN PetscErrorCode NMTensorRestoreHistory(NMTensor tensor, PetscInt64 step, const PetscReal all[]);
