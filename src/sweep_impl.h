#pragma once
/* Private to the sweep: the table of a grid's results, as held in memory, in point
   files, in slices and in the result file. */
#include <netmass/sweep.h>

#define NM_SWEEP_NAME_LEN 32

typedef struct {
  NMSweepGrid grid;
  PetscInt    nbands, nscores;  /* nscores = NM_SCORE_BAND0 + nbands */
  PetscReal  *bands;            /* nbands x 2 (Hz) */
  PetscReal  *scores, *seconds; /* P x nscores, P */
  PetscInt   *done;             /* P: 1 finished, 0 not */
  char        best[NM_SWEEP_NAME_LEN]; /* the score that picks the best point */
  char        observe[8];       /* the monitor scored */
} NMSweepTable;

/* Allocate the table of `grid` (taken over) with every point unfinished. */
PetscErrorCode NMSweepTableCreate(NMSweepGrid *grid, PetscInt nbands, const PetscReal bands[], const char best[], const char observe[], NMSweepTable *t);
PetscErrorCode NMSweepTableDestroy(NMSweepTable *t);
/* The best finished point (-1 if none): the largest score, or the smallest for fcd_ks. */
PetscInt       NMSweepTableBest(const NMSweepTable *t);
/* The result file (format netmass-sweep); written by rank 0's table, collectively. */
PetscErrorCode NMSweepTableWrite(MPI_Comm comm, const NMSweepTable *t, const char path[]);
/* Read a result or slice file into a table (every rank). */
PetscErrorCode NMSweepTableRead(MPI_Comm comm, const char path[], NMSweepTable *t);
/* One finished point's file (format netmass-sweep-point): its scores, written by a group. */
PetscErrorCode NMSweepPointWrite(MPI_Comm group, const NMSweepTable *t, PetscInt p, const char path[]);
/* Fill point p of the table from its file (rank-local), checking it belongs to this grid. */
PetscErrorCode NMSweepPointRead(const NMSweepTable *t, const char path[], PetscInt p);
PETSC_EXTERN const char *const NMSweepScoreNames[];
