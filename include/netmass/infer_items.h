#pragma once
/* Training items of the amortized inference (Sip et al. 2023, Methods "Data"): one item
   per (subject, region), holding that region's observed series y(t) and its network
   input u(t) = sum_j w_ij y_j(t) computed from the observations with the subject's
   connectome (receiver x emitter). The item id subject*nregions + region keys every
   random stream of the item, so results do not depend on which rank owns it. */
#include <netmass/cohort.h>
#include <netmass/infer.h>
#include <stdint.h>

typedef struct {
  PetscInt   nsub, nregions, nt, nitems;
  PetscReal *y, *u;            /* nitems x nt, row-major */
  PetscInt  *subject, *item;   /* nitems */
} NMInferItems;

/* Items of every (subject, region) of a cohort with time series of at least `min_nt`
   samples; `origin` names the cohort in error messages. */
PETSC_EXTERN PetscErrorCode NMInferItemsCreate(NMCohort cohort, const char origin[], PetscInt min_nt, NMInferItems *items);
PETSC_EXTERN PetscErrorCode NMInferItemsDestroy(NMInferItems *items);

/* Fisher-Yates permutation of 0..n-1 from the counter-based stream (seed, a, b): the same
   on every rank, with no state carried between calls. */
PETSC_EXTERN PetscErrorCode NMInferPermutation(PetscInt n, uint64_t seed, uint32_t a, uint32_t b, PetscInt perm[]);
/* Train/test split: the first round(fraction * n) items of a seeded permutation are test
   items (is_test[i] = 1). */
PETSC_EXTERN PetscErrorCode NMInferItemsSplit(PetscInt n, PetscReal test_fraction, uint64_t seed, PetscInt *ntest, PetscInt is_test[]);
/* Contiguous share [*start, *end) of n things for `rank` of `size`. */
PETSC_EXTERN void NMInferPartition(PetscInt n, PetscMPIInt size, PetscMPIInt rank, PetscInt *start, PetscInt *end);

/* A minibatch gathered from the items: contiguous copies the engine reads. */
typedef struct {
  PetscInt   cap, nt;
  PetscReal *y, *u;
  PetscInt  *subject, *item;
} NMInferBatchBuffer;
PETSC_EXTERN PetscErrorCode NMInferBatchBufferCreate(PetscInt cap, PetscInt nt, NMInferBatchBuffer *buf);
PETSC_EXTERN PetscErrorCode NMInferBatchBufferDestroy(NMInferBatchBuffer *buf);
/* The batch of items idx[0..n-1] (n <= buf->cap). */
PETSC_EXTERN PetscErrorCode NMInferItemsGather(const NMInferItems *items, PetscInt n, const PetscInt idx[], NMInferBatchBuffer *buf, NMInferBatch *batch);
