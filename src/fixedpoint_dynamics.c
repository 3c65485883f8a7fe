#include <netmass/h5file.h>
#include <netmass/integrator.h>
#include <netmass/sys.h>
#include "fixedpoint_impl.h"

/* The unsteady-dynamics check of Sip et al. 2023 (Methods): from each start, a noise-free
   simulation of the delay-free network; converged if over the last 10 % of the run every
   state stays within tol of the final one; otherwise run on to the longer horizon and
   check again; then look for a periodic orbit (the smallest lag, at most a quarter of the
   record, at which the record repeats itself within period_tol after departing from
   itself: Sip et al. take the smallest lag >= 2 of a coarser record) and mark the rest
   unsteady. A network is monostable when every start ends at the same fixed
   point, multistable when they end at several attractors, unsteady when some start ends
   on no fixed point. Starts are dealt out to the ranks; each trajectory is computed by one
   rank, so the outcome does not depend on the rank count. */

#define NM_DYN_SAMPLES 1000 /* samples kept over the last 10 % of a run */

typedef struct {
  NMIntegrator it;
  PetscReal   *x, *x1, *u, *z, *rec, *sigma0;
  PetscInt     nrec;
} NMDyn;

/* One step of every node with the coupling of the current state held over the step. */
static PetscErrorCode NMDynStep(NMFixedPoints f, NMDyn *d)
{
  const NMModelType *m  = f->model;
  const PetscInt     ns = m->nstate, nc = m->ncoupling;

  PetscFunctionBegin;
  for (PetscInt j = 0; j < f->n; j++) m->coupling(m->ctx, d->x + j * ns, f->theta + j * m->nparam, f->c + j * nc);
  for (PetscInt g = 0; g < f->n; g++) {
    for (PetscInt k = 0; k < nc; k++) d->u[k] = 0;
    for (PetscInt j = 0; j < f->n; j++)
      if (f->W[g * f->n + j] != 0)
        for (PetscInt k = 0; k < nc; k++) d->u[k] += f->G * f->W[g * f->n + j] * f->c[j * nc + k];
    PetscCall(NMIntegratorStep(d->it, d->x + g * ns, d->u, d->u, f->G * f->rowsum[g], f->theta + g * m->nparam, d->z, d->x1 + g * ns));
  }
  PetscCall(PetscArraycpy(d->x, d->x1, f->n * ns));
  PetscFunctionReturn(0);
}

/* Run from the current state for `steps` steps, recording the last `tail` of them (at most
   NM_DYN_SAMPLES samples, every `*every` steps); return the largest max-norm distance to
   the final state in the record. */
static PetscErrorCode NMDynRun(NMFixedPoints f, NMDyn *d, PetscInt64 steps, PetscInt64 tail, PetscInt64 *every_out, PetscReal *spread)
{
  const PetscInt   m     = f->n * f->model->nstate;
  const PetscInt64 every = PetscMax(1, (tail + NM_DYN_SAMPLES - 1) / NM_DYN_SAMPLES);

  PetscFunctionBegin;
  d->nrec = 0;
  for (PetscInt64 k = 1; k <= steps; k++) {
    PetscCall(NMDynStep(f, d));
    if (k > steps - tail && (steps - k) % every == 0 && d->nrec < NM_DYN_SAMPLES + 1) PetscCall(PetscArraycpy(d->rec + d->nrec++ * m, d->x, m));
  }
  *every_out = every;
  *spread    = 0;
  for (PetscInt r = 0; r < d->nrec; r++)
    for (PetscInt i = 0; i < m; i++) *spread = PetscMax(*spread, PetscAbsReal(d->rec[r * m + i] - d->x[i]));
  if (!PetscIsNormalReal(*spread) && *spread != 0) *spread = PETSC_MAX_REAL;
  PetscFunctionReturn(0);
}

/* The record's period in samples: the smallest lag at which it repeats within tol after
   having departed from itself (at short lags neighbouring samples of a finely sampled
   orbit are always close), at most a quarter of the record; 0 if there is none. */
static PetscInt NMDynPeriod(const NMDyn *d, PetscInt m, PetscReal tol)
{
  PetscBool departed = PETSC_FALSE;

  for (PetscInt lag = 2; lag <= d->nrec / 4; lag++) {
    PetscReal worst = 0;
    for (PetscInt r = 0; r + lag < d->nrec; r++)
      for (PetscInt i = 0; i < m; i++) worst = PetscMax(worst, PetscAbsReal(d->rec[(r + lag) * m + i] - d->rec[r * m + i]));
    if (worst >= tol) departed = PETSC_TRUE;
    else if (departed) return lag;
  }
  return 0;
}

