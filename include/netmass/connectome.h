#pragma once
/* NMConnectome: a structural connectome of N regions.

   Convention (all of netmass): weights[r*N + e] is the strength of the connection
   from emitter e to receiver r, i.e. row = receiver, column = emitter, so the input
   to region r is sum_e weights[r,e] * c(x_e). tract_lengths has the same layout, in mm.
   centres are N x 3 in mm. Every rank holds the whole (dense) connectome: N is at most
   a few thousand; distributed engines build their own sparse, partitioned structures. */
#include <petscsys.h>
#include <petscviewer.h>

typedef struct _n_NMConnectome *NMConnectome;

#define NM_FORMAT_CONNECTOME "netmass-connectome"
#define NM_LABEL_LEN 64

PETSC_EXTERN PetscErrorCode NMConnectomeCreate(MPI_Comm comm, PetscInt n, NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMConnectomeDestroy(NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMConnectomeGetSize(NMConnectome conn, PetscInt *n);
/* Direct access to the N x N (row-major) weights and lengths and the N x 3 centres. */
PETSC_EXTERN PetscErrorCode NMConnectomeGetArrays(NMConnectome conn, PetscReal **weights, PetscReal **lengths, PetscReal **centres);
PETSC_EXTERN PetscErrorCode NMConnectomeGetLabels(NMConnectome conn, const char *const **labels);
PETSC_EXTERN PetscErrorCode NMConnectomeSetLabel(NMConnectome conn, PetscInt i, const char label[]);
/* Free text saying where the data came from (file, generator and its parameters). */
PETSC_EXTERN PetscErrorCode NMConnectomeSetSource(NMConnectome conn, const char source[]);
PETSC_EXTERN PetscErrorCode NMConnectomeGetSource(NMConnectome conn, const char **source);
/* Check finite, non-negative weights and lengths; `origin` names the input in messages. */
PETSC_EXTERN PetscErrorCode NMConnectomeValidate(NMConnectome conn, const char origin[]);
/* Tract lengths from the Euclidean distances between centres (when none are given). */
PETSC_EXTERN PetscErrorCode NMConnectomeSetLengthsFromCentres(NMConnectome conn);
/* Make every rank hold rank 0's connectome (`*conn` is NULL on the other ranks). */
PETSC_EXTERN PetscErrorCode NMConnectomeBcast(MPI_Comm comm, NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMConnectomeSave(NMConnectome conn, const char path[]);
PETSC_EXTERN PetscErrorCode NMConnectomeLoad(MPI_Comm comm, const char path[], NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMConnectomeView(NMConnectome conn, PetscViewer viewer);

/* Shared checks on a dense matrix read from `origin` (file name, subject, ...). */
PETSC_EXTERN PetscErrorCode NMCheckMatrix(MPI_Comm comm, const char origin[], const char what[], PetscInt rows, PetscInt cols, const PetscReal a[], PetscBool nonnegative);
