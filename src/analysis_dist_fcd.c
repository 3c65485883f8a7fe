/* FCD (Hansen et al. 2015, NeuroImage 105:525) on the process grid, the distributed path
   of NMAnalysisFCD (src/analysis_fc.c). Each window's series, centred and scaled to unit
   norm per region, gives its FC as Y_w^T Y_w (PBLAS pdgemm); each rank keeps the upper-
   triangle entries (i < j) of FC_w it holds. FCD[v, w] is the Pearson correlation of
   the upper triangles of FC_v and FC_w: every rank centres its pieces by the global
   means and adds its part of the inner products <u_v, u_w> (BLAS dsyrk); one reduction
   sums them. Memory per rank: windows x n (n - 1) / 2 / ranks values. */
#include "analysis_dist_impl.h"
#include <cblas.h>
#include <stdint.h>

/* Window w of the local regions, centred and scaled to unit norm, into yc (window x n,
   NM_DIST_COLUMNS); the global index of a region constant over it (INT64_MAX: none). */
static PetscInt64 NMDistWindowNormalised(NMDistMatrix series, PetscInt start, NMDistMatrix yc)
{
  const PetscInt t = series->m, len = yc->m;
  PetscInt64     bad = INT64_MAX;

  for (PetscInt l = 0; l < series->nloc; l++) {
    const PetscReal *row = series->a + l * t + start;
    PetscReal       *y = yc->a + l * len, mean = 0, ss = 0;
    PetscInt         k = 1;
    /* constancy tested exactly, as the LAPACK path */
    while (k < len && row[k] == row[0]) k++;
    if (k == len) {
      bad = PetscMin(bad, series->cols[l]);
      continue;
    }
    for (PetscInt j = 0; j < len; j++) mean += row[j];
    mean /= len;
    for (PetscInt j = 0; j < len; j++) {
      y[j] = row[j] - mean;
      ss += y[j] * y[j];
    }
    ss = PetscSqrtReal(ss);
    for (PetscInt j = 0; j < len; j++) y[j] /= ss;
  }
  return bad;
}

PetscErrorCode NMDistAnalysisFCD(NMDistMatrix series, PetscInt window, PetscInt step, PetscInt *nwin, PetscReal fcd[])
{
  const PetscInt n = series->n, t = series->m;
  const int      in = (int)n, iw = (int)window, one = 1;
  const double   done = 1, dzero = 0;
  NMDistGrid     grid = series->grid;
  NMDistMatrix   yc, yw, c;
  PetscInt       nw, mu = 0;
  PetscReal     *u, *mean, *g;

  PetscFunctionBeginUser;
  PetscCheck(window >= 3, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "FCD window of %" PetscInt_FMT " samples: a window needs at least 3 samples", window);
  PetscCheck(window <= t, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "FCD window of %" PetscInt_FMT " samples is longer than the series (%" PetscInt_FMT " samples)", window, t);
  PetscCheck(step >= 1, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "FCD step %" PetscInt_FMT " must be >= 1 sample", step);
  PetscCheck(n >= 3, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "FCD needs at least 3 regions (FC upper triangles of >= 3 entries), got %" PetscInt_FMT, n);
  nw    = (t - window) / step + 1;
  *nwin = nw;
  if (!fcd) PetscFunctionReturn(0);
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, window, n, &yc));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_GRID, window, n, &yw));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_GRID, n, n, &c));
  for (PetscInt jl = 0; jl < c->nloc; jl++)
    for (PetscInt il = 0; il < c->mloc; il++) mu += c->rows[il] < c->cols[jl];
  PetscCall(PetscMalloc3(PetscMax(1, nw * mu), &u, nw, &mean, nw * nw, &g));
  for (PetscInt w = 0; w < nw; w++) {
    PetscInt64 bad = NMDistWindowNormalised(series, w * step, yc), first;
    PetscInt   e   = 0;
    PetscCallMPI(MPI_Allreduce(&bad, &first, 1, MPIU_INT64, MPI_MIN, grid->comm));
    PetscCheck(first == INT64_MAX, grid->comm, PETSC_ERR_ARG_WRONG, "region %" PetscInt64_FMT " is constant over a window of %" PetscInt_FMT " samples; its correlations are undefined", first, window);
    PetscCall(NMDistMatrixCopy(yc, yw));
    pdgemm_("T", "N", &in, &in, &iw, &done, yw->a, &one, &one, yw->desc, yw->a, &one, &one, yw->desc, &dzero, c->a, &one, &one, c->desc);
    mean[w] = 0;
    for (PetscInt jl = 0; jl < c->nloc; jl++)
      for (PetscInt il = 0; il < c->mloc; il++)
        if (c->rows[il] < c->cols[jl]) {
          /* as the LAPACK path: rounding can push |r| a hair above 1 */
          const PetscReal r = PetscMax(-1, PetscMin(1, c->a[jl * c->mloc + il]));
          u[w * mu + e++]   = r;
          mean[w] += r;
        }
  }
  PetscCall(NMDistSumVector(grid, nw, mean));
  for (PetscInt w = 0; w < nw; w++) {
    mean[w] /= n * (n - 1) / 2;
    for (PetscInt e = 0; e < mu; e++) u[w * mu + e] -= mean[w];
  }
  /* g = U U^T over this rank's entries (upper triangle of g), summed over ranks */
  PetscCall(PetscArrayzero(g, nw * nw));
  if (mu) cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)nw, (int)mu, 1, u, (int)mu, 0, g, (int)nw);
  PetscCall(NMDistSumVector(grid, nw * nw, g));
  for (PetscInt w = 0; w < nw; w++) PetscCheck(g[w * nw + w] > 0, grid->comm, PETSC_ERR_ARG_WRONG, "FCD: every correlation of window %" PetscInt_FMT " (samples %" PetscInt_FMT "..%" PetscInt_FMT ") is the same; its correlation with other windows is undefined", w, w * step, w * step + window - 1);
  for (PetscInt v = 0; v < nw; v++) {
    fcd[v * nw + v] = 1;
    for (PetscInt w = v + 1; w < nw; w++) fcd[v * nw + w] = fcd[w * nw + v] = PetscMax(-1, PetscMin(1, g[v * nw + w] / PetscSqrtReal(g[v * nw + v] * g[w * nw + w])));
  }
  PetscCall(PetscFree3(u, mean, g));
  PetscCall(NMDistMatrixDestroy(&yc));
  PetscCall(NMDistMatrixDestroy(&yw));
  PetscCall(NMDistMatrixDestroy(&c));
  PetscFunctionReturn(0);
}
