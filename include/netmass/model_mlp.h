#pragma once
/* The learned node model (netmass train) as a node model of the simulator and the
   fixed-point search: src/models/model_mlp.c. */
#include <netmass/infer.h>
#include <netmass/model.h>

#define NM_MLP_MAX_HIDDEN 256

/* A node model from trained model `im`: states x (ns), parameters theta_r (mr, default 0)
   and theta_s (default: subject `subject`'s posterior mean), time step delta (s) = the
   sample period of the training data. The model holds copies of the weights. */
PETSC_EXTERN PetscErrorCode NMModelMLPCreate(NMInferModel im, PetscReal delta, PetscInt subject, NMModelType **model);
/* The external input u_ext that f sees (held at 0, the mean of its AR(1) prior, unless set:
   the node-level analysis sets it over a grid); errors for a variant without u_ext. */
PETSC_EXTERN PetscErrorCode NMModelMLPSetExternalInput(const NMModelType *model, PetscReal uext);
PETSC_EXTERN PetscBool      NMModelMLPHasExternalInput(const NMModelType *model);
PETSC_EXTERN PetscErrorCode NMModelMLPDestroy(NMModelType **model);
