#pragma once
/* Balloon-Windkessel haemodynamics (Friston, Mechelli, Turner & Price 2003, eq. 2-4 and
   Table 1 priors; Buxton et al. 1998), the BOLD monitor of the simulator.
   State per region (s, f, v, q): vasodilatory signal, inflow, volume, deoxyhaemoglobin.
     s' = z - kappa s - gamma (f - 1),   f' = s,
     tau v' = f - v^(1/alpha),           tau q' = f (1 - (1 - rho)^(1/f)) / rho - v^(1/alpha) q / v,
     y = V0 [k1 (1 - q) + k2 (1 - q/v) + k3 (1 - v)],  k1 = 7 rho, k2 = 2, k3 = 2 rho - 0.2,
   with kappa 0.65 /s, gamma 0.41 /s, tau 0.98 s, alpha 0.32, rho 0.34, V0 0.02.
   Integrated with Heun's method (RK2) at the simulation step, driven by the neural
   signal z (the node's first coupling output), in the log-transformed states
   (s, ln f, ln v, ln q) of Stephan et al. 2007, so that flow, volume and
   deoxyhaemoglobin stay positive however strong the drive. */
#include <petscsys.h>

typedef struct {
  PetscReal kappa, gamma, tau, alpha, rho, V0;
} NMBalloonParams;

PETSC_EXTERN void NMBalloonDefaults(NMBalloonParams *p);
/* Resting state: (s, ln f, ln v, ln q) = 0. */
PETSC_EXTERN void NMBalloonRest(PetscReal x[4]);
/* One Heun step of length h with drive z held over the step. */
PETSC_EXTERN void NMBalloonStep(const NMBalloonParams *p, PetscReal x[4], PetscReal z, PetscReal h);
PETSC_EXTERN PetscReal NMBalloonSignal(const NMBalloonParams *p, const PetscReal x[4]);
