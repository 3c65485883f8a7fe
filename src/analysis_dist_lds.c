/* The ridge linear fit x_{t+1} = A x_t + c of src/analysis_lds.c on the process grid.

   The LAPACK path solves each training set through the SVD of its m' x n centred input
   matrix Z; here the same minimiser comes from the normal equations
     (Z^T Z + lambda I) A^T = Z^T Yc        (Yc: the centred targets, m' x n)
   by a distributed Cholesky factorisation (ScaLAPACK pdposv), with Z^T Z and Z^T Yc
   formed once per training set by PBLAS pdgemm. Everything else (training means, the
   k-fold blocks, the AR(1) and zero-change baselines, the choice of the penalty, R^2,
   the truncation errors) is the LAPACK path's code run on each rank's regions.
   Squaring the condition number costs accuracy only for lambda = 0 with a nearly
   rank-deficient Z; lambda = 0 with a singular Z^T Z (fewer training pairs than
   regions) is an error here, where the LAPACK path takes the minimum-norm solution. */
#include "analysis_dist_impl.h"
#include "analysis_impl.h"

/* Local values v[l] of the local columns into the n-vector g (zeroed), summed over comm. */
static PetscErrorCode NMDistAssemble(NMDistMatrix series, const PetscReal v[], PetscReal g[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(g, series->n));
  for (PetscInt l = 0; l < series->nloc; l++) g[series->cols[l]] = v[l];
  PetscCall(NMDistSumVector(series->grid, series->n, g));
  PetscFunctionReturn(0);
}

/* Centred pairs of the rows k in [k0, k1) minus [v0, v1) (the training set: k0 = 0,
   k1 = t - 1; the held-out block: k0 = v0, k1 = v1 and v0 = v1), by the training means
   xl, yl of the local regions, as grid matrices z (inputs) and y (targets). */
static PetscErrorCode NMDistRidgePairs(NMDistMatrix series, PetscInt k0, PetscInt k1, PetscInt v0, PetscInt v1, const PetscReal xl[], const PetscReal yl[], NMDistMatrix *z, NMDistMatrix *y)
{
  const PetscInt t = series->m, n = series->n, mk = k1 - k0 - (v1 - v0);
  NMDistMatrix   zc, yc;

  PetscFunctionBeginUser;
  PetscCall(NMDistMatrixCreate(series->grid, NM_DIST_COLUMNS, mk, n, &zc));
  PetscCall(NMDistMatrixDuplicate(zc, &yc));
  for (PetscInt l = 0; l < series->nloc; l++) {
    const PetscReal *row = series->a + l * t;
    PetscInt         q   = 0;
    for (PetscInt k = k0; k < k1; k++) {
      if (k >= v0 && k < v1) continue;
      zc->a[l * mk + q] = row[k] - xl[l];
      yc->a[l * mk + q] = row[k + 1] - yl[l];
      q++;
    }
  }
  PetscCall(NMDistMatrixCreate(series->grid, NM_DIST_GRID, mk, n, z));
  PetscCall(NMDistMatrixDuplicate(*z, y));
  PetscCall(NMDistMatrixCopy(zc, *z));
  PetscCall(NMDistMatrixCopy(yc, *y));
  PetscCall(NMDistMatrixDestroy(&zc));
  PetscCall(NMDistMatrixDestroy(&yc));
  PetscFunctionReturn(0);
}

/* The normal equations of the training set outside [v0, v1): g = Z^T Z, b = Z^T Yc
   (n x n grid matrices, created), and the training means of the local regions. */
static PetscErrorCode NMDistRidgeSystem(NMDistMatrix series, PetscInt v0, PetscInt v1, PetscReal xl[], PetscReal yl[], NMDistMatrix *g, NMDistMatrix *b)
{
  const int    n = (int)series->n, mt = (int)(series->m - 1 - (v1 - v0)), one = 1;
  const double done = 1, dzero = 0;
  NMDistMatrix z, y;

  PetscFunctionBeginUser;
  NMRidgeMeans(series->nloc, series->m, series->a, v0, v1, xl, yl);
  PetscCall(NMDistRidgePairs(series, 0, series->m - 1, v0, v1, xl, yl, &z, &y));
  PetscCall(NMDistMatrixCreate(series->grid, NM_DIST_GRID, n, n, g));
  PetscCall(NMDistMatrixDuplicate(*g, b));
  pdgemm_("T", "N", &n, &n, &mt, &done, z->a, &one, &one, z->desc, z->a, &one, &one, z->desc, &dzero, (*g)->a, &one, &one, (*g)->desc);
  pdgemm_("T", "N", &n, &n, &mt, &done, z->a, &one, &one, z->desc, y->a, &one, &one, y->desc, &dzero, (*b)->a, &one, &one, (*b)->desc);
  PetscCall(NMDistMatrixDestroy(&z));
  PetscCall(NMDistMatrixDestroy(&y));
  PetscFunctionReturn(0);
}

