#include <netmass/h5file.h>
#include <netmass/sys.h>
#include <lapacke.h>
#include "fixedpoint_impl.h"

/* Pseudo-arclength continuation (Keller 1977; Kuznetsov, Elements of Applied Bifurcation
   Theory, ch. 10) of every root in a parameter lambda (G or a model parameter, the same for
   every node), on the whole (small) network, identically on every rank:
     predictor  z* = z + ds t,                      z = (x, lambda), |t| = 1
     corrector  Newton on  F(x, lambda) = 0,  t . (z - z*) = 0
     tangent    [J  F_lambda; t_prev^T] t = [0; 1], normalised, oriented along t_prev.
   Test functions as in AUTO: a fold where the lambda component of the tangent changes sign;
   a Hopf point where the largest real part among complex eigenvalue pairs changes sign.
   Each is located by bisection in arclength until lambda is known to cont_tol; a "Hopf"
   where the real part does not go to zero (pairs appearing on the real axis) or whose
   pair has an imaginary part below 1e-3 of the spectral radius (a neutral saddle near a
   fold) is not reported. F_lambda is
   a central difference (the models give df/dx and df/du, not parameter derivatives). */

typedef struct {
  NMFixedPoints f;
  PetscInt      m, p; /* unknowns of the network; parameter index (-1: G) */
  PetscReal    *J, *A, *rhs, *Fl, *work;
  lapack_int   *ipiv;
  /* roots to follow (rows of m + 1: state, parameter): the initial roots, then those the
     searches during continuation find off the branches */
  PetscInt      nseeds, cap_seeds, searches;
  PetscReal    *seeds;
} NMCont;

static void NMContSetParam(NMCont *c, PetscReal lambda)
{
  NMFPSetContParam(c->f, c->p, lambda);
}

static PetscErrorCode NMContResidual(NMCont *c, const PetscReal z[], PetscReal F[])
{
  PetscFunctionBegin;
  NMContSetParam(c, z[c->m]);
  PetscCall(NMFPResidualDense(c->f, z, F));
  PetscFunctionReturn(0);
}

/* A = [J F_lambda; t^T] at z, (m+1) x (m+1) row-major. */
static PetscErrorCode NMContAugmented(NMCont *c, const PetscReal z[], const PetscReal t[])
{
  const PetscInt  m = c->m, m1 = m + 1;
  const PetscReal lam = z[m], h = 1e-6 * PetscMax(1, PetscAbsReal(lam));

  PetscFunctionBegin;
  NMContSetParam(c, lam);
  PetscCall(NMFPJacobianDense(c->f, z, c->J));
  NMContSetParam(c, lam + h);
  PetscCall(NMFPResidualDense(c->f, z, c->Fl));
  NMContSetParam(c, lam - h);
  PetscCall(NMFPResidualDense(c->f, z, c->work));
  NMContSetParam(c, lam);
  for (PetscInt i = 0; i < m; i++) {
    for (PetscInt j = 0; j < m; j++) c->A[i * m1 + j] = c->J[i * m + j];
    c->A[i * m1 + m] = (c->Fl[i] - c->work[i]) / (2 * h);
  }
  for (PetscInt j = 0; j < m1; j++) c->A[m * m1 + j] = t[j];
  PetscFunctionReturn(0);
}

static PetscErrorCode NMContSolve(NMCont *c, PetscReal b[])
{
  lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)(c->m + 1), 1, c->A, (lapack_int)(c->m + 1), c->ipiv, b, 1);

  PetscFunctionBegin;
  PetscCheck(info >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgesv failed (%d)", (int)info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "singular augmented system");
  PetscFunctionReturn(0);
}

/* New unit tangent at z, oriented along `prev`. */
static PetscErrorCode NMContTangent(NMCont *c, const PetscReal z[], const PetscReal prev[], PetscReal t[])
{
  const PetscInt m1 = c->m + 1;
  PetscReal      norm = 0, dot = 0;

  PetscFunctionBegin;
  PetscCall(NMContAugmented(c, z, prev));
  for (PetscInt i = 0; i < m1; i++) t[i] = i == c->m ? 1 : 0;
  PetscCall(NMContSolve(c, t));
  for (PetscInt i = 0; i < m1; i++) norm += t[i] * t[i];
  norm = PetscSqrtReal(norm);
  for (PetscInt i = 0; i < m1; i++) dot += (t[i] /= norm) * prev[i];
  if (dot < 0)
    for (PetscInt i = 0; i < m1; i++) t[i] = -t[i];
  PetscFunctionReturn(0);
}

