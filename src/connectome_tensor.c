#include <netmass/connectome_tensor.h>
#include <netmass/sys.h>

/* -contract_order auto: emitter-major once the kernels have this many bins per edge on
   average (measured: docs/performance.md). */
#define NM_CONTRACT_EMITTER_BINS 8
/* -contract_block 0: at most this many steps per pass (further capped by the smallest
   lag and the exchange interval; measured: docs/performance.md). */
#define NM_CONTRACT_BLOCK_AUTO 32

const char *const NMContractOrders[] = {"auto", "receiver", "emitter", "NMContractOrder", "NM_CONTRACT_", NULL};

struct _n_NMTensor {
  MPI_Comm   comm;
  PetscInt   n, rstart, rend, nlocal, nc;
  /* edges of owned receivers, CSR, emitters ascending within a row */
  PetscInt   nedge;
  PetscInt  *row;      /* nlocal + 1 */
  PetscReal *weight;   /* K0[r,e], CSR order */
  PetscReal *kw;       /* shared kernels, each stored reversed (oldest sample first) */
  PetscInt   nkw;
  PetscReal *rowsum;   /* sum_e K0[r,e] */
  /* the edges in the order the dots are computed (CSR, or emitter-major: see
     NMTensorSetOrder), one compact record each */
  NMContractOrder order;
  PetscBool  single;   /* every kernel is one bin of weight 1 (D1, D2): no kernel reads, no dots */
  PetscInt64 *hoff;    /* window start in hist at ring position 0 (see NMTensorContract) */
  PetscInt  *nbins;
  PetscInt  *kernel;   /* offset into kw */
  PetscInt  *dpos;     /* CSR index of the edge (emitter-major order only) */
  PetscReal *d;        /* per edge, channel and step of a block: kernel . window, in CSR order */
  PetscInt   block;    /* most steps per NMTensorContractBlock pass */
  NMDotFn    dot;
  /* ghosts */
  PetscInt   nghost;
  PetscInt  *ghost;    /* global indices, sorted */
  PetscSF    sf;       /* roots: owned nodes; leaves: ghost slots */
  MPI_Datatype unit;   /* nc * interval reals */
  PetscReal *sendbuf, *recvbuf;
  /* history ring buffers, [slot][channel][2B] */
  PetscInt   B;
  PetscReal *hist;
  /* facts */
  PetscInt   max_lag, min_lag, interval;
  PetscInt   lag_local; /* smallest lag over this rank's edges (PETSC_MAX_INT: none) */
  PetscReal  substep, truncated;
  PetscLogDouble flops; /* of one contraction: two per (edge, bin) entry and channel */
};

/* Kernels depend only on the tract length: cache one discretisation per distinct length. */
typedef struct {
  PetscReal length;
  PetscInt  first, nbins, off;
} NMKernelEntry;

static int NMCompareLength(const void *a, const void *b)
{
  PetscReal x = ((const NMKernelEntry *)a)->length, y = ((const NMKernelEntry *)b)->length;
  return (x > y) - (x < y);
}