/* at = (g + lambda I)^{-1} b (Cholesky, pdposv); h is scratch of g's layout. */
static PetscErrorCode NMDistRidgeSolve(NMDistMatrix g, NMDistMatrix b, PetscReal lambda, NMDistMatrix h, NMDistMatrix at)
{
  const int n = (int)g->n, one = 1;
  int       info;

  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(h->a, g->a, g->mloc * g->nloc));
  PetscCall(PetscArraycpy(at->a, b->a, b->mloc * b->nloc));
  for (PetscInt jl = 0; jl < g->nloc; jl++)
    for (PetscInt il = 0; il < g->mloc; il++)
      if (g->rows[il] == g->cols[jl]) h->a[jl * g->mloc + il] += lambda;
  pdposv_("U", &n, &n, h->a, &one, &one, h->desc, at->a, &one, &one, at->desc, &info);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &info, 1, MPI_INT, MPI_MAX, g->grid->comm));
  PetscCheck(info <= 0, g->grid->comm, PETSC_ERR_ARG_WRONG, "linear fit (distributed): the ridge normal equations with penalty %g are singular (a training set has fewer independent samples than the %d regions): drop 0 from -ridge_lambdas", (double)lambda, n);
  PetscCheck(!info, g->grid->comm, PETSC_ERR_LIB, "linear fit: ScaLAPACK pdposv failed (info %d)", info);
  PetscFunctionReturn(0);
}

/* Squared one-step errors of the held-out block: R = Yv - Xv A^T, per region (column). */
static PetscErrorCode NMDistHeldOutErrors(NMDistMatrix xv, NMDistMatrix yv, NMDistMatrix at, NMDistMatrix r, PetscReal sse[])
{
  const int    nv = (int)xv->m, n = (int)xv->n, one = 1;
  const double mone = -1, done = 1;

  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(r->a, yv->a, yv->mloc * yv->nloc));
  pdgemm_("N", "N", &nv, &n, &n, &mone, xv->a, &one, &one, xv->desc, at->a, &one, &one, at->desc, &done, r->a, &one, &one, r->desc);
  for (PetscInt jl = 0; jl < r->nloc; jl++)
    for (PetscInt il = 0; il < r->mloc; il++) sse[r->cols[jl]] += PetscSqr(r->a[jl * r->mloc + il]);
  PetscFunctionReturn(0);
}

