#pragma once
/* NMSweep: simulate a grid of parameter values (any simulate option: G, velocity, a
   model parameter, ...) and score each point against empirical data: FC similarity,
   mean FC, FCD similarity (KS distance) and band power. MPI_COMM_WORLD is split into
   groups of -sweep_group_size ranks; a group takes the next unfinished point from a
   shared counter (one MPI one-sided fetch-and-add), so points of unequal cost balance
   themselves. Each finished point is stored at once, atomically, in its own small file
   beside the output; a killed sweep resumed with -restart skips them. When every point
   is done, one result file with the grid as named axes replaces them.

   Lifecycle: Create -> SetFromOptions -> SetUp -> Run -> Destroy. */
#include <petscsys.h>

typedef struct _n_NMSweep *NMSweep;

#define NM_FORMAT_SWEEP       "netmass-sweep"
#define NM_FORMAT_SWEEP_POINT "netmass-sweep-point"
#define NM_SWEEP_MAX_AXES     4

/* A grid: axes of option names and values; points enumerate it row-major (the first
   axis slowest). Parsed from "name:lo:hi:count" (linspace) or "name:v1,v2,..." per
   axis, axes separated by ';' (-sweep "G:0:0.7:64;velocity:3,6,12"). */
typedef struct {
  PetscInt   naxes, npoints;
  char       names[NM_SWEEP_MAX_AXES][64];
  PetscInt   count[NM_SWEEP_MAX_AXES];
  PetscReal *values[NM_SWEEP_MAX_AXES];
  char      *spec; /* canonical text of the grid (every value), to match restarts and slices */
} NMSweepGrid;

PETSC_EXTERN PetscErrorCode NMSweepGridParse(MPI_Comm comm, const char option[], const char text[], NMSweepGrid *grid);
/* The axis values of flat point p. */
PETSC_EXTERN void           NMSweepGridPoint(const NMSweepGrid *grid, PetscInt p, PetscReal values[]);
PETSC_EXTERN PetscErrorCode NMSweepGridDestroy(NMSweepGrid *grid);

/* What each point is scored by: the empirical FC (upper triangle), the sorted values of
   the empirical FCD, the FCD window and step (s), and the frequency bands (Hz). */
typedef struct {
  PetscInt   n;                        /* regions */
  PetscReal *fc;                       /* n(n-1)/2: empirical FC upper triangle (NULL: no target) */
  PetscInt   nfcd;
  PetscReal *fcd;                      /* nfcd sorted FCD values of the target */
  PetscReal  fcd_window, fcd_step;     /* s */
  PetscInt   nbands;
  PetscReal *bands;                    /* nbands x 2: [lo, hi) in Hz */
  PetscReal  welch_segment;            /* s */
} NMSweepScoring;

/* Scores of one point, in this order; band powers follow. */
enum { NM_SCORE_FC_SIMILARITY, NM_SCORE_FC_MEAN, NM_SCORE_FCD_KS, NM_SCORE_BAND0 };

/* Read the target (cohort file with bold; subject < 0: the mean FC over subjects and the
   FCD values of all of them) and keep n regions' statistics. */
PETSC_EXTERN PetscErrorCode NMSweepScoringLoadTarget(MPI_Comm comm, const char path[], PetscInt subject, NMSweepScoring *sc);
/* Score a model series x (n x t, row-major, sampled every dt s): NM_SCORE_BAND0 + nbands
   values. A constant region makes FC undefined: the FC and FCD scores are then NaN. */
PETSC_EXTERN PetscErrorCode NMSweepScore(const NMSweepScoring *sc, PetscInt n, PetscInt t, PetscReal dt, const PetscReal x[], PetscReal scores[]);
PETSC_EXTERN PetscErrorCode NMSweepScoringDestroy(NMSweepScoring *sc);

PETSC_EXTERN PetscErrorCode NMSweepCreate(MPI_Comm comm, NMSweep *sweep);
PETSC_EXTERN PetscErrorCode NMSweepSetFromOptions(NMSweep sweep);
PETSC_EXTERN PetscErrorCode NMSweepSetUp(NMSweep sweep);
PETSC_EXTERN PetscErrorCode NMSweepRun(NMSweep sweep, const char path[]);
PETSC_EXTERN PetscErrorCode NMSweepDestroy(NMSweep *sweep);
/* Join the slices of one grid (-sweep_slice I:N runs) into one result file. */
PETSC_EXTERN PetscErrorCode NMSweepMerge(MPI_Comm comm, PetscInt nslices, char *const slices[], const char path[]);