static PetscInt NMFindKernel(const NMKernelEntry *k, PetscInt nk, PetscReal length)
{
  PetscInt lo = 0, hi = nk - 1;
  while (lo <= hi) {
    PetscInt mid = (lo + hi) / 2;
    if (k[mid].length == length) return mid;
    if (k[mid].length < length) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

static PetscErrorCode NMTensorBuildKernels(NMTensor t, const PetscReal W[], const PetscReal L[], const NMDelayModel *dm, PetscReal dt, NMKernelEntry **kernels, PetscInt *nk)
{
  PetscInt   cap = 0, count = 0, cnt = 0;
  PetscReal *w;

  PetscFunctionBegin;
  /* distinct lengths of the owned receivers' edges */
  for (PetscInt r = t->rstart; r < t->rend; r++)
    for (PetscInt e = 0; e < t->n; e++) cap += W[r * t->n + e] != 0;
  PetscCall(PetscMalloc1(cap + 1, kernels));
  for (PetscInt r = t->rstart; r < t->rend; r++)
    for (PetscInt e = 0; e < t->n; e++)
      if (W[r * t->n + e] != 0) (*kernels)[count++].length = L[r * t->n + e];
  qsort(*kernels, (size_t)count, sizeof(NMKernelEntry), NMCompareLength);
  for (PetscInt i = 0; i < count; i++)
    if (!cnt || (*kernels)[i].length != (*kernels)[cnt - 1].length) (*kernels)[cnt++] = (*kernels)[i];
  *nk = cnt;
  /* discretise each once; kernels stored reversed so the contraction reads history
     forward, appended to one array that grows as needed */
  PetscCall(PetscMalloc1(dm->max_lag + 1, &w));
  t->nkw = 0;
  for (PetscInt i = 0, cap = 0; i < cnt; i++) {
    PetscReal sub, trunc;
    PetscInt  nb;
    PetscCall(NMDelayKernelDiscretize(dm, (*kernels)[i].length, dt, &(*kernels)[i].first, &nb, w, &sub, &trunc));
    (*kernels)[i].nbins = nb;
    t->substep          = PetscMax(t->substep, sub);
    t->truncated        = PetscMax(t->truncated, trunc);
    if (t->nkw + nb > cap) {
      PetscReal *grown;
      cap = PetscMax(2 * cap, t->nkw + nb + 1024);
      PetscCall(PetscMalloc1(cap, &grown));
      if (t->nkw) PetscCall(PetscArraycpy(grown, t->kw, t->nkw));
      PetscCall(PetscFree(t->kw));
      t->kw = grown;
    }
    (*kernels)[i].off = t->nkw;
    for (PetscInt b = 0; b < nb; b++) t->kw[t->nkw + b] = w[nb - 1 - b];
    t->nkw += nb;
  }
  if (!t->kw) PetscCall(PetscMalloc1(1, &t->kw));
  PetscCall(PetscFree(w));
  PetscFunctionReturn(0);
}

/* Sort key of the emitter-major order: the window's start in hist (emitter slot first,
   then the oldest lag), ties in CSR order. */
typedef struct {
  PetscInt64 hoff;
  PetscInt   csr;
} NMEdgeKey;

static int NMCompareEdgeKey(const void *a, const void *b)
{
  const NMEdgeKey *x = (const NMEdgeKey *)a, *y = (const NMEdgeKey *)b;
  if (x->hoff != y->hoff) return (x->hoff > y->hoff) - (x->hoff < y->hoff);
  return (x->csr > y->csr) - (x->csr < y->csr);
}

/* The compact per-edge records in the compute order. `slot` and `first` (CSR order) give
   each edge's window: every sample is stored at ring positions p and p + B, so the window
   of lags first .. first + nb - 1 behind the sample at position p starts at
   p + B - (first + nb - 1), which lies in [1, 2B - nb] for every p in [0, B) because every
   lag is below B: one offset per edge, no wrap-around test, no division. */
static PetscErrorCode NMTensorSetOrder(NMTensor t, const PetscInt slot[], const PetscInt first[], const PetscInt nbins[], const PetscInt kernel[], NMContractOrder order)
{
  const PetscInt ne = t->nedge;
  PetscInt64     entries = 0;
  NMEdgeKey     *key;

  PetscFunctionBegin;
  t->single = PETSC_TRUE;
  for (PetscInt e = 0; e < ne; e++) {
    entries += nbins[e];
    if (nbins[e] != 1 || t->kw[kernel[e]] != 1) t->single = PETSC_FALSE;
  }
  /* every rank takes the same path (the paths give the same bits anyway) */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t->single, 1, MPIU_BOOL, MPI_LAND, t->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &entries, 1, MPIU_INT64, MPI_SUM, t->comm));
  if (order == NM_CONTRACT_AUTO) {
    PetscInt64 edges = ne;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &edges, 1, MPIU_INT64, MPI_SUM, t->comm));
    order = entries >= NM_CONTRACT_EMITTER_BINS * edges ? NM_CONTRACT_EMITTER : NM_CONTRACT_RECEIVER;
  }
  if (t->single) order = NM_CONTRACT_RECEIVER;
  t->order = order;
  PetscCall(PetscMalloc1(ne + 1, &key));
  for (PetscInt e = 0; e < ne; e++) {
    key[e].hoff = (PetscInt64)slot[e] * t->nc * 2 * t->B + t->B - (first[e] + nbins[e] - 1);
    key[e].csr  = e;
  }
  if (order == NM_CONTRACT_EMITTER) qsort(key, (size_t)ne, sizeof(NMEdgeKey), NMCompareEdgeKey);
  PetscCall(PetscMalloc3(ne + 1, &t->hoff, ne + 1, &t->nbins, ne + 1, &t->kernel));
  for (PetscInt j = 0; j < ne; j++) {
    t->hoff[j]   = key[j].hoff;
    t->nbins[j]  = nbins[key[j].csr];
    t->kernel[j] = kernel[key[j].csr];
  }
  if (order == NM_CONTRACT_EMITTER) {
    PetscCall(PetscMalloc1(ne + 1, &t->dpos));
    for (PetscInt j = 0; j < ne; j++) t->dpos[j] = key[j].csr;
  }
  if (!t->single) PetscCall(PetscMalloc1((size_t)ne * t->nc * t->block + 1, &t->d));
  PetscCall(PetscFree(key));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorCountEntries(NMConnectome conn, const NMDelayModel *dm, PetscReal dt, PetscInt rstart, PetscInt rend, PetscInt64 entries[], PetscInt first[])
{
  struct _n_NMTensor t;
  NMKernelEntry     *kernels;
  PetscInt           nk;
  PetscReal         *W, *L;

  PetscFunctionBeginUser;
  /* the kernels exactly as NMTensorCreate discretises them for these receivers */
  PetscCall(PetscMemzero(&t, sizeof(t)));
  PetscCall(NMConnectomeGetSize(conn, &t.n));
  PetscCall(NMConnectomeGetArrays(conn, &W, &L, NULL));
  t.rstart = rstart;
  t.rend   = rend;
  PetscCall(NMTensorBuildKernels(&t, W, L, dm, dt, &kernels, &nk));
  for (PetscInt r = rstart; r < rend; r++) {
    entries[r - rstart] = 0;
    for (PetscInt e = 0; e < t.n; e++) {
      const NMKernelEntry *k = W[r * t.n + e] != 0 ? &kernels[NMFindKernel(kernels, nk, L[r * t.n + e])] : NULL;
      if (k) entries[r - rstart] += k->nbins;
      if (first) first[(r - rstart) * t.n + e] = k ? k->first : -1;
    }
  }
  PetscCall(PetscFree(kernels));
  PetscCall(PetscFree(t.kw));
  PetscFunctionReturn(0);
}