/* Singular values of A (descending) from at = A^T (the same values), by pdgesvd. */
static PetscErrorCode NMDistSingularValues(NMDistMatrix at, PetscReal sv[])
{
  const int  n = (int)at->n, one = 1;
  int        lwork = -1, info;
  PetscReal  query, *work;
  NMDistMatrix a;

  PetscFunctionBeginUser;
  PetscCall(NMDistMatrixDuplicate(at, &a));
  PetscCall(PetscArraycpy(a->a, at->a, at->mloc * at->nloc));
  pdgesvd_("N", "N", &n, &n, a->a, &one, &one, a->desc, sv, NULL, &one, &one, a->desc, NULL, &one, &one, a->desc, &query, &lwork, &info);
  PetscCheck(!info, at->grid->comm, PETSC_ERR_LIB, "linear fit: ScaLAPACK pdgesvd workspace query failed (info %d)", info);
  lwork = (int)query + 1024;
  PetscCall(PetscMalloc1(lwork, &work));
  pdgesvd_("N", "N", &n, &n, a->a, &one, &one, a->desc, sv, NULL, &one, &one, a->desc, NULL, &one, &one, a->desc, work, &lwork, &info);
  PetscCall(PetscFree(work));
  PetscCheck(!info, at->grid->comm, PETSC_ERR_LIB, "linear fit: ScaLAPACK pdgesvd failed on A (info %d)", info);
  PetscCall(NMDistMatrixDestroy(&a));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistAnalysisLinearFit(NMDistMatrix series, PetscInt nl, const PetscReal lambdas[], PetscInt folds, const PetscReal cov_eigenvalues[], NMLinearFit *fit, NMDistMatrix at_out)
{
  const PetscInt n = series->n, t = series->m, m = t - 1, nloc = series->nloc;
  NMDistGrid     grid = series->grid;
  NMDistMatrix   g, b, h, at;
  PetscReal     *sse, *sse_ar, *xl, *yl, *best, *v, *xbar, *cpart;
  PetscInt       ibest;

  PetscFunctionBeginUser;
  PetscCall(NMLinearFitCheck(n, t, nl, lambdas, folds));
  PetscCheck(series->layout == NM_DIST_COLUMNS && at_out->layout == NM_DIST_COLUMNS && at_out->m == n && at_out->n == n, grid->comm, PETSC_ERR_ARG_WRONG, "linear fit: a t x n NM_DIST_COLUMNS series and an n x n NM_DIST_COLUMNS matrix for A^T");
  PetscCall(NMDistSeriesCheck(series, "linear fit"));
  PetscCall(NMLinearFitAllocate(n, fit));
  PetscCall(PetscCalloc2(nl * n, &sse, PetscMax(1, nloc), &sse_ar));
  PetscCall(PetscMalloc6(PetscMax(1, nloc), &xl, PetscMax(1, nloc), &yl, PetscMax(1, nloc), &best, 3 * PetscMax(1, nloc), &v, n, &xbar, n, &cpart));

  /* k-fold cross-validation as in NMAnalysisLinearFit: the same blocks and penalties */
  for (PetscInt f = 0; f < folds; f++) {
    const PetscInt v0 = f * m / folds, v1 = (f + 1) * m / folds;
    NMDistMatrix   xv, yv, r;
    PetscCall(NMDistRidgeSystem(series, v0, v1, xl, yl, &g, &b));
    PetscCall(NMDistRidgePairs(series, v0, v1, v0, v0, xl, yl, &xv, &yv));
    PetscCall(NMDistMatrixDuplicate(g, &h));
    PetscCall(NMDistMatrixDuplicate(g, &at));
    PetscCall(NMDistMatrixDuplicate(yv, &r));
    for (PetscInt l = 0; l < nl; l++) {
      PetscCall(NMDistRidgeSolve(g, b, lambdas[l], h, at));
      PetscCall(NMDistHeldOutErrors(xv, yv, at, r, sse + l * n));
    }
    NMAR1Errors(nloc, t, series->a, v0, v1, sse_ar);
    PetscCall(NMDistMatrixDestroy(&xv));
    PetscCall(NMDistMatrixDestroy(&yv));
    PetscCall(NMDistMatrixDestroy(&r));
    PetscCall(NMDistMatrixDestroy(&h));
    PetscCall(NMDistMatrixDestroy(&at));
    PetscCall(NMDistMatrixDestroy(&g));
    PetscCall(NMDistMatrixDestroy(&b));
  }
  PetscCall(NMDistSumVector(grid, nl * n, sse));
  ibest       = NMRidgeBestPenalty(nl, n, sse);
  fit->lambda = lambdas[ibest];
  for (PetscInt l = 0; l < nloc; l++) best[l] = sse[ibest * n + series->cols[l]];
  PetscCall(NMLinearFitScores(nloc, t, series->a, best, sse_ar, v, v + nloc, v + 2 * nloc));
  PetscCall(NMDistAssemble(series, v, fit->r2));
  PetscCall(NMDistAssemble(series, v + nloc, fit->r2_ar1));
  PetscCall(NMDistAssemble(series, v + 2 * nloc, fit->r2_zero));

  /* Refit on every pair with the penalty chosen; c = ybar - A xbar. */
  PetscCall(NMDistRidgeSystem(series, 0, 0, xl, yl, &g, &b));
  PetscCall(NMDistMatrixDuplicate(g, &h));
  PetscCall(NMDistMatrixDuplicate(g, &at));
  PetscCall(NMDistRidgeSolve(g, b, fit->lambda, h, at));
  PetscCall(NMDistAssemble(series, xl, xbar));
  PetscCall(NMDistAssemble(series, yl, fit->c));
  PetscCall(PetscArrayzero(cpart, n));
  for (PetscInt jl = 0; jl < at->nloc; jl++)
    for (PetscInt il = 0; il < at->mloc; il++) cpart[at->cols[jl]] += at->a[jl * at->mloc + il] * xbar[at->rows[il]];
  PetscCall(NMDistSumVector(grid, n, cpart));
  for (PetscInt i = 0; i < n; i++) fit->c[i] -= cpart[i];

  /* Spectrum: singular values by pdgesvd; eigenvalues of the nonsymmetric A by LAPACK
     dgeev on rank 0 (ScaLAPACK has no nonsymmetric eigenvalue driver). */
  PetscCall(NMDistSingularValues(at, fit->sv));
  {
    PetscReal *a = NULL;
    if (!grid->rank) PetscCall(PetscMalloc1(n * n, &a));
    PetscCall(NMDistMatrixGather(at, a)); /* column-major A^T: row-major A */
    if (!grid->rank) PetscCall(NMLinearFitEigenvalues(n, a, fit->eig_re, fit->eig_im));
    PetscCall(PetscFree(a));
    PetscCallMPI(MPI_Bcast(fit->eig_re, (PetscMPIInt)n, MPIU_REAL, 0, grid->comm));
    PetscCallMPI(MPI_Bcast(fit->eig_im, (PetscMPIInt)n, MPIU_REAL, 0, grid->comm));
  }
  NMLinearFitSpectralSummary(n, cov_eigenvalues, fit);
  PetscCall(NMDistMatrixCopy(at, at_out));

  PetscCall(NMDistMatrixDestroy(&h));
  PetscCall(NMDistMatrixDestroy(&at));
  PetscCall(NMDistMatrixDestroy(&g));
  PetscCall(NMDistMatrixDestroy(&b));
  PetscCall(PetscFree2(sse, sse_ar));
  PetscCall(PetscFree6(xl, yl, best, v, xbar, cpart));
  PetscFunctionReturn(0);
}
