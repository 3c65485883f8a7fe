#include "elbo_impl.h"
#include <math.h>

/* The terms of the ELBO of Sip et al. (2023), eq. 10-20, and their gradients. Every
   expectation is the single-sample Monte Carlo value at the reparameterised sample; the KL
   divergences of the parameters are analytic. */

#define NM_LOG_2PI 1.8378770664093454836

PetscErrorCode NMInferTermLogLik(PetscInt n, PetscInt ns, const double y[], PetscInt ldy, const double X[], const double a[], double b, double olv, double w, double *val, double dX[], double da[], double *db, double *dolv)
{
  const double iv = exp(-olv);
  double       s = 0;

  PetscFunctionBegin;
  for (PetscInt r = 0; r < n; r++) {
    const double *x = X + r * ns;
    double        res = y[r * ldy] - b, g;
    for (PetscInt j = 0; j < ns; j++) res -= a[j] * x[j];
    s += res * res;
    g = w * res * iv; /* d/d(a.x + b) of w log N(y | a.x + b, e^olv) */
    if (dX)
      for (PetscInt j = 0; j < ns; j++) dX[r * ns + j] += g * a[j];
    if (da)
      for (PetscInt j = 0; j < ns; j++) da[j] += g * x[j];
    if (db) *db += g;
  }
  *val = -0.5 * ((double)n * (NM_LOG_2PI + olv) + s * iv);
  if (dolv) *dolv += w * (-0.5 * (double)n + 0.5 * s * iv);
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferTermX0(PetscInt n, PetscInt ns, const double X[], double lv0, double w, double *val, double dX[])
{
  const double iv = exp(-lv0);
  double       s = 0;

  PetscFunctionBegin;
  for (PetscInt q = 0; q < n * ns; q++) {
    s += X[q] * X[q];
    if (dX) dX[q] -= w * X[q] * iv;
  }
  *val = -0.5 * ((double)(n * ns) * (NM_LOG_2PI + lv0) + s * iv);
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferTermTransition(PetscInt n, PetscInt ns, PetscInt next, const double X[], const double F[], const double slv[], double w, double *val, double dX[], double dF[], double dslv[])
{
  double s = 0;

  PetscFunctionBegin;
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt j = 0; j < ns; j++) {
      const PetscInt q = r * ns + j;
      const double   iv = exp(-slv[j]), res = X[q + next] - X[q] - F[q], g = w * res * iv;
      s += NM_LOG_2PI + slv[j] + res * res * iv;
      if (dX) {
        dX[q + next] -= g;
        dX[q] += g;
      }
      if (dF) dF[q] += g;
      if (dslv) dslv[j] += w * (-0.5 + 0.5 * res * res * iv);
    }
  *val = -0.5 * s;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferTermEntropy(PetscInt n, PetscInt k, const double x[], PetscInt ldx, const double mu[], const double lv[], PetscInt ldp, double w, double *val, double dx[], double dmu[], double dlv[])
{
  double s = 0;

  PetscFunctionBegin;
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt j = 0; j < k; j++) {
      const PetscInt p = r * ldp + j;
      const double   iv = exp(-lv[p]), d = x[r * ldx + j] - mu[p];
      s += NM_LOG_2PI + lv[p] + d * d * iv;
      if (dx) dx[r * ldx + j] += w * d * iv;
      if (dmu) dmu[p] -= w * d * iv;
      if (dlv) dlv[p] += w * (0.5 - 0.5 * d * d * iv);
    }
  *val = 0.5 * s;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferTermKL(PetscInt n, PetscInt k, const double mu[], const double lv[], PetscInt ldp, double w, double *val, double dmu[], double dlv[])
{
  double s = 0;

  PetscFunctionBegin;
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt j = 0; j < k; j++) {
      const PetscInt p = r * ldp + j;
      const double   ev = exp(lv[p]);
      s += mu[p] * mu[p] + ev - 1.0 - lv[p];
      if (dmu) dmu[p] += w * mu[p];
      if (dlv) dlv[p] += w * 0.5 * (ev - 1.0);
    }
  *val = 0.5 * s;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferTermAR1(PetscInt nt, PetscInt nb, const double U[], double logtau, double w, double *val, double dU[], double *dlogtau)
{
  const double tau = exp(logtau), alpha = exp(-1.0 / tau), v = 1.0 - alpha * alpha, logv = log(v);
  double       s = 0, dalpha = 0;

  PetscFunctionBegin;
  for (PetscInt r = 0; r < nb; r++) {
    s += NM_LOG_2PI + U[r] * U[r];
    if (dU) dU[r] -= w * U[r];
  }
  for (PetscInt k = 0; k + 1 < nt; k++)
    for (PetscInt r = 0; r < nb; r++) {
      const PetscInt q = k * nb + r;
      const double   res = U[q + nb] - alpha * U[q];
      s += NM_LOG_2PI + logv + res * res / v;
      if (dU) {
        dU[q + nb] -= w * res / v;
        dU[q] += w * alpha * res / v;
      }
      /* d/dalpha through the mean and through v = 1 - alpha^2 */
      dalpha += res * U[q] / v + alpha * (1.0 / v - res * res / (v * v));
    }
  *val = -0.5 * s;
  if (dlogtau) *dlogtau += w * dalpha * alpha / tau; /* dalpha/dlogtau = alpha / tau */
  PetscFunctionReturn(0);
}
