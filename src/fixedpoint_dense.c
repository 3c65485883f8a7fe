#include <lapacke.h>
#include <netmass/rng.h>
#include "fixedpoint_impl.h"

/* Deflated Newton on small dense systems (one uncoupled node, a grid point of the
   node-level analysis, the whole network during continuation), replicated on every rank:
   the same deflation as the SNES search (Farrell, Birkisson & Funke 2015, eq. 3.7) with
   the undamped Newton step capped at max_step, solved by LAPACK. */

PetscReal NMFPDeflationTerm(PetscReal dist, PetscReal dy, PetscReal power, PetscReal shift)
{
  PetscReal xr;

  if (dist == 0) return 0;
  xr = PetscPowReal(dist, -power);
  /* d/dx log(|d|^-p + alpha) . Y = -p |d|^(-p-2) (d . Y) / (|d|^-p + alpha) */
  return -power * xr / (dist * dist) * dy / (xr + shift);
}

PetscBool NMFPDenseKnown(const NMFPDense *d, const PetscReal x[])
{
  for (PetscInt i = 0; i < d->nroots; i++) {
    const PetscReal *r = d->roots + i * d->m;
    PetscReal        dist = 0, size = 0;
    for (PetscInt k = 0; k < d->m; k++) {
      dist = PetscMax(dist, PetscAbsReal(x[k] - r[k]));
      size = PetscMax(size, PetscAbsReal(r[k]));
    }
    if (dist <= d->merge * PetscMax(1, size)) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

PetscErrorCode NMFPDenseAdd(NMFPDense *d, const PetscReal x[])
{
  PetscFunctionBegin;
  if (d->nroots == d->cap) {
    PetscReal *grown;
    d->cap = PetscMax(8, 2 * d->cap);
    PetscCall(PetscMalloc1(d->cap * d->m, &grown));
    if (d->nroots) PetscCall(PetscArraycpy(grown, d->roots, d->nroots * d->m));
    PetscCall(PetscFree(d->roots));
    d->roots = grown;
  }
  PetscCall(PetscArraycpy(d->roots + d->nroots * d->m, x, d->m));
  d->nroots++;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPDenseSetUp(NMFPDense *d, PetscInt m, NMFPDenseFn fn, void *ctx, PetscReal power, PetscReal shift, PetscReal merge, PetscReal max_step)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(d, sizeof(*d)));
  d->m        = m;
  d->fn       = fn;
  d->ctx      = ctx;
  d->power    = power;
  d->shift    = shift;
  d->merge    = merge;
  d->max_step = max_step;
  d->atol     = 1e-10;
  d->max_its  = 100;
  PetscCall(PetscMalloc4(m, &d->F, m * m, &d->J, m, &d->Y, m, &d->ipiv));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPDenseDestroy(NMFPDense *d)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(d->F, d->J, d->Y, d->ipiv));
  PetscCall(PetscFree(d->roots));
  PetscFunctionReturn(0);
}

/* Newton from x, deflating the roots of d when `deflate`. On return *ok says whether x
   is a root (|F| <= atol, max norm). */
PetscErrorCode NMFPDenseNewton(NMFPDense *d, PetscBool deflate, PetscReal x[], PetscBool *ok, PetscInt *its)
{
  const PetscInt m = d->m;

  PetscFunctionBegin;
  *ok = PETSC_FALSE;
  for (*its = 0; *its <= d->max_its; (*its)++) {
    PetscReal  res = 0, ymax = 0, dot = 0;
    lapack_int info;
    PetscCall(d->fn(d->ctx, x, d->F, d->J));
    for (PetscInt k = 0; k < m; k++) res = PetscMax(res, PetscAbsReal(d->F[k]));
    if (!(res < PETSC_MAX_REAL)) PetscFunctionReturn(0); /* NaN or overflow: give up */
    if (res <= d->atol) {
      *ok = PETSC_TRUE;
      PetscFunctionReturn(0);
    }
    if (*its == d->max_its) break;
    PetscCall(PetscArraycpy(d->Y, d->F, m));
    info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)m, 1, d->J, (lapack_int)m, d->ipiv, d->Y, 1);
    if (info != 0) PetscFunctionReturn(0); /* singular Jacobian: this start fails */
    for (PetscInt i = 0; deflate && i < d->nroots; i++) {
      const PetscReal *r = d->roots + i * m;
      PetscReal        dist = 0, dy = 0;
      for (PetscInt k = 0; k < m; k++) {
        dist += (x[k] - r[k]) * (x[k] - r[k]);
        dy += (x[k] - r[k]) * d->Y[k];
      }
      dot += NMFPDeflationTerm(PetscSqrtReal(dist), dy, d->power, d->shift);
    }
    for (PetscInt k = 0; k < m; k++) ymax = PetscMax(ymax, PetscAbsReal(d->Y[k] /= (1 + dot)));
    if (d->max_step > 0 && ymax > d->max_step)
      for (PetscInt k = 0; k < m; k++) d->Y[k] *= d->max_step / ymax;
    for (PetscInt k = 0; k < m; k++) x[k] -= d->Y[k];
  }
  PetscFunctionReturn(0);
}

/* Farrell et al.'s use of deflation, as NMFixedPointsSolve: from each of `starts` starts,
   solve; after a new root solve again from the same start, deflated, until it yields
   nothing new. Starts uniform in [lo, hi] per state times scale, keyed by
   (seed, key, NM_FP_STREAM_DENSE + 256 s) so they do not depend on the rank count. */
PetscErrorCode NMFPDenseSearch(NMFPDense *d, PetscInt64 seed, PetscInt key, PetscInt starts, PetscInt ns, const PetscReal box[], const PetscReal scale[], PetscInt *solves)
{
  PetscReal *x;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(d->m, &x));
  for (PetscInt s = 0; s < starts; s++) {
    PetscBool again = PETSC_TRUE;
    while (again) {
      NMRandomStream rs;
      PetscBool      ok;
      PetscInt       its;
      NMRandomStreamInit(&rs, (uint64_t)seed, (uint32_t)key, (uint32_t)(NM_FP_STREAM_DENSE + 256 * s));
      for (PetscInt k = 0; k < d->m; k += 4) {
        double u[4];
        NMRandomUniform4(&rs, (uint64_t)(k / 4), u);
        for (PetscInt j = k; j < PetscMin(k + 4, d->m); j++) x[j] = scale[j % ns] * (box[0] + (box[1] - box[0]) * u[j - k]);
      }
      PetscCall(NMFPDenseNewton(d, PETSC_TRUE, x, &ok, &its));
      if (solves) (*solves)++;
      again = (PetscBool)(ok && !NMFPDenseKnown(d, x));
      if (again) PetscCall(NMFPDenseAdd(d, x));
    }
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}
