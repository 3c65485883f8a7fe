/* Functional connectivity (FC) and its dynamics (FCD) of one subject's time series
   (n regions x t samples, row-major), see include/netmass/analysis.h and docs/analysis.md. */
#include "analysis_impl.h"


/* Pearson correlations c (n x n) of n centred rows y of length len with norms |y_i|. */
static void NMCorrelateCentred(PetscInt n, PetscInt len, const PetscReal y[], const PetscReal norm[], PetscReal c[])
{
  for (PetscInt i = 0; i < n; i++) {
    c[i * n + i] = 1;
    for (PetscInt k = i + 1; k < n; k++) {
      const PetscReal *yi = y + i * len, *yk = y + k * len;
      PetscReal        d  = 0;
      for (PetscInt j = 0; j < len; j++) d += yi[j] * yk[j];
      /* rounding can push |r| a hair above 1 for (anti)identical rows */
      c[i * n + k] = c[k * n + i] = PetscMax(-1, PetscMin(1, d / (norm[i] * norm[k])));
    }
  }
}

PetscErrorCode NMAnalysisCheckSeries(PetscInt n, PetscInt t, const PetscReal x[], const char what[])
{
  PetscFunctionBegin;
  PetscCheck(n >= 1 && t >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s needs at least 1 region and 2 samples, got %" PetscInt_FMT " regions x %" PetscInt_FMT " samples", what, n, t);
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *row = x + i * t;
    PetscInt         k   = 1;
    for (PetscInt j = 0; j < t; j++) PetscCheck(!PetscIsInfOrNanReal(row[j]), PETSC_COMM_SELF, PETSC_ERR_FP, "%s: region %" PetscInt_FMT ", sample %" PetscInt_FMT " is %g: the time series must be finite", what, i, j, (double)row[j]);
    /* Constancy tested exactly: the computed variance of a constant row need not be 0. */
    while (k < t && row[k] == row[0]) k++;
    PetscCheck(k < t, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "%s: the time series of region %" PetscInt_FMT " is constant (%g); its correlations are undefined", what, i, (double)row[0]);
  }
  PetscFunctionReturn(0);
}

/* Pearson correlation of the n rows of the window x[i * ld + j], j = 0..len-1, into
   c (n x n). y (n x len) is scratch. Two passes: centre each row, then
   r_ij = <y_i, y_j> / (|y_i| |y_j|), with r_ii = 1 exactly. */
static PetscErrorCode NMCorrelationWindow(PetscInt n, PetscInt len, PetscInt ld, const PetscReal x[], PetscReal y[], PetscReal norm[], PetscReal c[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *row = x + i * ld;
    PetscReal       *yi  = y + i * len, mean = 0, ss = 0;
    PetscInt         k   = 1;
    while (k < len && row[k] == row[0]) k++;
    PetscCheck(k < len, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "region %" PetscInt_FMT " is constant over a window of %" PetscInt_FMT " samples; its correlations are undefined", i, len);
    for (PetscInt j = 0; j < len; j++) mean += row[j];
    mean /= len;
    for (PetscInt j = 0; j < len; j++) {
      yi[j] = row[j] - mean;
      ss += yi[j] * yi[j];
    }
    norm[i] = PetscSqrtReal(ss);
  }
  NMCorrelateCentred(n, len, y, norm, c);
  PetscFunctionReturn(0);
}

PetscErrorCode NMAnalysisFC(PetscInt n, PetscInt t, const PetscReal x[], PetscReal fc[])
{
  PetscReal *y, *norm;

  PetscFunctionBeginUser;
  PetscCall(NMAnalysisCheckSeries(n, t, x, "FC"));
  PetscCall(PetscMalloc2(n * t, &y, n, &norm));
  PetscCall(NMCorrelationWindow(n, t, t, x, y, norm, fc));
  PetscCall(PetscFree2(y, norm));
  PetscFunctionReturn(0);
}

/* FCD (Hansen et al. 2015, NeuroImage 105:525): FC_w in windows w of `window` samples
   starting every `step` samples, and FCD[v, w] = Pearson correlation of the upper
   triangles (i < j) of FC_v and FC_w. */
PetscErrorCode NMAnalysisFCD(PetscInt n, PetscInt t, const PetscReal x[], PetscInt window, PetscInt step, PetscInt *nwin, PetscReal fcd[])
{
  const PetscInt m = n * (n - 1) / 2;
  PetscInt       nw;
  PetscReal     *u, *y, *norm, *c, *unorm;

  PetscFunctionBeginUser;
  PetscCheck(window >= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "FCD window of %" PetscInt_FMT " samples: a window needs at least 3 samples", window);
  PetscCheck(window <= t, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "FCD window of %" PetscInt_FMT " samples is longer than the series (%" PetscInt_FMT " samples)", window, t);
  PetscCheck(step >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "FCD step %" PetscInt_FMT " must be >= 1 sample", step);
  PetscCheck(n >= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "FCD needs at least 3 regions (FC upper triangles of >= 3 entries), got %" PetscInt_FMT, n);
  nw    = (t - window) / step + 1;
  *nwin = nw;
  if (!fcd) PetscFunctionReturn(0);
  PetscCall(NMAnalysisCheckSeries(n, t, x, "FCD"));
  PetscCall(PetscMalloc5(nw * m, &u, n * window, &y, n, &norm, n * n, &c, nw, &unorm));
  for (PetscInt w = 0; w < nw; w++) {
    PetscReal *uw = u + w * m, mean = 0, ss = 0;
    PetscInt   q  = 0;
    PetscCall(NMCorrelationWindow(n, window, t, x + w * step, y, norm, c));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt k = i + 1; k < n; k++) uw[q++] = c[i * n + k];
    for (q = 0; q < m; q++) mean += uw[q];
    mean /= m;
    for (q = 0; q < m; q++) {
      uw[q] -= mean;
      ss += uw[q] * uw[q];
    }
    PetscCheck(ss > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "FCD: every correlation of window %" PetscInt_FMT " (samples %" PetscInt_FMT "..%" PetscInt_FMT ") is the same; its correlation with other windows is undefined", w, w * step, w * step + window - 1);
    unorm[w] = PetscSqrtReal(ss);
  }
  NMCorrelateCentred(nw, m, u, unorm, fcd);
  PetscCall(PetscFree5(u, y, norm, c, unorm));
  PetscFunctionReturn(0);
}