PetscErrorCode NMContractOptionsRead(MPI_Comm comm, NMContractOptions *opt)
{
  PetscFunctionBeginUser;
  opt->order = NM_CONTRACT_AUTO;
  opt->simd  = PETSC_TRUE;
  opt->block = 0;
  PetscOptionsBegin(comm, NULL, "Connectome-tensor contraction (results do not depend on these)", "netmass");
  PetscCall(PetscOptionsEnum("-contract_order", "Order of the per-edge dot products: auto, receiver (CSR), emitter (each history window reused by all out-edges)", NULL, NMContractOrders, (PetscEnum)opt->order, (PetscEnum *)&opt->order, NULL));
  PetscCall(PetscOptionsBool("-contract_simd", "Use the AVX2 copy of the dot product when the CPU has it", NULL, opt->simd, &opt->simd, NULL));
  PetscCall(PetscOptionsInt("-contract_block", "Inputs of up to this many steps per pass over the tensor (0: automatic; 1: one step per pass)", NULL, opt->block, &opt->block, NULL));
  PetscOptionsEnd();
  PetscCheck(opt->block >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-contract_block %" PetscInt_FMT " must be >= 0 (0: automatic, 1: one step per pass)", opt->block);
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorCreate(MPI_Comm comm, NMConnectome conn, const NMDelayModel *dm, PetscReal dt, PetscInt rstart, PetscInt rend, PetscInt nc, const NMContractOptions *opt, NMTensor *tensor)
{
  NMTensor        t;
  PetscReal      *W, *L;
  NMKernelEntry  *kernels;
  PetscInt        nk = 0, nedge = 0, *ghostmark, cutmin = PETSC_MAX_INT, lags[2], *slot, *first, *nbins, *kernel;
  PetscSFNode    *remote;
  const NMContractOptions defaults = {NM_CONTRACT_AUTO, PETSC_TRUE, 0};

  PetscFunctionBeginUser;
  if (!opt) opt = &defaults;
  PetscCall(PetscNew(&t));
  t->comm   = comm;
  t->rstart = rstart;
  t->rend   = rend;
  t->nlocal = rend - rstart;
  t->nc     = nc;
  t->dot    = NMDotSelect(opt->simd);
  PetscCall(NMConnectomeGetSize(conn, &t->n));
  PetscCall(NMConnectomeGetArrays(conn, &W, &L, NULL));
  t->min_lag = PETSC_MAX_INT;
  PetscCall(NMTensorBuildKernels(t, W, L, dm, dt, &kernels, &nk));

  /* ghosts: emitters of owned receivers outside [rstart, rend) */
  PetscCall(PetscCalloc1(t->n, &ghostmark));
  for (PetscInt r = rstart; r < rend; r++)
    for (PetscInt e = 0; e < t->n; e++)
      if (W[r * t->n + e] != 0) {
        nedge++;
        if (e < rstart || e >= rend) ghostmark[e] = 1;
      }
  for (PetscInt e = 0; e < t->n; e++) t->nghost += ghostmark[e];
  PetscCall(PetscMalloc1(t->nghost + 1, &t->ghost));
  for (PetscInt e = 0, g = 0; e < t->n; e++)
    if (ghostmark[e]) {
      t->ghost[g] = e;
      ghostmark[e] = t->nlocal + g++; /* now the slot of ghost e */
    }

  /* edges in CSR, emitters in increasing global order */
  t->nedge = nedge;
  PetscCall(PetscMalloc1(t->nlocal + 1, &t->row));
  PetscCall(PetscMalloc1(nedge + 1, &t->weight));
  PetscCall(PetscMalloc4(nedge + 1, &slot, nedge + 1, &first, nedge + 1, &nbins, nedge + 1, &kernel));
  PetscCall(PetscMalloc1(t->nlocal + 1, &t->rowsum));
  t->row[0] = 0;
  for (PetscInt i = 0, k = 0; i < t->nlocal; i++) {
    PetscInt r = rstart + i;
    t->rowsum[i] = 0;
    for (PetscInt e = 0; e < t->n; e++) {
      PetscReal w = W[r * t->n + e];
      PetscInt  kid;
      if (w == 0) continue;
      kid          = NMFindKernel(kernels, nk, L[r * t->n + e]);
      slot[k]      = (e >= rstart && e < rend) ? e - rstart : ghostmark[e];
      first[k]     = kernels[kid].first;
      nbins[k]     = kernels[kid].nbins;
      kernel[k]    = kernels[kid].off;
      t->weight[k] = w;
      t->rowsum[i] += w;
      t->max_lag = PetscMax(t->max_lag, first[k] + nbins[k] - 1);
      t->min_lag = PetscMin(t->min_lag, first[k]);
      if (slot[k] >= t->nlocal) cutmin = PetscMin(cutmin, first[k]);
      k++;
    }
    t->row[i + 1] = k;
  }
  PetscCall(PetscFree(kernels));
  PetscCall(PetscFree(ghostmark));
  for (PetscInt k = 0; k < nedge; k++) t->flops += 2.0 * nbins[k] * nc;

  /* global facts: exchange interval = smallest lag over all cut edges (>= 1) */
  lags[0] = -t->max_lag;
  lags[1] = cutmin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, lags, 2, MPIU_INT, MPI_MIN, comm));
  t->max_lag = PetscMax(1, -lags[0]);
  t->interval = lags[1] == PETSC_MAX_INT ? t->max_lag : lags[1];
  t->lag_local = t->min_lag;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t->min_lag, 1, MPIU_INT, MPI_MIN, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t->substep, 1, MPIU_REAL, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t->truncated, 1, MPIU_REAL, MPI_MAX, comm));

  /* ring buffers: lags up to max_lag behind the newest sample, plus the samples pushed
     between exchanges: B = max_lag + interval */
  t->B = t->max_lag + t->interval;
  /* the block buffers need no more rows than a pass can fill (NMTensorContractBlock) */
  t->block = PetscMax(1, PetscMin(opt->block ? opt->block : NM_CONTRACT_BLOCK_AUTO, PetscMin(t->lag_local, t->nghost ? t->interval : PETSC_MAX_INT)));
  PetscCall(PetscCalloc1((size_t)(t->nlocal + t->nghost) * nc * 2 * t->B + 1, &t->hist));
  PetscCall(NMTensorSetOrder(t, slot, first, nbins, kernel, opt->order));
  PetscCall(PetscFree4(slot, first, nbins, kernel));

  /* star forest: leaf g (ghost slot) reads root (owner rank, owner-local index) */
  PetscCall(PetscMalloc1(t->nghost + 1, &remote));
  {
    PetscLayout layout;
    PetscCall(PetscLayoutCreate(comm, &layout));
    PetscCall(PetscLayoutSetLocalSize(layout, t->nlocal));
    PetscCall(PetscLayoutSetUp(layout));
    for (PetscInt g = 0; g < t->nghost; g++) {
      PetscMPIInt owner;
      PetscCall(PetscLayoutFindOwner(layout, t->ghost[g], &owner));
      remote[g].rank  = owner;
      remote[g].index = t->ghost[g] - layout->range[owner];
    }
    PetscCall(PetscLayoutDestroy(&layout));
  }
  PetscCall(PetscSFCreate(comm, &t->sf));
  PetscCall(PetscSFSetGraph(t->sf, t->nlocal, t->nghost, NULL, PETSC_OWN_POINTER, remote, PETSC_OWN_POINTER));
  PetscCall(PetscSFSetUp(t->sf));
  PetscCallMPI(MPI_Type_contiguous((PetscMPIInt)(nc * t->interval), MPIU_REAL, &t->unit));
  PetscCallMPI(MPI_Type_commit(&t->unit));
  PetscCall(PetscMalloc2((size_t)t->nlocal * nc * t->interval + 1, &t->sendbuf, (size_t)t->nghost * nc * t->interval + 1, &t->recvbuf));
  *tensor = t;
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorDestroy(NMTensor *tensor)
{
  NMTensor t = *tensor;

  PetscFunctionBeginUser;
  if (!t) PetscFunctionReturn(0);
  PetscCall(PetscFree(t->row));
  PetscCall(PetscFree(t->weight));
  PetscCall(PetscFree3(t->hoff, t->nbins, t->kernel));
  PetscCall(PetscFree(t->dpos));
  PetscCall(PetscFree(t->d));
  PetscCall(PetscFree(t->rowsum));
  PetscCall(PetscFree(t->kw));
  PetscCall(PetscFree(t->ghost));
  PetscCall(PetscSFDestroy(&t->sf));
  PetscCallMPI(MPI_Type_free(&t->unit));
  PetscCall(PetscFree2(t->sendbuf, t->recvbuf));
  PetscCall(PetscFree(t->hist));
  PetscCall(PetscFree(*tensor));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorGetInfo(NMTensor t, NMTensorInfo *info)
{
  PetscInt64 v[5];

  PetscFunctionBeginUser;
  v[0] = t->nedge;
  v[1] = 0;
  for (PetscInt k = 0; k < t->nedge; k++) v[1] += t->nbins[k];
  v[3] = t->nghost;
  v[4] = (PetscInt64)(sizeof(PetscReal) * ((size_t)t->nkw + (size_t)t->nedge * (1 + (t->d ? t->nc * t->block : 0)) + (size_t)(t->nlocal + t->nghost) * t->nc * 2 * t->B) + (sizeof(PetscInt64) + sizeof(PetscInt) * (2 + (t->dpos ? 1 : 0))) * (size_t)t->nedge);
  v[2] = t->nkw;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, 5, MPIU_INT64, MPI_SUM, t->comm));
  info->edges     = v[0];
  info->entries   = v[1];
  info->kernels   = v[2];
  info->ghosts    = v[3];
  info->bytes     = v[4];
  info->max_lag   = t->max_lag;
  info->min_lag   = t->min_lag == PETSC_MAX_INT ? 0 : t->min_lag;
  info->interval  = t->interval;
  info->substep   = t->substep;
  info->truncated = t->truncated;
  info->single    = t->single;
  info->block     = t->block;
  info->order     = t->order;
  /* read per edge once per pass: its offset and weight; with dots, also its bin count,
     kernel offset and CSR position (emitter order); the dots are extra, per step */
  info->edge_bytes = (PetscInt)(sizeof(PetscInt64) + sizeof(PetscReal) + (t->single ? 0 : 2 * sizeof(PetscInt)) + (t->dpos ? sizeof(PetscInt) : 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorGetRowSums(NMTensor t, const PetscReal **rowsum)
{
  PetscFunctionBegin;
  *rowsum = t->rowsum;
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorView(NMTensor t, PetscViewer viewer)
{
  NMTensorInfo info;

  PetscFunctionBeginUser;
  PetscCall(NMTensorGetInfo(t, &info));
  PetscCall(PetscViewerASCIIPrintf(viewer, "connectome tensor: %" PetscInt64_FMT " edges, %" PetscInt64_FMT " (edge, bin) entries (%.1f bins per edge), %" PetscInt64_FMT " shared kernel values\n", info.edges, info.entries, info.edges ? (double)info.entries / (double)info.edges : 0.0, info.kernels));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  lags %" PetscInt_FMT "..%" PetscInt_FMT " steps; exchange every %" PetscInt_FMT " steps; inputs of up to %" PetscInt_FMT " steps per pass; %" PetscInt64_FMT " ghost emitters; %.3g MB; dots in %s order%s\n", info.min_lag, info.max_lag, info.interval, info.block, info.ghosts, (double)info.bytes / 1e6, NMContractOrders[info.order], info.single ? " (single-bin kernels: one product per edge)" : ""));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  largest sub-step mass %.3g, largest truncated mass %.3g (renormalised)\n", (double)info.substep, (double)info.truncated));
  PetscFunctionReturn(0);
}

/* Position of `step` in a ring of B entries (steps may be negative before t = 0). */
static inline PetscInt NMRingPos(PetscInt64 step, PetscInt B)
{
  PetscInt64 p = step % B;
  return (PetscInt)(p < 0 ? p + B : p);
}

static inline void NMHistoryStore(NMTensor t, PetscInt slot, PetscInt k, PetscInt64 step, PetscReal v)
{
  PetscReal *h = t->hist + ((size_t)slot * t->nc + k) * 2 * t->B;
  PetscInt   p = NMRingPos(step, t->B);
  h[p] = h[p + t->B] = v;
}

PetscErrorCode NMTensorInitHistory(NMTensor t, const PetscReal c0[])
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < t->nlocal + t->nghost; s++) {
    PetscInt g = s < t->nlocal ? t->rstart + s : t->ghost[s - t->nlocal];
    for (PetscInt k = 0; k < t->nc; k++)
      for (PetscInt p = 0; p < t->B; p++) NMHistoryStore(t, s, k, -p, c0[g * t->nc + k]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorPush(NMTensor t, PetscInt64 step, const PetscReal c[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < t->nlocal; i++)
    for (PetscInt k = 0; k < t->nc; k++) NMHistoryStore(t, i, k, step, c[i * t->nc + k]);
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorExchange(NMTensor t, PetscInt64 step)
{
  const PetscInt m = t->interval, nc = t->nc;

  PetscFunctionBeginUser;
  /* pack samples step-m+1 .. step of every owned node (oldest first) */
  for (PetscInt i = 0; i < t->nlocal; i++)
    for (PetscInt k = 0; k < nc; k++) {
      const PetscReal *h = t->hist + ((size_t)i * nc + k) * 2 * t->B;
      PetscInt         p = NMRingPos(step - m + 1, t->B);
      PetscCall(PetscArraycpy(t->sendbuf + ((size_t)i * nc + k) * m, h + p, m));
    }
  PetscCall(PetscLogEventBegin(NM_EVENT_Exchange, 0, 0, 0, 0));
  PetscCall(PetscSFBcastBegin(t->sf, t->unit, t->sendbuf, t->recvbuf, MPI_REPLACE));
  PetscCall(PetscSFBcastEnd(t->sf, t->unit, t->sendbuf, t->recvbuf, MPI_REPLACE));
  for (PetscInt g = 0; g < t->nghost; g++)
    for (PetscInt k = 0; k < nc; k++)
      for (PetscInt j = 0; j < m; j++) NMHistoryStore(t, t->nlocal + g, k, step - m + 1 + j, t->recvbuf[((size_t)g * nc + k) * m + j]);
  PetscCall(PetscLogEventEnd(NM_EVENT_Exchange, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* u[j*us] = G sum_{e in [e0, e1)} w[e] x[off(e) + j] for j < m, each sum in ascending e,
   where off(e) = hoff[e] or, without hoff, e * stride: the receiver sums of a block.
   Step by step, each the single step's scalar loop: the edges' (offset, weight) stream
   and the samples of step j + 1 (adjacent to those of step j) come from the L1 cache
   after the first step. */
static inline __attribute__((always_inline)) void NMRowSum(const PetscReal *restrict w, PetscInt e0, PetscInt e1, const PetscReal *x, const PetscInt64 *hoff, size_t stride, PetscInt m, PetscReal G, PetscReal *u, size_t us)
{
  for (PetscInt j = 0; j < m; j++) {
    PetscReal s = 0;
    if (hoff)
      for (PetscInt e = e0; e < e1; e++) s += w[e] * x[hoff[e] + j];
    else
      for (PetscInt e = e0; e < e1; e++) s += w[e] * x[e * stride + j];
    u[j * us] = s * G;
  }
}

/* The hot loop (Gonzalez-Mitjans et al. eq. 7): for each owned receiver r and channel k,
   u = G sum_e K0[r,e] (kernel_e . window of emitter e's history), for the m steps
   step .. step + m - 1 at once. Each edge's window for `step` starts at hist + hoff + p
   (see NMTensorSetOrder) for the ring position p of `step`; the window of step + j is
   that one shifted by j: every sample sits at ring positions q and q + B, and the last
   index read, p + B - first + j <= 2B - 2 for j < m <= first, stays inside the doubled
   ring, so no wrap-around test is needed (and B needs no extra room).
   Summation order is fixed whatever the order the dots are computed in and whatever m:
   each (receiver, channel, step) adds its edges' terms K0 * dot in ascending emitter
   order, and each dot is NMDot's of the same kernel and window as a single step's, so
   row j is bitwise the input a pass of one step at step + j gives. */
static void NMTensorContractRows(NMTensor t, PetscInt64 step, PetscInt m, PetscReal G, PetscReal u[])
{
  const PetscInt   nc = t->nc, p = NMRingPos(step, t->B), ch = 2 * t->B;
  const size_t     rows = (size_t)t->nlocal * nc;
  const PetscReal *hist = t->hist + p;

  if (t->single) {
    /* one bin of weight 1 per edge (D1, D2): the term is K0 * (1 * sample), read from a
       compact (offset, weight) stream once for the m steps, whose samples are adjacent */
    for (PetscInt i = 0; i < t->nlocal; i++)
      for (PetscInt k = 0; k < nc; k++) NMRowSum(t->weight, t->row[i], t->row[i + 1], hist + k * ch, t->hoff, 0, m, G, u + (size_t)i * nc + k, rows);
    return;
  }
  /* the dots, in the compute order, stored at the edge's CSR position: the m dots of an
     edge run back to back on one kernel and overlapping windows, which stay in cache */
  for (PetscInt jj = 0; jj < t->nedge; jj++) {
    const PetscInt   nb = t->nbins[jj];
    const PetscReal *kw = t->kw + t->kernel[jj], *h = hist + t->hoff[jj];
    PetscReal       *d  = t->d + (size_t)(t->dpos ? t->dpos[jj] : jj) * nc * m;
    for (PetscInt k = 0; k < nc; k++) {
      const PetscReal *hk = h + k * ch;
      PetscReal       *dk = d + k * m;
      if (nb == 1)
        for (PetscInt j = 0; j < m; j++) dk[j] = kw[0] * hk[j];
      else
        for (PetscInt j = 0; j < m; j++) dk[j] = t->dot(kw, hk + j, nb);
    }
  }
  for (PetscInt i = 0; i < t->nlocal; i++)
    for (PetscInt k = 0; k < nc; k++) NMRowSum(t->weight, t->row[i], t->row[i + 1], t->d + k * m, NULL, (size_t)nc * m, m, G, u + (size_t)i * nc + k, rows);
}

PetscErrorCode NMTensorContract(NMTensor t, PetscInt64 step, PetscReal G, PetscReal u[])
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NM_EVENT_Contract, 0, 0, 0, 0));
  NMTensorContractRows(t, step, 1, G, u);
  PetscCall(PetscLogFlops(t->flops));
  PetscCall(PetscLogEventEnd(NM_EVENT_Contract, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorContractBlock(NMTensor t, PetscInt64 step, PetscInt want, PetscReal G, PetscReal u[], PetscInt *m)
{
  PetscInt mm = PetscMin(want, t->block);

  PetscFunctionBegin;
  PetscCheck(want >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "NMTensorContractBlock: want %" PetscInt_FMT " steps, must be >= 1", want);
  /* ghosts hold samples up to the last exchange, at the last multiple of the interval
     <= step - 1; cut edges have lags >= interval, so steps up to that multiple plus the
     interval are computable (t->block is already <= the rank's smallest lag) */
  if (t->nghost) mm = PetscMin(mm, t->interval - NMRingPos(step - 1, t->interval));
  PetscCall(PetscLogEventBegin(NM_EVENT_Contract, 0, 0, 0, 0));
  NMTensorContractRows(t, step, mm, G, u);
  PetscCall(PetscLogFlops(t->flops * mm));
  PetscCall(PetscLogEventEnd(NM_EVENT_Contract, 0, 0, 0, 0));
  *m = mm;
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorGetHistoryRowLength(NMTensor t, PetscInt *rowlen)
{
  PetscFunctionBegin;
  *rowlen = t->nc * (t->max_lag + 1);
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorSaveHistory(NMTensor t, PetscInt64 step, PetscReal rows[])
{
  const PetscInt L = t->max_lag + 1;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < t->nlocal; i++)
    for (PetscInt k = 0; k < t->nc; k++) {
      const PetscReal *h = t->hist + ((size_t)i * t->nc + k) * 2 * t->B;
      PetscCall(PetscArraycpy(rows + ((size_t)i * t->nc + k) * L, h + NMRingPos(step - L + 1, t->B), L));
    }
  PetscFunctionReturn(0);
}

PetscErrorCode NMTensorRestoreHistory(NMTensor t, PetscInt64 step, const PetscReal all[])
{
  const PetscInt L = t->max_lag + 1;

  PetscFunctionBegin;
  for (PetscInt s = 0; s < t->nlocal + t->nghost; s++) {
    PetscInt g = s < t->nlocal ? t->rstart + s : t->ghost[s - t->nlocal];
    for (PetscInt k = 0; k < t->nc; k++)
      for (PetscInt j = 0; j < L; j++) NMHistoryStore(t, s, k, step - L + 1 + j, all[((size_t)g * t->nc + k) * L + j]);
  }
  PetscFunctionReturn(0);
}
