#include <netmass/integrator.h>
#include <netmass/model_zjr.h>

/* Local Linearization of the Zetterberg-Jansen-Rit column (Gonzalez-Mitjans et al.,
   sec. 2.3; Valdes-Sosa et al. 2009): over one step each PSP block
       y' = v,   v' = -b^2 y - 2 b v + a b rho + a b sigma xi      (a = h_j, b = beta_j)
   is a critically damped linear oscillator driven by its input rate rho_j held at its
   value at t_n. Its exact solution, with y* = a rho / b the equilibrium and e = y - y*:
       e(t) = exp(-b t) [(1 + b t) e0 + t v0]
       v(t) = exp(-b t) [-b^2 t e0 + (1 - b t) v0]
   The paper's printed LL matrices (its eq. 15-16) contain typos; this form is derived
   from the matrix exponential of A = [[0, 1], [-b^2, -2b]] and tested against the general
   LL step (NMLLStep) and the exact noise covariance (NMLLNoiseCovariance). */

/* int_0^h s^k exp(-a s) ds for k = 0, 1, 2, accurate also when a h is small (a series
   avoids the cancellation in 1 - exp(-a h) sum (a h)^j / j!). */
static void NMExpMoments(PetscReal a, PetscReal h, PetscReal mom[3])
{
  const PetscReal x = a * h;

  if (x < 0.1) {
    for (int k = 0; k < 3; k++) {
      PetscReal term = 1, sum = 0;
      for (int j = 0; j < 30; j++) {
        sum += term / (k + 1 + j);
        term *= -x / (j + 1);
      }
      mom[k] = PetscPowRealInt(h, k + 1) * sum;
    }
  } else {
    const PetscReal e = PetscExpReal(-x);
    mom[0] = (1 - e) / a;
    mom[1] = (1 - e * (1 + x)) / (a * a);
    mom[2] = 2 * (1 - e * (1 + x + 0.5 * x * x)) / (a * a * a);
  }
}

/* Q = int_0^h Phi(s) g g^T Phi(s)^T ds with g = (0, q) and Phi(s) g = q exp(-b s) (s, 1 - b s):
   Q = (Q11, Q12, Q22). */
void NMPSPNoiseCovariance(PetscReal beta, PetscReal q, PetscReal h, PetscReal Q[3])
{
  PetscReal mom[3];

  NMExpMoments(2 * beta, h, mom);
  Q[0] = q * q * mom[2];
  Q[1] = q * q * (mom[1] - beta * mom[2]);
  Q[2] = q * q * (mom[0] - 2 * beta * mom[1] + beta * beta * mom[2]);
}

PetscErrorCode NMZJRStepClosedForm(const PetscReal x0[], const PetscReal u0[], const PetscReal theta[], PetscReal h, const PetscReal z[], PetscReal x1[])
{
  static const int hidx[3] = {NM_ZJR_H_PYR, NM_ZJR_H_INH, NM_ZJR_H_STE}, bidx[3] = {NM_ZJR_BETA_PYR, NM_ZJR_BETA_INH, NM_ZJR_BETA_STE}, sidx[3] = {NM_ZJR_SIGMA_PYR, NM_ZJR_SIGMA_INH, NM_ZJR_SIGMA_STE};
  PetscReal rho[3];

  PetscFunctionBegin;
  NMZJRPsp(x0, u0, theta, rho);
  for (int j = 0; j < 3; j++) {
    const PetscReal a = theta[hidx[j]], b = theta[bidx[j]], sigma = theta[sidx[j]];
    const PetscReal ystar = a * rho[j] / b, e0 = x0[2 * j] - ystar, v0 = x0[2 * j + 1];
    const PetscReal bt = b * h, eb = PetscExpReal(-bt);
    x1[2 * j]     = ystar + eb * ((1 + bt) * e0 + h * v0);
    x1[2 * j + 1] = eb * (-b * bt * e0 + (1 - bt) * v0);
    if (sigma != 0) {
      /* exact noise over the step: Cholesky of the 2 x 2 covariance */
      PetscReal Q[3], l11, l21, l22;
      NMPSPNoiseCovariance(b, a * b * sigma, h, Q);
      l11 = PetscSqrtReal(Q[0]);
      l21 = l11 > 0 ? Q[1] / l11 : 0;
      l22 = PetscSqrtReal(PetscMax(Q[2] - l21 * l21, 0));
      x1[2 * j] += l11 * z[2 * j];
      x1[2 * j + 1] += l21 * z[2 * j] + l22 * z[2 * j + 1];
    }
  }
  PetscFunctionReturn(0);
}