/* Newton on the augmented system from the prediction zp (arclength condition around zp
   along t); returns converged or not. */
static PetscErrorCode NMContCorrect(NMCont *c, const PetscReal zp[], const PetscReal t[], PetscReal z[], PetscBool *ok, PetscInt *its)
{
  const PetscInt m = c->m, m1 = m + 1;

  PetscFunctionBegin;
  *ok = PETSC_FALSE;
  PetscCall(PetscArraycpy(z, zp, m1));
  for (*its = 0; *its < 20; (*its)++) {
    PetscReal      res = 0, step = 0, arc = 0;
    PetscErrorCode ierr;
    PetscCall(NMContResidual(c, z, c->rhs));
    for (PetscInt i = 0; i < m1; i++) arc += t[i] * (z[i] - zp[i]);
    c->rhs[m] = arc;
    for (PetscInt i = 0; i < m1; i++) res = PetscMax(res, PetscAbsReal(c->rhs[i]));
    if (!PetscIsNormalReal(res) && res != 0) PetscFunctionReturn(0);
    PetscCall(NMContAugmented(c, z, t));
    ierr = NMContSolve(c, c->rhs);
    if (ierr) PetscFunctionReturn(0); /* singular: the caller shortens the step */
    for (PetscInt i = 0; i < m1; i++) {
      z[i] -= c->rhs[i];
      step = PetscMax(step, PetscAbsReal(c->rhs[i]));
    }
    if (step < 1e-11 * PetscMax(1, PetscAbsReal(z[m]))) {
      *ok = PETSC_TRUE;
      NMContSetParam(c, z[m]);
      PetscFunctionReturn(0);
    }
  }
  PetscFunctionReturn(0);
}

static int NMCompareDescending(const void *a, const void *b)
{
  const PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x < y) - (x > y);
}

/* Stability along the branch: the unstable count, the number of complex pairs in the
   right half plane, the real part of the k-th complex pair ranked by real part (k >= 1;
   the Hopf test function of that pair, -inf when there are fewer pairs) with its
   frequency, and the spectral radius. A Hopf point is where a pair crosses the imaginary
   axis: the count of unstable pairs changes, and the test function of the pair that
   crossed changes sign (tracking only the rightmost pair would miss every crossing while
   another pair stays unstable). */
