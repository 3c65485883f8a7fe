#include "fixedpoint_impl.h"

/* The deflated search during continuation (-cont_search_every k): at a parameter value
   reached by a branch, the roots on every branch followed so far are the deflated set of
   a dense deflated Newton search from box starts; a root it finds lies on a branch not
   yet followed (a disconnected branch, an isola, or one the initial roots do not reach),
   which the continuation then follows both ways. */

void NMFPSetContParam(NMFixedPoints f, PetscInt p, PetscReal lambda)
{
  if (p < 0) f->G = lambda;
  else
    for (PetscInt g = 0; g < f->n; g++) f->theta[g * f->model->nparam + p] = lambda;
}

/* The whole network at the current parameter, an NMFPDenseFn. */
static PetscErrorCode NMFPNetworkResidual(void *ctx, const PetscReal x[], PetscReal F[], PetscReal J[])
{
  NMFixedPoints f = (NMFixedPoints)ctx;

  PetscFunctionBegin;
  PetscCall(NMFPResidualDense(f, x, F));
  PetscCall(NMFPJacobianDense(f, x, J));
  PetscFunctionReturn(0);
}

/* The roots at lambda of every branch recorded so far, into d's set: where two
   consecutive points of a branch bracket lambda, their linear interpolation corrected by
   Newton at fixed lambda. The parameter must be set to lambda. */
static PetscErrorCode NMFPBranchRootsAt(NMFixedPoints f, PetscReal lambda, NMFPDense *d)
{
  const PetscInt m = f->n * f->model->nstate, w = 3 + m;
  PetscReal     *x;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(m, &x));
  for (PetscInt p = 0; p + 1 < f->npts; p++) {
    const PetscReal *a = f->pts + p * w, *b = a + w;
    PetscReal        s;
    PetscBool        ok;
    PetscInt         its;
    if (a[0] != b[0] || (lambda - a[1]) * (lambda - b[1]) > 0) continue;
    s = a[1] == b[1] ? 0 : (lambda - a[1]) / (b[1] - a[1]);
    for (PetscInt k = 0; k < m; k++) x[k] = a[3 + k] + s * (b[3 + k] - a[3 + k]);
    PetscCall(NMFPDenseNewton(d, PETSC_FALSE, x, &ok, &its));
    if (ok && !NMFPDenseKnown(d, x)) PetscCall(NMFPDenseAdd(d, x));
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPContOnBranch(NMFixedPoints f, PetscInt p, const PetscReal z[], PetscBool *on)
{
  const PetscInt m = f->n * f->model->nstate;
  NMFPDense      d;

  PetscFunctionBegin;
  NMFPSetContParam(f, p, z[m]);
  PetscCall(NMFPDenseSetUp(&d, m, NMFPNetworkResidual, f, f->power, f->shift, f->merge, f->max_step));
  PetscCall(NMFPBranchRootsAt(f, z[m], &d));
  *on = NMFPDenseKnown(&d, z);
  PetscCall(NMFPDenseDestroy(&d));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPSeedAppend(PetscInt *nseeds, PetscInt *cap, PetscReal **seeds, PetscInt m, const PetscReal x[], PetscReal lambda)
{
  PetscFunctionBegin;
  if (*nseeds == *cap) {
    PetscReal *grown;
    *cap = PetscMax(16, 2 * *cap);
    PetscCall(PetscMalloc1(*cap * (m + 1), &grown));
    if (*nseeds) PetscCall(PetscArraycpy(grown, *seeds, *nseeds * (m + 1)));
    PetscCall(PetscFree(*seeds));
    *seeds = grown;
  }
  PetscCall(PetscArraycpy(*seeds + *nseeds * (m + 1), x, m));
  (*seeds)[*nseeds * (m + 1) + m] = lambda;
  (*nseeds)++;
  PetscFunctionReturn(0);
}

/* The search at lambda (the parameter set to it): -cont_search_starts box starts keyed by
   `key`; the roots found off the branches are appended to seeds (rows of m + 1: state,
   lambda). */
PetscErrorCode NMFPContSearch(NMFixedPoints f, PetscReal lambda, PetscInt key, PetscInt *nseeds, PetscInt *cap, PetscReal **seeds)
{
  const PetscInt m = f->n * f->model->nstate;
  NMFPDense      d;
  PetscInt       known;

  PetscFunctionBegin;
  PetscCall(NMFPDenseSetUp(&d, m, NMFPNetworkResidual, f, f->power, f->shift, f->merge, f->max_step));
  PetscCall(NMFPBranchRootsAt(f, lambda, &d));
  known = d.nroots;
  PetscCall(NMFPDenseSearch(&d, f->seed, key, f->cont_search_starts, f->model->nstate, f->box, f->scale, &f->cont_search_solves));
  for (PetscInt i = known; i < d.nroots; i++) PetscCall(NMFPSeedAppend(nseeds, cap, seeds, m, d.roots + i * m, lambda));
  PetscCall(NMFPDenseDestroy(&d));
  PetscFunctionReturn(0);
}
