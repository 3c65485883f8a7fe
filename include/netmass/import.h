#pragma once
/* Readers for connectomes and fMRI from outside netmass: The Virtual Brain's
   connectivity zips, MATLAB .mat files (via libmatio) and plain text matrices.
   Each reader validates shape and values and names the file in every error. */
#include <netmass/connectome.h>
#include <netmass/cohort.h>

/* Whole file into a NUL-terminated buffer; `option` names the option that gave it. */
PETSC_EXTERN PetscErrorCode NMReadFileText(const char option[], const char path[], char **text, size_t *len);

/* Whitespace-separated numeric matrix; every non-empty line is one row and all rows
   must have the same number of columns. `origin` names the source in errors. */
PETSC_EXTERN PetscErrorCode NMTextMatrixParse(const char origin[], const char text[], PetscInt *rows, PetscInt *cols, PetscReal **a);
/* TVB centres: n lines "label x y z" (mm). */
PETSC_EXTERN PetscErrorCode NMTextCentresParse(const char origin[], const char text[], PetscInt n, char ***labels, PetscReal centres[]);

/* A MATLAB variable holding a real 2-D matrix, returned row-major. When `name` is not
   in the file and the file holds exactly one variable, that one is used. */
PETSC_EXTERN PetscErrorCode NMMatReadMatrix(const char path[], const char name[], PetscInt *rows, PetscInt *cols, PetscReal **a);

/* Collective; the files are read on rank 0 and the result broadcast. */
PETSC_EXTERN PetscErrorCode NMImportTVBZip(MPI_Comm comm, const char path[], NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMImportText(MPI_Comm comm, const char weights[], const char lengths[], const char centres[], NMConnectome *conn);

/* HCP-style cohort: one sub-folder per subject (sorted by name) holding the fMRI
   time series (regions x time) and the structural connectome and tract lengths. */
typedef struct {
  char      tc_file[PETSC_MAX_PATH_LEN], tc_var[64];
  char      sc_file[PETSC_MAX_PATH_LEN], sc_var[64];
  char      len_file[PETSC_MAX_PATH_LEN], len_var[64];
  PetscReal tr; /* s */
} NMHCPLayout;
PETSC_EXTERN PetscErrorCode NMHCPLayoutDefault(NMHCPLayout *layout);
PETSC_EXTERN PetscErrorCode NMImportHCPDir(MPI_Comm comm, const char dir[], const NMHCPLayout *layout, NMCohort *cohort);
