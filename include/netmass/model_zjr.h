#pragma once
/* Zetterberg-Jansen-Rit column (src/models/model_zjr.c): what an integrator needs beyond
   the generic NMModelType interface of <netmass/model.h>.

   The column is three second-order post-synaptic-potential (PSP) blocks, one per mass
   j in {pyr, inh, ste}, each a linear oscillator driven by its input rate
       rho_j = mu_j + s(ytilde_j),   ytilde = C y (+ network input u on the stellate mass).
   The local-linearisation scheme of González-Mitjans et al. (NeuroImage 2023) holds rho_j
   fixed over a step and integrates the linear blocks exactly, so it needs rho itself. */
#include <netmass/model.h>

/* Indices into theta (the order of NMModelZJR.params). */
typedef enum {
  NM_ZJR_H_PYR,
  NM_ZJR_H_INH,
  NM_ZJR_H_STE,
  NM_ZJR_BETA_PYR,
  NM_ZJR_BETA_INH,
  NM_ZJR_BETA_STE,
  NM_ZJR_E0,
  NM_ZJR_V0,
  NM_ZJR_R,
  NM_ZJR_C_PYR_INH,
  NM_ZJR_C_PYR_STE,
  NM_ZJR_C_INH_PYR,
  NM_ZJR_C_STE_PYR,
  NM_ZJR_MU_PYR,
  NM_ZJR_MU_INH,
  NM_ZJR_MU_STE,
  NM_ZJR_SIGMA_PYR,
  NM_ZJR_SIGMA_INH,
  NM_ZJR_SIGMA_STE,
  NM_ZJR_NPARAM
} NMZJRParam;

/* Indices of the masses (PSP blocks) and of the states: x = [y_pyr, z_pyr, y_inh, z_inh, y_ste, z_ste]. */
typedef enum {
  NM_ZJR_PYR,
  NM_ZJR_INH,
  NM_ZJR_STE
} NMZJRMass;

/* rho_j = mu_j + s(ytilde_j) (s^-1) of the three masses at state x with network input u[0] (mV). */
PETSC_EXTERN void NMZJRPsp(const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal rho[3]);
/* The sigmoid s(v) = 2 e0 / (1 + exp(r (v0 - v))) (s^-1) of theta. */
PETSC_EXTERN PetscReal NMZJRSigmoid(PetscReal v, const PetscReal theta[]);
