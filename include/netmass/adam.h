#pragma once
/* NMAdam: the Adam optimiser (Kingma & Ba 2015, Algorithm 1) in the form Keras uses,
   with the bias corrections folded into the step size and epsilon added to sqrt(v):
     g <- clip(g, -c, c)                  (elementwise, Keras' clipvalue)
     m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2
     theta <- theta - lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
   Sip et al. 2023 train with b1 0.9, b2 0.999, eps 1e-7, lr 1e-3 and clip 1000. */
#include <petscsys.h>

typedef struct _n_NMAdam *NMAdam;

PETSC_EXTERN PetscErrorCode NMAdamCreate(size_t n, NMAdam *adam);
PETSC_EXTERN PetscErrorCode NMAdamSetParameters(NMAdam adam, PetscReal lr, PetscReal beta1, PetscReal beta2, PetscReal eps, PetscReal clip);
/* One step on theta (length n) with gradient grad; grad is clipped in place. */
PETSC_EXTERN PetscErrorCode NMAdamStep(NMAdam adam, double theta[], double grad[]);
/* The state a checkpoint saves and restores: steps taken and the two moment vectors. */
PETSC_EXTERN PetscErrorCode NMAdamGetState(NMAdam adam, PetscInt64 **steps, double **m, double **v);
PETSC_EXTERN PetscErrorCode NMAdamDestroy(NMAdam *adam);
