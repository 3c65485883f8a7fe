#pragma once
/* NMCohort: S subjects sharing one parcellation of N regions, each with a structural
   connectome (weights, tract lengths; receiver x emitter as in NMConnectome) and
   optionally an fMRI time series of T samples taken every `tr` seconds.
   Arrays are row-major: weights[(s*N + r)*N + e], bold[(s*N + r)*T + t]. */
#include <netmass/connectome.h>

typedef struct _n_NMCohort *NMCohort;

#define NM_FORMAT_COHORT "netmass-cohort"

/* T = 0 makes a cohort of connectomes only. */
PETSC_EXTERN PetscErrorCode NMCohortCreate(MPI_Comm comm, PetscInt s, PetscInt n, PetscInt t, NMCohort *cohort);
PETSC_EXTERN PetscErrorCode NMCohortDestroy(NMCohort *cohort);
PETSC_EXTERN PetscErrorCode NMCohortGetSizes(NMCohort cohort, PetscInt *s, PetscInt *n, PetscInt *t);
PETSC_EXTERN PetscErrorCode NMCohortGetArrays(NMCohort cohort, PetscReal **weights, PetscReal **lengths, PetscReal **bold);
PETSC_EXTERN PetscErrorCode NMCohortSetTR(NMCohort cohort, PetscReal tr);
PETSC_EXTERN PetscErrorCode NMCohortGetTR(NMCohort cohort, PetscReal *tr);
PETSC_EXTERN PetscErrorCode NMCohortSetSubjectId(NMCohort cohort, PetscInt s, const char id[]);
PETSC_EXTERN PetscErrorCode NMCohortGetSubjectIds(NMCohort cohort, const char *const **ids);
PETSC_EXTERN PetscErrorCode NMCohortSetRegionLabel(NMCohort cohort, PetscInt r, const char label[]);
PETSC_EXTERN PetscErrorCode NMCohortGetRegionLabels(NMCohort cohort, const char *const **labels);
PETSC_EXTERN PetscErrorCode NMCohortSetSource(NMCohort cohort, const char source[]);
/* Ground truth of a synthetic cohort, saved with it: the model, its parameter names,
   each node's parameters theta (s x n x nparam) and each subject's coupling G (s). */
PETSC_EXTERN PetscErrorCode NMCohortSetTruth(NMCohort cohort, const char model[], PetscInt nparam, const char *const names[], const PetscReal theta[], const PetscReal G[]);
/* Make every rank hold rank 0's cohort (`*cohort` is NULL on the other ranks). */
PETSC_EXTERN PetscErrorCode NMCohortBcast(MPI_Comm comm, NMCohort *cohort);
PETSC_EXTERN PetscErrorCode NMCohortValidate(NMCohort cohort, const char origin[]);
/* Subjects are split over ranks for one collective write per dataset. */
PETSC_EXTERN PetscErrorCode NMCohortSave(NMCohort cohort, const char path[]);
PETSC_EXTERN PetscErrorCode NMCohortLoad(MPI_Comm comm, const char path[], NMCohort *cohort);
/* Subject `subject` (0-based) of a cohort file as a connectome (every rank). */
PETSC_EXTERN PetscErrorCode NMCohortLoadConnectome(MPI_Comm comm, const char path[], PetscInt subject, NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMConnectomeFileSubjects(MPI_Comm comm, const char path[], PetscInt *subjects);
/* S subject connectomes derived from `base`: weights W + eps max(W) N(0,1) on its edges
   (symmetric, clipped at 0, rescaled to the base's maximum) and tract lengths times
   exp(jitter N(0,1)) (symmetric), subject s keyed by (seed, s); a cohort without fMRI. */
PETSC_EXTERN PetscErrorCode NMCohortDerive(MPI_Comm comm, NMConnectome base, PetscInt S, PetscReal eps, PetscReal jitter, PetscInt64 seed, NMCohort *cohort);
PETSC_EXTERN PetscErrorCode NMCohortView(NMCohort cohort, PetscViewer viewer);
