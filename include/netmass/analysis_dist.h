#pragma once
/* The distributed (ScaLAPACK) path of netmass analyze, for parcellations too large for
   one rank: the covariance, FC, PCA and the ridge linear fit of one subject computed by
   every rank of a BLACS process grid together. See docs/analysis.md.

   Layouts (ScaLAPACK's 2-D block-cyclic distribution, column-major local blocks):
   - NM_DIST_GRID: mb x nb blocks dealt cyclically over a P x Q process grid, for the
     PBLAS/ScaLAPACK kernels;
   - NM_DIST_COLUMNS: whole columns, in blocks of nb columns dealt cyclically over all
     ranks (a 1 x size grid). A time series is held as its transpose, t x n: each rank
     holds complete series of its regions, contiguous, which is also the row-major
     layout of its rows of the n x t series: what HDF5 reads and writes and what the
     LAPACK path's per-region routines take. Any q x n result with one row per region
     is held the same way, as q x n, written by row blocks. */
#include <netmass/analysis.h>
#include <netmass/h5file.h>

typedef struct _n_NMDistGrid   *NMDistGrid;
typedef struct _n_NMDistMatrix *NMDistMatrix;

typedef enum {
  NM_DIST_GRID,
  NM_DIST_COLUMNS
} NMDistLayout;

/* The process grid: P x Q as square as possible for the ranks of comm (-analyze_grid PxQ
   to force; P Q must equal the rank count), blocks of -analyze_block (64) rows/columns.
   The BLACS/ScaLAPACK layer is shared with the fixed points' distributed eigenvalues. */
PETSC_EXTERN PetscErrorCode NMDistGridCreate(MPI_Comm comm, NMDistGrid *grid);
/* Options -<name>_grid and -<name>_block instead of -analyze_grid, -analyze_block (the
   fixed points' eigenvalues use "fp_eig"); before SetFromOptions. */
PETSC_EXTERN PetscErrorCode NMDistGridSetOptionsName(NMDistGrid grid, const char name[]);
/* The default shape P x Q (P Q = ranks) instead of the squarest; -<name>_grid overrides
   it. Before SetUp. */
PETSC_EXTERN PetscErrorCode NMDistGridSetShape(NMDistGrid grid, PetscInt p, PetscInt q);
/* The block size (default 64): before SetFromOptions it is the default of -<name>_block;
   matrices created afterwards use it. */
PETSC_EXTERN PetscErrorCode NMDistGridSetBlockSize(NMDistGrid grid, PetscInt nb);
PETSC_EXTERN PetscErrorCode NMDistGridSetFromOptions(NMDistGrid grid);
PETSC_EXTERN PetscErrorCode NMDistGridSetUp(NMDistGrid grid);
PETSC_EXTERN PetscErrorCode NMDistGridGetShape(NMDistGrid grid, PetscInt *p, PetscInt *q, PetscInt *nb);
PETSC_EXTERN PetscErrorCode NMDistGridDestroy(NMDistGrid *grid);

/* An m x n matrix in one of the layouts, zeroed. */
PETSC_EXTERN PetscErrorCode NMDistMatrixCreate(NMDistGrid grid, NMDistLayout layout, PetscInt m, PetscInt n, NMDistMatrix *mat);
PETSC_EXTERN PetscErrorCode NMDistMatrixDestroy(NMDistMatrix *mat);
/* This rank's block: mloc x nloc column-major (leading dimension mloc) at *a, and the
   global indices of its rows and columns (ascending). Any output may be NULL. */
PETSC_EXTERN PetscErrorCode NMDistMatrixGetLocal(NMDistMatrix mat, PetscInt *mloc, const PetscInt **rows, PetscInt *nloc, const PetscInt **cols, PetscReal **a);
/* dst = src: same global size, any layouts (ScaLAPACK pdgemr2d). */
PETSC_EXTERN PetscErrorCode NMDistMatrixCopy(NMDistMatrix src, NMDistMatrix dst);
/* The whole matrix on rank 0, column-major m x n (global: m * n values on rank 0, ignored
   elsewhere). For tests and for the small LAPACK steps that have no ScaLAPACK driver. */