static PetscErrorCode NMContEigenRadius(NMCont *c, const PetscReal z[], PetscInt k, PetscInt *unstable, PetscInt *upairs, PetscReal *hopf, PetscReal *freq, PetscReal *radius)
{
  const PetscInt m = c->m;
  PetscReal     *re = c->work, *im = c->work + m, *pair = c->work + 2 * m + 2;
  PetscInt       np = 0;
  lapack_int     info;

  PetscFunctionBegin;
  NMContSetParam(c, z[m]);
  PetscCall(NMFPJacobianDense(c->f, z, c->J));
  info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)m, c->J, (lapack_int)m, re, im, NULL, 1, NULL, 1);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgeev failed (%d)", (int)info);
  *unstable = 0;
  *upairs   = 0;
  *hopf     = -PETSC_MAX_REAL;
  *freq     = 0;
  *radius   = 0;
  for (PetscInt i = 0; i < m; i++) {
    *radius = PetscMax(*radius, PetscSqrtReal(re[i] * re[i] + im[i] * im[i]));
    if (re[i] > 0) (*unstable)++;
    if (im[i] > 0) {
      pair[2 * np]     = re[i];
      pair[2 * np + 1] = im[i];
      np++;
      if (re[i] > 0) (*upairs)++;
    }
  }
  qsort(pair, np, 2 * sizeof(PetscReal), NMCompareDescending);
  if (k >= 1 && k <= np) {
    *hopf = pair[2 * (k - 1)];
    *freq = pair[2 * (k - 1) + 1] / (2 * PETSC_PI);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NMContRecordPoint(NMFixedPoints f, PetscInt branch, const PetscReal z[], PetscInt unstable)
{
  const PetscInt m = f->n * f->model->nstate, w = 3 + m;

  PetscFunctionBegin;
  if (f->npts == f->cap_pts) {
    PetscReal *grown;
    f->cap_pts = PetscMax(256, 2 * f->cap_pts);
    PetscCall(PetscMalloc1(f->cap_pts * w, &grown));
    if (f->npts) PetscCall(PetscArraycpy(grown, f->pts, f->npts * w));
    PetscCall(PetscFree(f->pts));
    f->pts = grown;
  }
  f->pts[f->npts * w]     = branch;
  f->pts[f->npts * w + 1] = z[m];
  f->pts[f->npts * w + 2] = unstable;
  PetscCall(PetscArraycpy(f->pts + f->npts * w + 3, z, m));
  f->npts++;
  PetscFunctionReturn(0);
}

/* A special point, unless the same kind was already found at the same parameter. */
static PetscErrorCode NMContRecordSpecial(NMFixedPoints f, PetscInt type, PetscInt branch, PetscReal lambda, PetscReal freq, PetscInt unstable)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < f->nspecial; k++)
    if (f->special[5 * k] == type && PetscAbsReal(f->special[5 * k + 2] - lambda) < 1e3 * f->cont_tol * PetscMax(1, PetscAbsReal(lambda))) PetscFunctionReturn(0);
  if (f->nspecial == f->cap_special) {
    PetscReal *grown;
    f->cap_special = PetscMax(16, 2 * f->cap_special);
    PetscCall(PetscMalloc1(5 * f->cap_special, &grown));
    if (f->nspecial) PetscCall(PetscArraycpy(grown, f->special, 5 * f->nspecial));
    PetscCall(PetscFree(f->special));
    f->special = grown;
  }
  f->special[5 * f->nspecial]     = type;
  f->special[5 * f->nspecial + 1] = branch;
  f->special[5 * f->nspecial + 2] = lambda;
  f->special[5 * f->nspecial + 3] = freq;
  f->special[5 * f->nspecial + 4] = unstable;
  f->nspecial++;
  PetscFunctionReturn(0);
}

/* Bisection in arclength between z0 (s = 0) and the accepted point at s = ds for a sign
   change of the fold (type 0: t_lambda) or Hopf (type 1) test function. */
static PetscErrorCode NMContLocate(NMCont *c, PetscInt type, PetscInt k, const PetscReal z0[], const PetscReal t0[], PetscReal ds, PetscReal g0, PetscReal *lambda, PetscReal *freq, PetscReal *radius, PetscReal *gend)
{
  const PetscInt m1 = c->m + 1;
  PetscReal      a = 0, b = ds, *zp, *z, *t, la = z0[c->m], lb = PETSC_MAX_REAL;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(m1, &zp, m1, &z, m1, &t));
  *freq = 0;
  for (int it = 0; it < 100 && PetscAbsReal(la - lb) > c->f->cont_tol; it++) {
    PetscReal s = 0.5 * (a + b), g;
    PetscBool ok;
    PetscInt  its, unstable, upairs;
    for (PetscInt i = 0; i < m1; i++) zp[i] = z0[i] + s * t0[i];
    PetscCall(NMContCorrect(c, zp, t0, z, &ok, &its));
    if (!ok) break;
    if (type == 0) {
      PetscCall(NMContTangent(c, z, t0, t));
      g = t[c->m];
    } else PetscCall(NMContEigenRadius(c, z, k, &unstable, &upairs, &g, freq, radius));
    if ((g > 0) == (g0 > 0)) {
      a  = s;
      la = z[c->m];
    } else {
      b  = s;
      lb = z[c->m];
    }
    *lambda = z[c->m];
    *gend   = g;
  }
  PetscCall(PetscFree3(zp, z, t));
  PetscFunctionReturn(0);
}

