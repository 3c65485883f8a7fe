/* The firing-rate transfer function of the Wong-Wang mean-field models (pmfm, rww2):
   H(z) = z / (1 - exp(-d z)) (Abbott & Chance 2005; Deco et al. 2013 eq. 3,
   Deco et al. 2014), z = a I - b, and its derivative. */
#ifndef NM_MODELS_RATE_TRANSFER_H
#define NM_MODELS_RATE_TRANSFER_H
#include <math.h>
#include <petscsys.h>

/* H(z) and, when dHdz is not NULL, dH/dz, stable at z = 0 (value 1/d). With t = d z and
   D = 1 - e^-t = -expm1(-t):
     H = z / D,  dH/dz = (1 - t / expm1(t)) / D,  t / expm1(t) = t (1 - D) / D
   (expm1(t) = D / (1 - D)), so one expm1 serves both; below t = -40 expm1(t) is -1 in
   double and t / expm1(t) = -t (this also keeps D^-1 overflow out). For |t| < 1e-3, where
   1 - t/expm1(t) cancels, the series t/(1 - e^-t) = 1 + t/2 + t^2/12 - t^4/720 + O(t^6)
   (truncation below 1e-19 relative). Large |t| gives H -> 0 or H -> z, never NaN. */
static inline PetscReal NMRateTransfer(PetscReal z, PetscReal d, PetscReal *dHdz)
{
  const PetscReal t = d * z;

  if (PetscAbsReal(t) < 1e-3) {
    const PetscReal t2 = t * t;
    if (dHdz) *dHdz = 0.5 + t / 6 - t * t2 / 180;
    return (1 + t / 2 + t2 / 12 - t2 * t2 / 720) / d;
  } else {
    const PetscReal D = -expm1(-t);
    if (dHdz) *dHdz = (1 - (t < -40 ? -t : t * (1 - D) / D)) / D;
    return z / D;
  }
}
#endif