PETSC_EXTERN PetscErrorCode NMDistMatrixGather(NMDistMatrix mat, PetscReal global[]);
/* One subject's series, read into a t x n NM_DIST_COLUMNS matrix, each rank reading its
   row blocks of regions with one collective hyperslab read. dataset of a cohort file
   (S x n x t): subject >= 0; of a simulation file (t x n, or t x n x states): subject
   < 0, state selects the state variable. */
PETSC_EXTERN PetscErrorCode NMDistMatrixReadSeries(NMDistMatrix series, NMFile file, const char dataset[], PetscInt subject, PetscInt state);
/* The q x n NM_DIST_COLUMNS matrix mat as the n x q rows of subject s (s >= 0) of an
   S x n x q dataset, or as an n x q dataset (s < 0); collective, each rank writing its
   rows in one hyperslab write. */
PETSC_EXTERN PetscErrorCode NMDistMatrixWriteRows(NMDistMatrix mat, NMDataset ds, PetscInt s);
/* The eigenvalues of the square NM_DIST_GRID matrix a (overwritten): real and imaginary
   parts, n each, on every rank, unsorted (complex pairs adjacent, positive imaginary part
   first). Hessenberg reduction (pdgehrd) and the multishift Hessenberg QR algorithm
   (pdlahqr, eigenvalues only; not pdhseqr, wrong in ScaLAPACK 2.2.1, see
   src/analysis_dist_eig.c); the block size must be >= 6 and the grid P x 1 (pdlahqr
   is wrong on grids of several process columns). */
PETSC_EXTERN PetscErrorCode NMDistMatrixEigenvalues(NMDistMatrix a, PetscReal wr[], PetscReal wi[]);
/* Every value finite, no region constant; collective error naming the first bad region. */
PETSC_EXTERN PetscErrorCode NMDistSeriesCheck(NMDistMatrix series, const char what[]);

/* The series (t x n, NM_DIST_COLUMNS) centred, each region minus its mean, into y
   (t x n, NM_DIST_GRID). */
PETSC_EXTERN PetscErrorCode NMDistAnalysisCentre(NMDistMatrix series, NMDistMatrix y);
/* Covariance C = Y^T Y / (t - 1) (n x n, NM_DIST_GRID) of the centred series y (pdgemm). */
PETSC_EXTERN PetscErrorCode NMDistAnalysisCovariance(NMDistMatrix y, NMDistMatrix cov);
/* FC r_ij = c_ij / sqrt(c_ii c_jj) of the covariance c, into fc (may be c itself). */
PETSC_EXTERN PetscErrorCode NMDistAnalysisFC(NMDistMatrix cov, NMDistMatrix fc);
/* FCD as NMAnalysisFCD, of the series (t x n, NM_DIST_COLUMNS): windows of `window`
   samples every `step`; *nwin is set, fcd (nwin x nwin) is set on every rank (call with
   fcd = NULL first for nwin). */
PETSC_EXTERN PetscErrorCode NMDistAnalysisFCD(NMDistMatrix series, PetscInt window, PetscInt step, PetscInt *nwin, PetscReal fcd[]);
/* PCA as NMAnalysisPCA: eigenvalues and explained fractions (n each, on every rank),
   and the leading k components as a k x n NM_DIST_COLUMNS matrix (row j: component j),
   or NULL. From the covariance cov (pdsyevr, n <= t) or, when n > t, from the t x t Gram
   matrix of the centred series y (the same nonzero eigenvalues; k < t). */
PETSC_EXTERN PetscErrorCode NMDistAnalysisPCA(NMDistMatrix y, NMDistMatrix cov, PetscInt k, PetscReal eigenvalues[], PetscReal explained[], NMDistMatrix components);
/* The ridge linear fit of NMAnalysisLinearFit from the normal equations
   (Z^T Z + lambda I) A^T = Z^T Y (pdposv) with the same cross-validated penalty; A goes
   to at (n x n, NM_DIST_COLUMNS: column i is row i of A), fit->A stays NULL, the other
   fields are set on every rank. cov_eigenvalues (n) give the participation ratio. */
PETSC_EXTERN PetscErrorCode NMDistAnalysisLinearFit(NMDistMatrix series, PetscInt nl, const PetscReal lambdas[], PetscInt folds, const PetscReal cov_eigenvalues[], NMLinearFit *fit, NMDistMatrix at);
