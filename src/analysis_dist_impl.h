#pragma once
/* Private to src/analysis_dist*.c: the grid and matrix objects of
   include/netmass/analysis_dist.h. */
#include <netmass/analysis_dist.h>
#include "scalapack_decl.h"

struct _n_NMDistGrid {
  MPI_Comm    comm;
  PetscMPIInt rank, size;
  PetscInt    p, q, nb;    /* grid shape, block size */
  char        name[32];    /* options -<name>_grid, -<name>_block */
  int         handle;      /* BLACS system handle of comm */
  int         ctxt;        /* the P x Q grid */
  int         ctxt_cols;   /* 1 x size: NM_DIST_COLUMNS */
  int         ctxt_root;   /* 1 x 1 on rank 0 (-1 elsewhere): gathers */
  int         myrow, mycol;
  PetscBool   setup;
};

struct _n_NMDistMatrix {
  NMDistGrid   grid;
  NMDistLayout layout;
  PetscInt     m, n, mloc, nloc;
  PetscInt    *rows, *cols; /* global indices of the local rows, columns */
  int          desc[9];
  PetscReal   *a;           /* mloc x nloc, column-major, leading dimension max(1, mloc) */
};

/* The same size and layout as mat, zeroed. */
PETSC_INTERN PetscErrorCode NMDistMatrixDuplicate(NMDistMatrix mat, NMDistMatrix *dup);
/* An n-vector indexed by global column: every rank adds its entries, summed over comm. */
PETSC_INTERN PetscErrorCode NMDistSumVector(NMDistGrid grid, PetscInt n, PetscReal v[]);
