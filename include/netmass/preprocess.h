#pragma once
/* Connectome and time-series preprocessing used in the literature, applied in this
   fixed order when enabled (see docs/preprocessing.md):
     1. zero the diagonal        2. symmetrise (W + W^T)/2     3. divide by max(W)
     4. log scaling               5. homotopic strengthening    6. perturbation W + eps A
   and, for time series, per-region z-scoring. Each step works on one N x N matrix in
   netmass's receiver x emitter layout. */
#include <netmass/connectome.h>
#include <netmass/cohort.h>

PETSC_EXTERN PetscErrorCode NMMatrixZeroDiagonal(PetscInt n, PetscReal w[]);
PETSC_EXTERN PetscErrorCode NMMatrixSymmetrize(PetscInt n, PetscReal w[]);
/* W / max(W); a zero matrix is left unchanged. */
PETSC_EXTERN PetscErrorCode NMMatrixNormalizeMax(PetscInt n, PetscReal w[]);
/* w -> (log10(w + 10^q) - q) / (-q), q < 0: log10(W + 10^q) shifted and scaled so that
   0 stays 0 and 1 maps to ~1; q = -3 gives Sip et al.'s log10(10^3 w + 1) / 3. */
PETSC_EXTERN PetscErrorCode NMMatrixLogScale(PetscInt n, PetscReal w[], PetscReal q);
/* Homotopic links (partner[i] = the same region in the other hemisphere, or -1) set to
   max(w, P), P the `percentile`-th percentile of the upper-triangle weights (Sip et al.
   use 97). */
PETSC_EXTERN PetscErrorCode NMMatrixHomotopic(PetscInt n, PetscReal w[], const PetscInt partner[], PetscReal percentile);
/* W + eps * max(W) * A on the existing edges (A_ij = A_ji ~ N(0,1), Philox stream
   (seed, stream, 0)), clipped at 0 and rescaled to the original maximum. Zero entries
   stay zero: a perturbation must not invent tracts. */
PETSC_EXTERN PetscErrorCode NMMatrixPerturb(PetscInt n, PetscReal w[], PetscReal eps, PetscInt64 seed, PetscInt stream);
/* Each row of x (n rows of t samples) to zero mean and unit variance. */
PETSC_EXTERN PetscErrorCode NMTimeSeriesZScore(PetscInt n, PetscInt t, PetscReal x[]);

/* Homotopic partners from region labels, or by position. */
typedef enum {
  NM_HOMOTOPIC_LABELS,      /* match "l"/"r" prefixes or "_L"/"_R"-style suffixes */
  NM_HOMOTOPIC_HALVES,      /* i <-> i + N/2 */
  NM_HOMOTOPIC_INTERLEAVED, /* 2k <-> 2k + 1 (AAL ordering) */
} NMHomotopicPairing;
PETSC_EXTERN const char *const NMHomotopicPairings[];
PETSC_EXTERN PetscErrorCode NMHomotopicPartners(PetscInt n, const char *const labels[], NMHomotopicPairing pairing, PetscInt partner[]);

/* The preprocessing chosen on the command line (-zero_diagonal, -symmetrize, ...). */
typedef struct {
  PetscBool          zero_diagonal, symmetrize, normalize_max, log_scale, zscore;
  PetscReal          log_q;
  PetscReal          homotopic_percentile; /* 0: off */
  NMHomotopicPairing homotopic_pairing;
  PetscReal          perturb_eps;          /* 0: off */
} NMPreprocess;
PETSC_EXTERN PetscErrorCode NMPreprocessSetFromOptions(NMPreprocess *pp);
/* One-line description of the steps applied, for the file's provenance. */
PETSC_EXTERN PetscErrorCode NMPreprocessDescribe(const NMPreprocess *pp, char text[], size_t len);
PETSC_EXTERN PetscErrorCode NMPreprocessConnectome(const NMPreprocess *pp, NMConnectome conn, PetscInt64 seed);
PETSC_EXTERN PetscErrorCode NMPreprocessCohort(const NMPreprocess *pp, NMCohort cohort, PetscInt64 seed);
