/* Cohort -> training items, their network input, the train/test split, minibatches
   (Sip et al. 2023, Methods); see include/netmass/infer_items.h. */
#include <netmass/infer_items.h>
#include <netmass/rng.h>

PetscErrorCode NMInferItemsCreate(NMCohort cohort, const char origin[], PetscInt min_nt, NMInferItems *it)
{
  PetscInt   S, N, T;
  PetscReal *w, *bold;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(it, sizeof(*it)));
  PetscCall(NMCohortGetSizes(cohort, &S, &N, &T));
  PetscCall(NMCohortGetArrays(cohort, &w, NULL, &bold));
  PetscCheck(T > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s holds connectomes but no time series (bold): give a cohort made by netmass simulate -cohort_subjects or netmass import -hcp_dir", origin);
  PetscCheck(T >= min_nt, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s has %" PetscInt_FMT " samples per region, fewer than the %" PetscInt_FMT " the encoders need (-infer_min_samples)", origin, T, min_nt);
  it->nsub     = S;
  it->nregions = N;
  it->nt       = T;
  it->nitems   = S * N;
  PetscCall(PetscMalloc4((size_t)S * N * T, &it->y, (size_t)S * N * T, &it->u, S * N, &it->subject, S * N, &it->item));
  PetscCall(PetscArraycpy(it->y, bold, (size_t)S * N * T));
  for (PetscInt s = 0; s < S; s++) {
    const PetscReal *W = w + (size_t)s * N * N, *Y = bold + (size_t)s * N * T;
    for (PetscInt i = 0; i < N; i++) {
      PetscReal *u = it->u + ((size_t)s * N + i) * T;
      /* u_i(t) = sum_j w_ij y_j(t): the input region i receives, from the data */
      for (PetscInt t = 0; t < T; t++) u[t] = 0;
      for (PetscInt j = 0; j < N; j++) {
        const PetscReal wij = W[i * N + j], *yj = Y + (size_t)j * T;
        if (wij != 0)
          for (PetscInt t = 0; t < T; t++) u[t] += wij * yj[t];
      }
      it->subject[s * N + i] = s;
      it->item[s * N + i]    = s * N + i;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferItemsDestroy(NMInferItems *it)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(it->y, it->u, it->subject, it->item));
  PetscCall(PetscMemzero(it, sizeof(*it)));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferPermutation(PetscInt n, uint64_t seed, uint32_t a, uint32_t b, PetscInt perm[])
{
  NMRandomStream rs;

  PetscFunctionBegin;
  NMRandomStreamInit(&rs, seed, a, b);
  for (PetscInt i = 0; i < n; i++) perm[i] = i;
  for (PetscInt i = n - 1; i > 0; i--) {
    double   r[4];
    PetscInt j, tmp;
    NMRandomUniform4(&rs, (uint64_t)i, r);
    j       = PetscMin((PetscInt)(r[0] * (double)(i + 1)), i);
    tmp     = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  PetscFunctionReturn(0);
}

/* Stream ids of the split: 'S','P','L','T' in the second word keeps it apart from the
   per-epoch shuffles and the engine's (epoch, item, sample) streams. */
#define NM_STREAM_SPLIT 0x53504c54u

PetscErrorCode NMInferItemsSplit(PetscInt n, PetscReal fraction, uint64_t seed, PetscInt *ntest, PetscInt is_test[])
{
  PetscInt *perm;

  PetscFunctionBegin;
  PetscCheck(fraction >= 0 && fraction < 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-train_test_fraction %g must be in [0, 1)", (double)fraction);
  *ntest = (PetscInt)PetscFloorReal(fraction * (PetscReal)n + 0.5);
  PetscCheck(*ntest < n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-train_test_fraction %g leaves no training item of %" PetscInt_FMT, (double)fraction, n);
  PetscCall(PetscMalloc1(n, &perm));
  PetscCall(NMInferPermutation(n, seed, 0, NM_STREAM_SPLIT, perm));
  for (PetscInt i = 0; i < n; i++) is_test[i] = 0;
  for (PetscInt k = 0; k < *ntest; k++) is_test[perm[k]] = 1;
  PetscCall(PetscFree(perm));
  PetscFunctionReturn(0);
}

void NMInferPartition(PetscInt n, PetscMPIInt size, PetscMPIInt rank, PetscInt *start, PetscInt *end)
{
  *start = (PetscInt)(((PetscInt64)n * rank) / size);
  *end   = (PetscInt)(((PetscInt64)n * (rank + 1)) / size);
}

PetscErrorCode NMInferBatchBufferCreate(PetscInt cap, PetscInt nt, NMInferBatchBuffer *buf)
{
  PetscFunctionBegin;
  buf->cap = cap;
  buf->nt  = nt;
  PetscCall(PetscMalloc4((size_t)cap * nt + 1, &buf->y, (size_t)cap * nt + 1, &buf->u, cap + 1, &buf->subject, cap + 1, &buf->item));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferBatchBufferDestroy(NMInferBatchBuffer *buf)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(buf->y, buf->u, buf->subject, buf->item));
  buf->cap = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferItemsGather(const NMInferItems *it, PetscInt n, const PetscInt idx[], NMInferBatchBuffer *buf, NMInferBatch *b)
{
  const PetscInt T = it->nt;

  PetscFunctionBegin;
  PetscCheck(n <= buf->cap && buf->nt == T, PETSC_COMM_SELF, PETSC_ERR_PLIB, "batch of %" PetscInt_FMT " items does not fit a buffer of %" PetscInt_FMT, n, buf->cap);
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(PetscArraycpy(buf->y + (size_t)k * T, it->y + (size_t)idx[k] * T, T));
    PetscCall(PetscArraycpy(buf->u + (size_t)k * T, it->u + (size_t)idx[k] * T, T));
    buf->subject[k] = it->subject[idx[k]];
    buf->item[k]    = it->item[idx[k]];
  }
  b->nitems  = n;
  b->y       = buf->y;
  b->u       = buf->u;
  b->subject = buf->subject;
  b->item    = buf->item;
  PetscFunctionReturn(0);
}
