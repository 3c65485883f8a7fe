#pragma once
/* What a trained model says about a cohort (Sip et al. 2023, Methods "Evaluation"):
   posteriors of every item (encode), posterior-predictive simulations of whole subjects
   (generate), and parameter recovery, FC similarity, posterior collapse and the ELBO of
   every item (evaluate). */
#include <netmass/cohort.h>
#include <netmass/infer_items.h>
#include <netmass/infer_modelfile.h>

#define NM_FORMAT_ENCODING   "netmass-encoding"
#define NM_FORMAT_GENERATED  "netmass-generated"
#define NM_FORMAT_EVALUATION "netmass-evaluation"

/* A trained model with the cohort it is applied to: checks that the cohort's subjects,
   regions and samples are the model's (the one-hot width and the encoders depend on them). */
typedef struct {
  NMInferTrained trained;
  NMCohort       cohort;
  NMInferItems   items;
} NMInferSession;
PETSC_EXTERN PetscErrorCode NMInferSessionLoad(MPI_Comm comm, const char model_path[], const char cohort_path[], NMInferSession *ses);
PETSC_EXTERN PetscErrorCode NMInferSessionDestroy(NMInferSession *ses);

/* Posteriors of items [i0, i1): theta_r (mean, log variance; (i1-i0) x mr) and states
   ((i1-i0) x nt x ns); any output may be NULL. Encoded in pieces of 64 items. */
PETSC_EXTERN PetscErrorCode NMInferEncodeRange(NMInferModel m, const NMInferItems *items, PetscInt i0, PetscInt i1, double thr_mu[], double thr_logvar[], double x_mu[], double x_logvar[]);

/* One posterior-predictive simulation of subject s (Sip et al.): theta_r of every region
   drawn from its posterior (thr_mu, thr_logvar: nregions x mr), theta_s from q(theta_s),
   u_ext from its AR(1) prior, x_0 from its prior, the network input recomputed from the
   model as u = W (a x + b), n_t + n_t/2 steps of which the first n_t/2 are dropped; y
   (nregions x n_t) includes the observation noise. Keyed by (seed, s, sample). */
PETSC_EXTERN PetscErrorCode NMInferSimulateSubject(NMInferModel m, PetscInt s, const PetscReal W[], const double thr_mu[], const double thr_logvar[], PetscInt sample, uint64_t seed, double y[]);

/* The commands' work: each writes its file (collective on comm). */
PETSC_EXTERN PetscErrorCode NMInferEncodeWrite(MPI_Comm comm, NMInferSession *ses, const char path[]);
PETSC_EXTERN PetscErrorCode NMInferGenerateWrite(MPI_Comm comm, NMInferSession *ses, PetscInt nsamples, uint64_t seed, const char path[]);
PETSC_EXTERN PetscErrorCode NMInferEvaluateWrite(MPI_Comm comm, NMInferSession *ses, const char cohort_path[], PetscInt nsim, PetscInt nrecovery, uint64_t seed, const char path[]);
