#pragma once
/* Private to netmass analyze: src/cmd_analyze.c (options, input, output file, the LAPACK
   path: one subject per rank) and src/cmd_analyze_dist.c (the distributed path: every
   rank on each subject, for more regions than -analyze_scalapack_threshold). Both write
   the same file through the pieces declared here. */
#include <netmass/analysis_dist.h>
#include <netmass/h5file.h>

#define NM_FORMAT_ANALYSIS "netmass-analysis"
#define NM_ANALYZE_MAX_LAMBDAS 64
#define NM_ANALYZE_MAX_BANDS   16

typedef struct {
  /* input */
  char       in[PETSC_MAX_PATH_LEN], dataset[8], units[64], state_name[64];
  PetscBool  cohort;             /* netmass-cohort (S x N x T) or netmass-simulation */
  PetscInt   S, n, t, nstate, state;
  PetscReal  dt;
  char     **ids, **labels;      /* S subject ids; n region labels (NULL if none) */
  /* settings */
  PetscInt   window, step, nwin, nseg, nf, k, folds, nl;
  PetscReal  lambdas[NM_ANALYZE_MAX_LAMBDAS];
  PetscInt   nbands;
  PetscReal  bands[2 * NM_ANALYZE_MAX_BANDS]; /* [lo, hi) Hz */
  /* one record of P values per subject, at these offsets */
  PetscInt   o_fc, o_fcd, o_psd, o_band, o_gsc, o_eig, o_expl, o_comp, o_A, o_c, o_r2, o_r2z, o_r2a, o_ere, o_eim, o_sv, o_trunc, o_scalar, P;
  /* units of the covariance eigenvalues and of the PSD */
  char       u2[80], psd_units[96];
} NMAnalyze;

/* A dataset of the output: S x dims (ndim = 0: one value per subject), at `offset` of
   the subject record. */
typedef struct {
  const char *name;
  PetscInt    ndim, dims[2], offset;
  const char *dimnames[2], *units, *description;
} NMAnalyzeQuantity;
#define NM_ANALYZE_MAX_QUANTITIES 20

/* The datasets written for these settings (fcd and pca_components only when asked). */
PETSC_INTERN PetscErrorCode NMAnalyzeQuantities(NMAnalyze *a, NMAnalyzeQuantity q[], PetscInt *nq);
/* Create the output file with its attributes, subject ids and region labels. */
PETSC_INTERN PetscErrorCode NMAnalyzeFileBegin(MPI_Comm comm, NMAnalyze *a, const char path[], NMFile *file);
/* The frequencies, the penalty grid, the datasets' attributes; commit. */
PETSC_INTERN PetscErrorCode NMAnalyzeFileEnd(MPI_Comm comm, NMAnalyze *a, NMFile *file);
/* Check rows (regions rows[0..nrows-1]; all if rows is NULL) of subject s's series for
   NaN/Inf and constant regions; collective error naming the first bad one. */
PETSC_INTERN PetscErrorCode NMAnalyzeValidate(MPI_Comm comm, NMAnalyze *a, PetscInt s, PetscInt nrows, const PetscInt rows[], const PetscReal x[]);
/* The summary line of subject s (rank 0 prints). */
PETSC_INTERN PetscErrorCode NMAnalyzePrintSubject(MPI_Comm comm, NMAnalyze *a, PetscInt s, PetscReal mean_fc, const PetscReal scalars[3], PetscReal eig_re0, PetscReal eig_im0, const PetscReal r2[], const PetscReal r2_ar1[], const PetscReal r2_zero[]);
/* Notes when cross-validation chose a penalty at the edge of the grid (chosen: S values). */
PETSC_INTERN PetscErrorCode NMAnalyzePrintPenaltyNotes(MPI_Comm comm, NMAnalyze *a, const PetscReal chosen[]);
/* Every subject on the process grid, one after the other, into the file `out`. */
PETSC_INTERN PetscErrorCode NMAnalyzeDistributed(MPI_Comm comm, NMAnalyze *a, NMFile in, NMDistGrid grid, const char out[]);
/* Band power (n x nbands) and global-signal correlation (n) of one subject's series x
   (n x t, or a block of its regions) from its Welch density psd (n x nf); g is the global
   signal (the mean over all regions, t). Shared by both paths. */
PETSC_INTERN void NMAnalyzeBandsAndGlobal(const NMAnalyze *a, PetscInt n, const PetscReal x[], const PetscReal psd[], const PetscReal g[], PetscReal band[], PetscReal gsc[]);
