#pragma once
/* Time steppers for one node over one step h, given the network input at the start
   (u0) and the end (u1) of the step (known: every delay is at least one step) and
   standard normal variates z (nstate per node and step, from the counter-based streams).

   - ll:    Local Linearization (Jimenez 2002): the node is linearised at x_n and the
            linear system with a linearly varying input is integrated exactly through the
            exponential of the augmented Jacobian; additive noise enters with the exact
            covariance of the linearised system over the step (Van Loan 1978). For the
            Zetterberg-Jansen-Rit column each PSP block is integrated in closed form with
            its sigmoidal input held over the step (integrator_ll_zjr.c); for two-state
            models the same LL step in closed form (expm_2x2.c; on by default).
   - euler: Euler-Maruyama, x + h f(x, u0) + sigma sqrt(h) z.
   - heun:  stochastic Heun (additive noise): predictor as Euler, corrector
            x + h/2 (f(x, u0) + f(x~, u1)) + sigma sqrt(h) z with the same z. */
#include <netmass/model.h>

typedef enum {
  NM_INTEGRATOR_LL,
  NM_INTEGRATOR_EULER,
  NM_INTEGRATOR_HEUN
} NMIntegratorType;
PETSC_EXTERN const char *const NMIntegratorTypes[];

typedef struct _n_NMIntegrator *NMIntegrator;

PETSC_EXTERN PetscErrorCode NMIntegratorCreate(const NMModelType *model, NMIntegratorType type, PetscReal h, NMIntegrator *integ);
PETSC_EXTERN PetscErrorCode NMIntegratorDestroy(NMIntegrator *integ);
/* Use the closed-form LL step for two-state models (default PETSC_TRUE; PETSC_FALSE: the
   general Pade-based step, same mathematics; -ll_closed_form of the simulator). No effect
   on other integrators and models. */
PETSC_EXTERN PetscErrorCode NMIntegratorSetClosedForm(NMIntegrator integ, PetscBool flg);
/* x1 = one step from x0 (x0 and x1 may not alias). */
PETSC_EXTERN PetscErrorCode NMIntegratorStep(NMIntegrator integ, const PetscReal x0[], const PetscReal u0[], const PetscReal u1[], PetscReal self, const PetscReal theta[], const PetscReal z[], PetscReal x1[]);

/* The closed-form ZJR step (exposed for its test against the general LL step). */
PETSC_EXTERN PetscErrorCode NMZJRStepClosedForm(const PetscReal x0[], const PetscReal u0[], const PetscReal theta[], PetscReal h, const PetscReal z[], PetscReal x1[]);
/* Exact one-step covariance of a critically damped PSP block y' = v, v' = -b^2 y - 2 b v + q xi. */
PETSC_EXTERN void NMPSPNoiseCovariance(PetscReal beta, PetscReal q, PetscReal h, PetscReal Q[3]);