/* Follow one root in one direction (+1 or -1 in lambda at the start). */
static PetscErrorCode NMContBranch(NMCont *c, const PetscReal x0[], PetscReal lambda0, PetscInt dir, PetscInt branch)
{
  NMFixedPoints  f = c->f;
  const PetscInt m = c->m, m1 = m + 1;
  PetscReal     *z, *zn, *zp, *t, *tn, ds = f->cont_ds, hopf, freq, radius;
  PetscInt       unstable, unstablen, upairs, upairsn;

  PetscFunctionBegin;
  PetscCall(PetscMalloc5(m1, &z, m1, &zn, m1, &zp, m1, &t, m1, &tn));
  PetscCall(PetscArraycpy(z, x0, m));
  z[m] = lambda0;
  for (PetscInt i = 0; i < m1; i++) t[i] = i == m ? dir : 0;
  PetscCall(NMContTangent(c, z, t, tn));
  if (tn[m] * dir < 0)
    for (PetscInt i = 0; i < m1; i++) tn[i] = -tn[i];
  PetscCall(PetscArraycpy(t, tn, m1));
  PetscCall(NMContEigenRadius(c, z, 1, &unstable, &upairs, &hopf, &freq, &radius));
  PetscCall(NMContRecordPoint(f, branch, z, unstable));
  for (PetscInt step = 0; step < f->cont_steps; step++) {
    PetscBool ok;
    PetscInt  its;
    for (PetscInt i = 0; i < m1; i++) zp[i] = z[i] + ds * t[i];
    PetscCall(NMContCorrect(c, zp, t, zn, &ok, &its));
    if (!ok) {
      ds *= 0.5;
      if (ds < 1e-10) break;
      continue;
    }
    PetscCall(NMContTangent(c, zn, t, tn));
    PetscCall(NMContEigenRadius(c, zn, 1, &unstablen, &upairsn, &hopf, &freq, &radius));
    if ((tn[m] > 0) != (t[m] > 0)) {
      PetscReal lambda = zn[m], fr, g;
      PetscCall(NMContLocate(c, 0, 0, z, t, ds, t[m], &lambda, &fr, &radius, &g));
      PetscCall(NMContRecordSpecial(f, 0, branch, lambda, 0, PetscMin(unstable, unstablen)));
    }
    /* the pairs ranked upairs+1 .. upairsn (or the other way) crossed the axis */
    for (PetscInt k = PetscMin(upairs, upairsn) + 1; k <= PetscMax(upairs, upairsn); k++) {
      PetscReal lambda = zn[m], fr, g0, g = PETSC_MAX_REAL;
      PetscInt  u, up;
      PetscCall(NMContEigenRadius(c, z, k, &u, &up, &g0, &fr, &radius));
      if (g0 == -PETSC_MAX_REAL) continue; /* the pair formed on the real axis: no crossing */
      PetscCall(NMContLocate(c, 1, k, z, t, ds, g0, &lambda, &fr, &radius, &g));
      /* a Hopf point: a complex pair whose real part goes through zero. Not one: the test
         function jumping because pairs appear or vanish on the real axis (near a fold),
         or a pair with a vanishing imaginary part (a neutral saddle) */
      if (PetscAbsReal(g) < 1e-6 * radius && 2 * PETSC_PI * fr > 1e-3 * radius) PetscCall(NMContRecordSpecial(f, 1, branch, lambda, fr, PetscMin(unstable, unstablen)));
    }
    PetscCall(PetscArraycpy(z, zn, m1));
    PetscCall(PetscArraycpy(t, tn, m1));
    unstable = unstablen;
    upairs   = upairsn;
    PetscCall(NMContRecordPoint(f, branch, z, unstable));
    if (z[m] < f->cont_range[0] || z[m] > f->cont_range[1]) break;
    if (f->cont_search_every > 0 && (step + 1) % f->cont_search_every == 0) PetscCall(NMFPContSearch(f, z[m], NM_FP_CONT_SEARCH_KEY + c->searches++, &c->nseeds, &c->cap_seeds, &c->seeds));
    if (its <= 3) ds = PetscMin(1.5 * ds, f->cont_ds_max);
  }
  PetscCall(PetscFree5(z, zn, zp, t, tn));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsContinue(NMFixedPoints f)
{
  NMCont         c;
  const PetscInt m = f->n * f->model->nstate;
  PetscReal      lambda0, *saved;

  PetscFunctionBeginUser;
  c.f = f;
  c.m = m;
  c.p = -1;
  if (strcmp(f->cont_param, "G")) {
    c.p = NMModelParamIndex(f->model, f->cont_param);
    PetscCheck(c.p >= 0, f->comm, PETSC_ERR_ARG_WRONG, "-cont_parameter %s: not G and not a parameter of model %s", f->cont_param, f->model->name);
  }
  lambda0 = c.p < 0 ? f->G : f->theta[c.p];
  if (c.p >= 0)
    for (PetscInt g = 1; g < f->n; g++) PetscCheck(f->theta[g * f->model->nparam + c.p] == lambda0, f->comm, PETSC_ERR_ARG_WRONG, "-cont_parameter %s must have one value for every node", f->cont_param);
  PetscCheck(lambda0 >= f->cont_range[0] && lambda0 <= f->cont_range[1], f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-cont_range [%g, %g] does not contain the starting value %g of %s", (double)f->cont_range[0], (double)f->cont_range[1], (double)lambda0, f->cont_param);
  PetscCall(PetscMalloc5(m * m, &c.J, (m + 1) * (m + 1), &c.A, m + 1, &c.rhs, m, &c.Fl, 3 * m + 2, &c.work));
  PetscCall(PetscMalloc1(m + 1, &c.ipiv));
  PetscCall(PetscMalloc1(f->n * f->model->nparam, &saved));
  PetscCall(PetscArraycpy(saved, f->theta, f->n * f->model->nparam));
  c.nseeds = c.cap_seeds = c.searches = 0;
  c.seeds  = NULL;
  for (PetscInt k = 0; k < f->nroots; k++) PetscCall(NMFPSeedAppend(&c.nseeds, &c.cap_seeds, &c.seeds, m, f->roots + k * m, lambda0));
  for (PetscInt k = 0; k < c.nseeds && k < f->cont_max_branches; k++) {
    const PetscReal *z = c.seeds + k * (m + 1);
    if (k >= f->nroots) {
      PetscBool on;
      PetscCall(NMFPContOnBranch(f, c.p, z, &on));
      NMContSetParam(&c, lambda0);
      if (on) continue; /* a root of a branch followed after the search found it */
      PetscCall(PetscPrintf(f->comm, "  a deflated search found a root off the branches at %s = %.6g: following it\n", f->cont_param, (double)z[m]));
    }
    for (PetscInt dir = -1; dir <= 1; dir += 2) {
      PetscErrorCode ierr = NMContBranch(&c, z, z[m], dir, 2 * k + (dir > 0));
      if (ierr) PetscCall(PetscPrintf(f->comm, "  continuation of root %" PetscInt_FMT " (%s) stopped early\n", k, dir > 0 ? "up" : "down"));
      NMContSetParam(&c, lambda0);
      PetscCall(PetscArraycpy(f->theta, saved, f->n * f->model->nparam));
      z = c.seeds + k * (m + 1); /* the searches may have grown the seeds */
    }
    f->cont_branches++;
  }
  PetscCall(PetscFree(c.seeds));
  PetscCall(PetscFree(saved));
  PetscCall(PetscFree5(c.J, c.A, c.rhs, c.Fl, c.work));
  PetscCall(PetscFree(c.ipiv));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsWriteBranches(NMFixedPoints f, void *ptr)
{
  NMFile            file = (NMFile)ptr;
  const PetscInt    m    = f->n * f->model->nstate;
  PetscMPIInt       rank;
  const PetscInt    bdims[2] = {f->npts, 3 + m}, sdims[2] = {f->nspecial, 5};
  const char *const bnames[] = {"point", "branch_parameter_unstable_state"}, *const snames[] = {"special_point", "type_branch_parameter_frequency_unstable"};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCall(NMFileSetAttributeString(file, "/", "continuation_parameter", f->cont_param));
  PetscCall(NMFileSetAttributeInt(file, "/", "continuation_branches", f->cont_branches));
  PetscCall(NMFileSetAttributeInt(file, "/", "continuation_search_every", f->cont_search_every));
  PetscCall(NMFileSetAttributeInt(file, "/", "continuation_search_solves", f->cont_search_solves));
  if (f->npts) PetscCall(NMFileWriteReal(file, "branches", 2, bdims, bnames, NULL, 0, rank ? 0 : f->npts, f->pts));
  if (f->nspecial) {
    PetscCall(NMFileWriteReal(file, "special_points", 2, sdims, snames, NULL, 0, rank ? 0 : f->nspecial, f->special));
    PetscCall(NMFileSetAttributeString(file, "special_points", "columns", "type (0 fold, 1 Hopf), branch, parameter value, frequency of a Hopf point (Hz), unstable directions before it"));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsGetSpecialPoints(NMFixedPoints f, PetscInt *n, const PetscReal **points)
{
  PetscFunctionBegin;
  *n      = f->nspecial;
  *points = f->special;
  PetscFunctionReturn(0);
}
