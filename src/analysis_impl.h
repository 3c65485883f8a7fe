#pragma once
/* Private to src/analysis_*.c: the pieces the LAPACK path (one subject in memory) and
   the distributed path (src/analysis_dist_*.c) share, so both compute the same things
   the same way apart from the large linear algebra. Series are n x t row-major. */
#include <netmass/analysis.h>

/* Every sample finite and no region constant; `what` names the analysis (analysis_fc.c). */
PETSC_INTERN PetscErrorCode NMAnalysisCheckSeries(PetscInt n, PetscInt t, const PetscReal x[], const char what[]);

/* PCA spectrum (analysis_spectra.c): the m eigenvalues l, ascending as LAPACK returns
   them, of an n x n covariance whose other n - m eigenvalues are 0, to the n eigenvalues
   in descending order (round-off negatives clipped to 0) and the fraction each
   explains. Either output may be NULL. */
PETSC_INTERN void NMPCASpectrum(PetscInt n, PetscInt m, const PetscReal l[], PetscReal eigenvalues[], PetscReal explained[]);

/* Ridge linear fit pieces (analysis_lds.c); pairs (x_k, x_{k+1}), k = 0..t-2, the
   training set every pair outside [v0, v1). */
PETSC_INTERN PetscErrorCode NMLinearFitCheck(PetscInt n, PetscInt t, PetscInt nl, const PetscReal lambdas[], PetscInt folds);
/* Every output vector of the fit but A. */
PETSC_INTERN PetscErrorCode NMLinearFitAllocate(PetscInt n, NMLinearFit *fit);
/* Means of the training inputs x_k and targets x_{k+1} of each row. */
PETSC_INTERN void NMRidgeMeans(PetscInt n, PetscInt t, const PetscReal x[], PetscInt v0, PetscInt v1, PetscReal xbar[], PetscReal ybar[]);
/* Held-out squared errors of each row's AR(1) baseline, added to sse. */
PETSC_INTERN void NMAR1Errors(PetscInt n, PetscInt t, const PetscReal x[], PetscInt v0, PetscInt v1, PetscReal sse[]);
/* Index of the penalty with the smallest total cross-validated error (sse: nl x n). */
PETSC_INTERN PetscInt NMRidgeBestPenalty(PetscInt nl, PetscInt n, const PetscReal sse[]);
/* One-step R^2 of each row: model and AR(1) from their cross-validated errors, zero
   change directly. */
PETSC_INTERN PetscErrorCode NMLinearFitScores(PetscInt n, PetscInt t, const PetscReal x[], const PetscReal sse[], const PetscReal sse_ar[], PetscReal r2[], PetscReal r2_ar1[], PetscReal r2_zero[]);
/* Eigenvalues of the n x n row-major A (dgeev), sorted by modulus, largest first. */
PETSC_INTERN PetscErrorCode NMLinearFitEigenvalues(PetscInt n, const PetscReal A[], PetscReal re[], PetscReal im[]);
/* From fit->sv: the truncation errors and the effective rank; the participation ratio
   of the covariance eigenvalues cov (n). */
PETSC_INTERN void NMLinearFitSpectralSummary(PetscInt n, const PetscReal cov[], NMLinearFit *fit);