PetscErrorCode NMFixedPointsDynamics(NMFixedPoints f)
{
  const PetscInt   m = f->n * f->model->nstate, S = f->dyn_starts;
  const PetscInt64 n1 = (PetscInt64)(f->dyn_t[0] / f->dyn_dt), n2 = (PetscInt64)(f->dyn_t[1] / f->dyn_dt);
  NMDyn            d;
  PetscMPIInt      rank, size;
  PetscReal       *ends;
  PetscInt         attractors = 0, unsteady = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCallMPI(MPI_Comm_size(f->comm, &size));
  PetscCall(NMIntegratorCreate(f->model, f->dyn_integrator, f->dyn_dt, &d.it));
  PetscCall(PetscMalloc5(m, &d.x, m, &d.x1, 16, &d.u, 16, &d.z, (NM_DYN_SAMPLES + 1) * m, &d.rec));
  PetscCall(PetscArrayzero(d.z, 16)); /* noise-free */
  PetscCall(PetscFree(f->dyn));
  PetscCall(PetscCalloc1(4 * S, &f->dyn));
  PetscCall(PetscCalloc1(S * m, &ends));
  for (PetscInt s = rank; s < S; s += size) {
    PetscReal  spread;
    PetscInt   lag;
    PetscInt64 every;
    /* the same starts as the root search, continued past it; the record is the last 10 %
       of T1, then of T2 */
    NMFPStartDense(f, f->starts + s, d.x);
    PetscCall(NMDynRun(f, &d, n1, PetscMax(1, n1 / 10), &every, &spread));
    if (spread >= f->dyn_tol) PetscCall(NMDynRun(f, &d, n2 - n1, PetscMin(n2 - n1, PetscMax(1, n2 / 10)), &every, &spread));
    f->dyn[4 * s + 3] = spread;
    PetscCall(PetscArraycpy(ends + s * m, d.x, m));
    if (spread < f->dyn_tol) f->dyn[4 * s] = 0; /* a fixed point */
    else if ((lag = NMDynPeriod(&d, m, f->dyn_period_tol))) {
      f->dyn[4 * s]     = 1;
      f->dyn[4 * s + 2] = lag * every * f->dyn_dt;
    } else f->dyn[4 * s] = 2;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, f->dyn, (PetscMPIInt)(4 * S), MPIU_REAL, MPIU_SUM, f->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, ends, (PetscMPIInt)(S * m), MPIU_REAL, MPIU_SUM, f->comm));
  /* which root each converged start reached (-1: none of the roots found) and how many
     distinct end points there are */
  for (PetscInt s = 0; s < S; s++) {
    f->dyn[4 * s + 1] = -1;
    if (f->dyn[4 * s] != 0) {
      unsteady++;
      continue;
    }
    for (PetscInt k = 0; k < f->nroots; k++) {
      PetscReal dist = 0, size_r = 0;
      for (PetscInt i = 0; i < m; i++) {
        dist   = PetscMax(dist, PetscAbsReal(ends[s * m + i] - f->roots[k * m + i]));
        size_r = PetscMax(size_r, PetscAbsReal(f->roots[k * m + i]));
      }
      if (dist < 10 * f->dyn_tol * PetscMax(1, size_r)) f->dyn[4 * s + 1] = k;
    }
  }
  for (PetscInt k = 0; k < f->nroots; k++)
    for (PetscInt s = 0; s < S; s++)
      if (f->dyn[4 * s + 1] == k) {
        attractors++;
        break;
      }
  f->dyn_class = unsteady ? 2 : attractors <= 1 ? 0 : 1;
  PetscCall(PetscFree(ends));
  PetscCall(PetscFree5(d.x, d.x1, d.u, d.z, d.rec));
  PetscCall(NMIntegratorDestroy(&d.it));
  PetscFunctionReturn(0);
}

/* A start relaxed by -fp_start_relax seconds of the noise-free delay-free dynamics: starts
   drawn from a box are often where the sigmoids saturate and Newton does not converge; a
   short run brings them near the attractors (stable equilibria are then found at once,
   and deflation takes it from there). Every rank computes the same trajectory. */
PetscErrorCode NMFPRelaxStart(NMFixedPoints f, PetscReal x[])
{
  const PetscInt   m = f->n * f->model->nstate;
  const PetscInt64 steps = (PetscInt64)round(f->relax / f->relax_dt);
  NMDyn            d;

  PetscFunctionBegin;
  PetscCall(NMIntegratorCreate(f->model, f->dyn_integrator, f->relax_dt, &d.it));
  PetscCall(PetscMalloc4(m, &d.x, m, &d.x1, 16, &d.u, 16, &d.z));
  PetscCall(PetscArrayzero(d.z, 16));
  PetscCall(PetscArraycpy(d.x, x, m));
  for (PetscInt64 k = 0; k < steps; k++) PetscCall(NMDynStep(f, &d));
  PetscCall(PetscArraycpy(x, d.x, m));
  PetscCall(PetscFree4(d.x, d.x1, d.u, d.z));
  PetscCall(NMIntegratorDestroy(&d.it));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsGetDynamics(NMFixedPoints f, PetscInt *nstarts, const PetscReal **per_start, PetscInt *cls)
{
  PetscFunctionBegin;
  PetscCheck(f->dynamics && f->dyn, f->comm, PETSC_ERR_ARG_WRONGSTATE, "no dynamics check was run (-fp_dynamics)");
  *nstarts   = f->dyn_starts;
  *per_start = f->dyn;
  *cls       = f->dyn_class;
  PetscFunctionReturn(0);
}
