/* netmass analyze, distributed path (docs/analysis.md): for parcellations of more than
   -analyze_scalapack_threshold regions every rank works on each subject, one subject
   after the other, on a BLACS process grid (include/netmass/analysis_dist.h). Each rank
   reads its regions' series by hyperslabs, computes their Welch spectra and baselines
   itself, and the covariance, FC, PCA and ridge fit run in ScaLAPACK; n x n and n x k
   results are written by row blocks, each rank its own rows, into the same datasets as
   the LAPACK path. */
#include <netmass/sys.h>
#include "cmd_analyze.h"

/* Where each dataset of one subject comes from: a q x n NM_DIST_COLUMNS matrix (rows
   written by every rank), or values held on every rank (written by rank 0). */
typedef struct {
  const char      *name;
  NMDistMatrix     rows;
  const PetscReal *values;
} NMAnalyzeSource;

PetscErrorCode NMAnalyzeDistributed(MPI_Comm comm, NMAnalyze *a, NMFile in, NMDistGrid grid, const char out[])
{
  const PetscInt    n = a->n, t = a->t;
  PetscMPIInt       rank;
  NMFile            f;
  NMDataset         ds[NM_ANALYZE_MAX_QUANTITIES], dmean;
  NMAnalyzeQuantity q[NM_ANALYZE_MAX_QUANTITIES];
  NMDistMatrix      series, y, cov, fc, fcsum, psd, comp = NULL, at;
  PetscReal        *eig, *expl, *chosen, *local, *fcl, *sum, *fcd, *g, *band, *gsc;
  PetscInt          nq, nloc, nc;
  const PetscInt   *cols;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(NMAnalyzeQuantities(a, q, &nq));
  PetscCall(NMAnalyzeFileBegin(comm, a, out, &f));
  for (PetscInt d = 0; d < nq; d++) {
    const char *names[3] = {"subject", q[d].dimnames[0], q[d].dimnames[1]};
    PetscInt    dims[3]  = {a->S, q[d].dims[0], q[d].dims[1]};
    PetscCall(NMFileCreateDataset(f, q[d].name, 1 + q[d].ndim, dims, names, q[d].units, &ds[d]));
    PetscCall(NMFileSetAttributeString(f, q[d].name, "description", q[d].description));
  }
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, t, n, &series));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_GRID, t, n, &y));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_GRID, n, n, &cov));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, n, n, &fc));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, n, n, &fcsum));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, n, n, &at));
  PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, a->nf, n, &psd));
  if (a->k) PetscCall(NMDistMatrixCreate(grid, NM_DIST_COLUMNS, a->k, n, &comp));
  PetscCall(NMDistMatrixGetLocal(series, NULL, NULL, &nloc, &cols, &local));
  PetscCall(NMDistMatrixGetLocal(fc, NULL, NULL, &nc, NULL, &fcl));
  PetscCall(NMDistMatrixGetLocal(fcsum, NULL, NULL, NULL, NULL, &sum));
  PetscCall(PetscMalloc4(n, &eig, n, &expl, a->S, &chosen, PetscMax(1, a->nwin * a->nwin), &fcd));
  PetscCall(PetscMalloc3(t, &g, n * a->nbands, &band, n, &gsc));

  for (PetscInt s = 0; s < a->S; s++) {
    NMLinearFit fit;
    PetscReal   mfc = 0, scalars[3], *psdl;

    PetscCall(NMDistMatrixReadSeries(series, in, a->dataset, a->cohort ? s : -1, a->state));
    PetscCall(NMAnalyzeValidate(comm, a, s, nloc, cols, local));
    if (a->nwin) {
      PetscInt nwin;
      PetscCall(NMDistAnalysisFCD(series, a->window, a->step, &nwin, fcd));
    }
    PetscCall(NMDistMatrixGetLocal(psd, NULL, NULL, NULL, NULL, &psdl));
    if (nloc) PetscCall(NMAnalysisWelch(nloc, t, local, a->dt, a->nseg, psdl));
    {
      /* band power and the correlation with the global signal (summed over every rank's
         regions) of this rank's regions, then assembled on every rank */
      PetscReal *bl, *gl;
      PetscCall(PetscArrayzero(g, t));
      for (PetscInt l = 0; l < nloc; l++)
        for (PetscInt k = 0; k < t; k++) g[k] += local[l * t + k] / n;
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, g, (PetscMPIInt)t, MPIU_REAL, MPIU_SUM, comm));
      PetscCall(PetscMalloc2(nloc * a->nbands + 1, &bl, nloc + 1, &gl));
      NMAnalyzeBandsAndGlobal(a, nloc, local, psdl, g, bl, gl);
      PetscCall(PetscArrayzero(band, n * a->nbands));
      PetscCall(PetscArrayzero(gsc, n));
      for (PetscInt l = 0; l < nloc; l++) {
        gsc[cols[l]] = gl[l];
        for (PetscInt b = 0; b < a->nbands; b++) band[cols[l] * a->nbands + b] = bl[l * a->nbands + b];
      }
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, band, (PetscMPIInt)(n * a->nbands), MPIU_REAL, MPIU_SUM, comm));
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, gsc, (PetscMPIInt)n, MPIU_REAL, MPIU_SUM, comm));
      PetscCall(PetscFree2(bl, gl));
    }
    PetscCall(NMDistAnalysisCentre(series, y));
    PetscCall(NMDistAnalysisCovariance(y, cov));
    PetscCall(NMDistAnalysisPCA(y, cov, a->k, eig, expl, comp));
    PetscCall(NMDistAnalysisFC(cov, cov));
    PetscCall(NMDistMatrixCopy(cov, fc));
    for (PetscInt l = 0; l < nc; l++)
      for (PetscInt i = 0; i < n; i++) {
        sum[l * n + i] += fcl[l * n + i];
        if (i != cols[l]) mfc += fcl[l * n + i];
      }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &mfc, 1, MPIU_REAL, MPIU_SUM, comm));
    mfc /= n > 1 ? n * (n - 1) : 1;
    PetscCall(NMDistAnalysisLinearFit(series, a->nl, a->lambdas, a->folds, eig, &fit, at));
    scalars[0] = fit.effective_rank;
    scalars[1] = fit.participation_ratio;
    scalars[2] = fit.lambda;
    chosen[s]  = fit.lambda;
    {
      const NMAnalyzeSource src[NM_ANALYZE_MAX_QUANTITIES] = {
        {"fc", fc, NULL},
        {"fcd", NULL, fcd},
        {"psd", psd, NULL},
        {"band_power", NULL, band},
        {"global_signal_correlation", NULL, gsc},
        {"pca_eigenvalues", NULL, eig},
        {"pca_explained", NULL, expl},
        {"pca_components", comp, NULL},
        {"A", at, NULL},
        {"c", NULL, fit.c},
        {"r2", NULL, fit.r2},
        {"r2_zero", NULL, fit.r2_zero},
        {"r2_ar1", NULL, fit.r2_ar1},
        {"eigenvalues_real", NULL, fit.eig_re},
        {"eigenvalues_imag", NULL, fit.eig_im},
        {"singular_values", NULL, fit.sv},
        {"truncation_error", NULL, fit.trunc_err},
        {"effective_rank", NULL, scalars},
        {"participation_ratio", NULL, scalars + 1},
        {"ridge_lambda", NULL, scalars + 2},
      };
      for (PetscInt d = 0; d < nq; d++) {
        const NMAnalyzeSource *w = NULL;
        for (size_t k = 0; k < sizeof(src) / sizeof(src[0]) && src[k].name; k++)
          if (!strcmp(src[k].name, q[d].name)) w = &src[k];
        PetscCheck(w, comm, PETSC_ERR_PLIB, "dataset %s has no source on the distributed path", q[d].name);
        if (w->rows) PetscCall(NMDistMatrixWriteRows(w->rows, ds[d], s));
        else {
          const PetscInt start[3] = {s, 0, 0}, count[3] = {rank ? 0 : 1, q[d].ndim > 0 ? q[d].dims[0] : 1, q[d].ndim > 1 ? q[d].dims[1] : 1};
          PetscCall(NMDatasetWrite(ds[d], start, count, w->values));
        }
      }
    }
    if (!rank) PetscCall(NMAnalyzePrintSubject(PETSC_COMM_SELF, a, s, mfc, scalars, fit.eig_re[0], fit.eig_im[0], fit.r2, fit.r2_ar1, fit.r2_zero));
    PetscCall(NMLinearFitDestroy(&fit));
  }
  if (!rank) PetscCall(NMAnalyzePrintPenaltyNotes(PETSC_COMM_SELF, a, chosen));

  /* the pooled FC: mean over subjects, by row blocks */
  for (PetscInt l = 0; l < nc * n; l++) sum[l] /= a->S;
  {
    const char    *names[2] = {"region", "region"};
    const PetscInt dims[2]  = {n, n};
    PetscCall(NMFileCreateDataset(f, "fc_mean", 2, dims, names, "1", &dmean));
    PetscCall(NMDistMatrixWriteRows(fcsum, dmean, -1));
    PetscCall(NMDatasetClose(&dmean));
  }
  for (PetscInt d = 0; d < nq; d++) PetscCall(NMDatasetClose(&ds[d]));
  PetscCall(NMAnalyzeFileEnd(comm, a, &f));
  PetscCall(PetscFree4(eig, expl, chosen, fcd));
  PetscCall(PetscFree3(g, band, gsc));
  PetscCall(NMDistMatrixDestroy(&series));
  PetscCall(NMDistMatrixDestroy(&y));
  PetscCall(NMDistMatrixDestroy(&cov));
  PetscCall(NMDistMatrixDestroy(&fc));
  PetscCall(NMDistMatrixDestroy(&fcsum));
  PetscCall(NMDistMatrixDestroy(&at));
  PetscCall(NMDistMatrixDestroy(&psd));
  PetscCall(NMDistMatrixDestroy(&comp));
  PetscFunctionReturn(0);
}
