#pragma once
/* Analysis of time series (any netmass time-series dataset: region x time per subject):
   functional connectivity, its dynamics, spectra, PCA, and the linear effective
   connectivity of Nozari et al. (x_{t+1} = A x_t + c + noise) with its low-rank structure.
   All routines work on one subject's n x t row-major series held by the caller (the
   LAPACK path; the distributed ScaLAPACK path comes with large parcellations). */
#include <petscsys.h>

/* FC: Pearson correlation (n x n). Error for a constant region (zero variance). */
PETSC_EXTERN PetscErrorCode NMAnalysisFC(PetscInt n, PetscInt t, const PetscReal x[], PetscReal fc[]);
/* FCD (Hansen et al. 2015): FC in sliding windows of `window` samples every `step`
   samples; the correlation between the upper triangles of every pair of windows
   (nwin x nwin). *nwin is set; fcd must hold nwin^2 values (call with fcd = NULL first). */
PETSC_EXTERN PetscErrorCode NMAnalysisFCD(PetscInt n, PetscInt t, const PetscReal x[], PetscInt window, PetscInt step, PetscInt *nwin, PetscReal fcd[]);
/* Welch power spectral density per region: segments of `nseg` samples, 50 % overlap,
   Hann window, one-sided, density units (x^2/Hz); nfreq = nseg/2 + 1 frequencies k/(nseg dt). */
PETSC_EXTERN PetscErrorCode NMAnalysisWelch(PetscInt n, PetscInt t, const PetscReal x[], PetscReal dt, PetscInt nseg, PetscReal psd[]);
/* Band power per region (n x nb): the density psd (n x nf, frequencies k df) integrated
   over [lo, hi) of each band (bands: nb pairs, Hz); NaN for a band beyond Nyquist. */
PETSC_EXTERN void NMAnalysisBandPower(PetscInt n, PetscInt nf, PetscReal df, const PetscReal psd[], PetscInt nb, const PetscReal bands[], PetscReal power[]);
/* Pearson correlation of each of n series (n x t) with the series g (t): with the global
   signal (the mean over regions) this is the global-signal correlation. NaN for a
   constant series. */
PETSC_EXTERN void NMAnalysisCorrelationWith(PetscInt n, PetscInt t, const PetscReal x[], const PetscReal g[], PetscReal r[]);
/* PCA of the covariance: eigenvalues (descending, n) and the fraction of variance each
   explains; components (n x k) of the first k. */
PETSC_EXTERN PetscErrorCode NMAnalysisPCA(PetscInt n, PetscInt t, const PetscReal x[], PetscInt k, PetscReal eigenvalues[], PetscReal explained[], PetscReal components[]);
/* Participation ratio (sum l)^2 / sum l^2 of nonnegative values, and the effective rank
   exp(entropy of l / sum l) (Roy & Vetterli 2007). */
PETSC_EXTERN PetscReal NMParticipationRatio(PetscInt n, const PetscReal l[]);
PETSC_EXTERN PetscReal NMEffectiveRank(PetscInt n, const PetscReal l[]);

/* The linear effective connectivity of one subject. */
typedef struct {
  PetscReal  lambda;         /* ridge penalty chosen */
  PetscReal *A, *c;          /* n x n, n */
  PetscReal *r2, *r2_zero, *r2_ar1; /* one-step-ahead R^2 per region: model, zero change, AR(1) */
  PetscReal *eig_re, *eig_im;       /* eigenvalues of A */
  PetscReal *sv;             /* singular values of A, descending */
  PetscReal *trunc_err;      /* relative Frobenius error of the rank-r truncation of A, r = 1..n */
  PetscReal  effective_rank, participation_ratio; /* of sv, and of the covariance spectrum */
} NMLinearFit;
/* Fit x_{t+1} = A x_t + c by ridge least squares; the penalty is the one of `lambdas`
   (nl values) with the smallest k-fold (contiguous blocks) cross-validated one-step error. */
PETSC_EXTERN PetscErrorCode NMAnalysisLinearFit(PetscInt n, PetscInt t, const PetscReal x[], PetscInt nl, const PetscReal lambdas[], PetscInt folds, NMLinearFit *fit);
PETSC_EXTERN PetscErrorCode NMLinearFitDestroy(NMLinearFit *fit);
