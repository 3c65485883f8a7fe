/* netmass analyze: FC, FCD, Welch spectra, PCA and the linear effective connectivity
   (ridge fit of x_{t+1} = A x_t + c) of every subject of a cohort file, or of one
   simulation, written to a netmass-analysis file. See docs/analysis.md.

   Up to -analyze_scalapack_threshold regions (the LAPACK path, here): subject s is
   analysed by rank s % size (read with one collective read per round of `size`
   subjects), every result is gathered on rank 0 in subject order and written from there:
   the file is the same at any rank count. Above it, every rank works on each subject on a
   ScaLAPACK process grid (src/cmd_analyze_dist.c) and writes the same datasets. */
#include <netmass/cohort.h>
#include <netmass/simulator.h>
#include <netmass/sys.h>
#include <petsctime.h>
#include "cmd_analyze.h"
#include "commands.h"

#define NM_ANALYZE_MAX_WINDOWS 4096 /* FCD is nwin x nwin per subject */
#define NM_NO_PROBLEM ((PetscInt64)INT64_MAX)

static const char *const NMAnalyzeDatasets[] = {"bold", "raw", "tavg", "NMAnalyzeDataset", "NM_ANALYZE_", NULL};

/* Rows [s, s+1) of a cohort's bold (or nothing for s < 0) into x (n x t); for a
   simulation (one subject), rank 0 reads the whole monitor, takes state `state` and
   transposes time x region to region x time. Collective. */
static PetscErrorCode NMAnalyzeRead(NMAnalyze *a, NMFile f, PetscInt s, PetscReal x[])
{
  PetscFunctionBeginUser;
  if (a->cohort) {
    PetscCall(NMFileReadReal(f, "bold", s < 0 ? 0 : s, s < 0 ? 0 : s + 1, x));
  } else {
    const PetscInt w = a->nstate; /* 1 for bold (time x region) */
    PetscReal     *buf;
    PetscCall(PetscMalloc1(s < 0 ? 1 : a->t * a->n * w, &buf));
    PetscCall(NMFileReadReal(f, a->dataset, 0, s < 0 ? 0 : a->t, buf));
    if (s >= 0)
      for (PetscInt j = 0; j < a->t; j++)
        for (PetscInt i = 0; i < a->n; i++) x[i * a->t + j] = buf[(j * a->n + i) * w + a->state];
    PetscCall(PetscFree(buf));
  }
  PetscFunctionReturn(0);
}

/* Every rank checks its rows (regions rows[0..nrows-1], or all if rows is NULL) of
   subject s's series (NaN/Inf, constant regions); the first problem in subject and
   region order is reported by every rank, so the error is collective. */
PetscErrorCode NMAnalyzeValidate(MPI_Comm comm, NMAnalyze *a, PetscInt s, PetscInt nrows, const PetscInt rows[], const PetscReal x[])
{
  PetscInt64 key = NM_NO_PROBLEM, info[3] = {-1, -1, -1};
  PetscReal  value = 0;

  PetscFunctionBeginUser;
  for (PetscInt l = 0; s >= 0 && l < nrows && key == NM_NO_PROBLEM; l++) {
    const PetscReal *row = x + l * a->t;
    const PetscInt   i   = rows ? rows[l] : l;
    PetscInt         k   = 1;
    for (PetscInt j = 0; j < a->t; j++)
      if (PetscIsInfOrNanReal(row[j])) {
        key     = (PetscInt64)s * a->n + i;
        info[0] = 1;
        info[1] = j;
        break;
      }
    if (key != NM_NO_PROBLEM) break;
    while (k < a->t && row[k] == row[0]) k++;
    if (k == a->t) {
      key     = (PetscInt64)s * a->n + i;
      info[0] = 2;
      value   = row[0];
    }
  }
  {
    PetscInt64 first;
    PetscCallMPI(MPI_Allreduce(&key, &first, 1, MPIU_INT64, MPI_MIN, comm));
    if (first == NM_NO_PROBLEM) PetscFunctionReturn(0);
    /* only the rank holding the first problem contributes its details */
    if (key != first) {
      info[0] = info[1] = -1;
      value             = 0;
    }
    info[2] = first;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, info, 2, MPIU_INT64, MPI_MAX, comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPIU_REAL, MPI_SUM, comm));
  }
  {
    const PetscInt bs = (PetscInt)(info[2] / a->n), bi = (PetscInt)(info[2] % a->n);
    char           region[160];
    if (a->labels) PetscCall(PetscSNPrintf(region, sizeof(region), "region %" PetscInt_FMT " (%s)", bi, a->labels[bi]));
    else PetscCall(PetscSNPrintf(region, sizeof(region), "region %" PetscInt_FMT, bi));
    PetscCheck(info[0] != 1, comm, PETSC_ERR_FP, "%s: subject %s, %s: sample %" PetscInt64_FMT " of '%s' is not finite; netmass analyze needs finite time series (an unfinished simulation leaves NaN where it stopped)", a->in, a->ids[bs], region, info[1], a->dataset);
    SETERRQ(comm, PETSC_ERR_ARG_WRONG, "%s: subject %s, %s: the '%s' time series is constant (%g); its correlations and linear fit are undefined", a->in, a->ids[bs], region, a->dataset, (double)value);
  }
}

void NMAnalyzeBandsAndGlobal(const NMAnalyze *a, PetscInt n, const PetscReal x[], const PetscReal psd[], const PetscReal g[], PetscReal band[], PetscReal gsc[])
{
  NMAnalysisBandPower(n, a->nf, 1 / (a->nseg * a->dt), psd, a->nbands, a->bands, band);
  NMAnalysisCorrelationWith(n, a->t, x, g, gsc);
}

/* All analyses of one subject into its record r (P values). */
static PetscErrorCode NMAnalyzeSubject(NMAnalyze *a, const PetscReal x[], PetscReal r[])
{
  const PetscInt n = a->n;
  NMLinearFit    fit;

  PetscFunctionBeginUser;
  PetscCall(NMAnalysisFC(n, a->t, x, r + a->o_fc));
  if (a->nwin) {
    PetscInt nwin;
    PetscCall(NMAnalysisFCD(n, a->t, x, a->window, a->step, &nwin, r + a->o_fcd));
  }
  PetscCall(NMAnalysisWelch(n, a->t, x, a->dt, a->nseg, r + a->o_psd));
  {
    PetscReal *g;
    PetscCall(PetscCalloc1(a->t, &g));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt k = 0; k < a->t; k++) g[k] += x[i * a->t + k] / n;
    NMAnalyzeBandsAndGlobal(a, n, x, r + a->o_psd, g, r + a->o_band, r + a->o_gsc);
    PetscCall(PetscFree(g));
  }
  PetscCall(NMAnalysisPCA(n, a->t, x, a->k, r + a->o_eig, r + a->o_expl, a->k ? r + a->o_comp : NULL));
  PetscCall(NMAnalysisLinearFit(n, a->t, x, a->nl, a->lambdas, a->folds, &fit));
  PetscCall(PetscArraycpy(r + a->o_A, fit.A, n * n));
  PetscCall(PetscArraycpy(r + a->o_c, fit.c, n));
  PetscCall(PetscArraycpy(r + a->o_r2, fit.r2, n));
  PetscCall(PetscArraycpy(r + a->o_r2z, fit.r2_zero, n));
  PetscCall(PetscArraycpy(r + a->o_r2a, fit.r2_ar1, n));
  PetscCall(PetscArraycpy(r + a->o_ere, fit.eig_re, n));
  PetscCall(PetscArraycpy(r + a->o_eim, fit.eig_im, n));
  PetscCall(PetscArraycpy(r + a->o_sv, fit.sv, n));
  PetscCall(PetscArraycpy(r + a->o_trunc, fit.trunc_err, n));
  r[a->o_scalar]     = fit.effective_rank;
  r[a->o_scalar + 1] = fit.participation_ratio;
  r[a->o_scalar + 2] = fit.lambda;
  PetscCall(NMLinearFitDestroy(&fit));
  PetscFunctionReturn(0);
}

static PetscReal NMMean(PetscInt n, const PetscReal v[])
{
  PetscReal s = 0;
  for (PetscInt i = 0; i < n; i++) s += v[i];
  return s / n;
}

/* The input: kind of file, dataset, shape, dt, units, labels. Collective. */
static PetscErrorCode NMAnalyzeOpenInput(MPI_Comm comm, NMAnalyze *a, PetscBool state_set, NMFile *file)
{
  NMFile    f;
  char      format[64] = "";
  PetscBool found, has;

  PetscFunctionBeginUser;
  PetscCall(NMCheckReadable(comm, "-i", a->in));
  PetscCall(NMFileOpen(comm, a->in, NULL, &f));
  *file = f;
  PetscCall(NMFileGetAttributeString(f, "/", "format", format, sizeof(format), &found));
  PetscCheck(found, comm, PETSC_ERR_FILE_UNEXPECTED, "-i %s has no 'format' attribute: not a netmass file (netmass analyze reads %s and %s files)", a->in, NM_FORMAT_COHORT, NM_FORMAT_SIMULATION);
  a->cohort = (PetscBool)!strcmp(format, NM_FORMAT_COHORT);
  PetscCheck(a->cohort || !strcmp(format, NM_FORMAT_SIMULATION), comm, PETSC_ERR_FILE_UNEXPECTED, "-i %s is a %s file; netmass analyze reads time series from %s files (dataset bold) and %s files (bold, raw, tavg)", a->in, format, NM_FORMAT_COHORT, NM_FORMAT_SIMULATION);
  PetscCheck(!a->cohort || !strcmp(a->dataset, "bold"), comm, PETSC_ERR_ARG_WRONG, "-dataset %s: the cohort file %s holds only 'bold' time series", a->dataset, a->in);
  PetscCall(NMFileHasDataset(f, a->dataset, &has));
  if (!has) {
    char list[64] = "";
    for (PetscInt d = 0; d < 3; d++) {
      PetscBool h;
      PetscCall(NMFileHasDataset(f, NMAnalyzeDatasets[d], &h));
      if (h) {
        if (list[0]) PetscCall(PetscStrlcat(list, ", ", sizeof(list)));
        PetscCall(PetscStrlcat(list, NMAnalyzeDatasets[d], sizeof(list)));
      }
    }
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "-i %s has no dataset '%s' (%s%s)%s", a->in, a->dataset, list[0] ? "its time series: " : "it holds no time series", list, list[0] ? "; choose one with -dataset" : "");
  }
  a->nstate = 1;
  if (a->cohort) {
    PetscInt dims[3];
    PetscCall(NMFileGetShape(f, "bold", 3, dims));
    a->S = dims[0];
    a->n = dims[1];
    a->t = dims[2];
  } else if (!strcmp(a->dataset, "bold")) {
    PetscInt dims[2];
    PetscCall(NMFileGetShape(f, "bold", 2, dims));
    a->S = 1;
    a->t = dims[0];
    a->n = dims[1];
  } else {
    PetscInt dims[3];
    PetscCall(NMFileGetShape(f, a->dataset, 3, dims));
    a->S      = 1;
    a->t      = dims[0];
    a->n      = dims[1];
    a->nstate = dims[2];
  }
  if (!strcmp(a->dataset, "bold")) {
    PetscCheck(!state_set, comm, PETSC_ERR_ARG_WRONG, "-state applies to the raw and tavg monitors (time x region x state); bold has one value per region");
    a->state = 0;
  } else {
    char names[1024];
    PetscCheck(a->state >= 0 && a->state < a->nstate, comm, PETSC_ERR_ARG_OUTOFRANGE, "-state %" PetscInt_FMT ": dataset '%s' of %s has %" PetscInt_FMT " states, 0..%" PetscInt_FMT, a->state, a->dataset, a->in, a->nstate, a->nstate - 1);
    PetscCall(NMFileGetAttributeString(f, a->dataset, "state_names", names, sizeof(names), &found));
    if (found) {
      char    *tok = names;
      PetscInt k   = 0;
      while (k < a->state && tok) {
        tok = strchr(tok, ',');
        if (tok) tok++;
        k++;
      }
      if (tok) {
        PetscCall(PetscStrncpy(a->state_name, tok, sizeof(a->state_name)));
        if (strchr(a->state_name, ',')) *strchr(a->state_name, ',') = 0;
      }
    }
  }
  PetscCheck(a->S >= 1 && a->n >= 1 && a->t >= 1, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset '%s' is empty", a->in, a->dataset);
  PetscCall(NMFileGetAttributeReal(f, a->dataset, "dt", &a->dt, &found));
  if (!found && a->cohort) PetscCall(NMFileGetAttributeReal(f, "/", "tr", &a->dt, &found));
  PetscCheck(found, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset '%s' has no 'dt' attribute (the sampling interval); see docs/file-formats.md", a->in, a->dataset);
  PetscCheck(a->dt > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset '%s' has dt = %g s; the sampling interval must be positive", a->in, a->dataset, (double)a->dt);
  PetscCall(NMFileGetAttributeString(f, a->dataset, "units", a->units, sizeof(a->units), &found));
  if (!found) a->units[0] = 0;
  PetscCall(NMFileHasDataset(f, "region_labels", &has));
  if (has) PetscCall(NMFileReadStrings(f, "region_labels", a->n, &a->labels));
  if (a->cohort) {
    PetscCall(NMFileHasDataset(f, "subject_ids", &has));
    if (has) PetscCall(NMFileReadStrings(f, "subject_ids", a->S, &a->ids));
  }
  if (!a->ids) {
    char id[32];
    PetscCall(PetscMalloc1(a->S, &a->ids));
    for (PetscInt s = 0; s < a->S; s++) {
      if (a->cohort) PetscCall(PetscSNPrintf(id, sizeof(id), "%" PetscInt_FMT, s));
      else PetscCall(PetscStrncpy(id, "simulation", sizeof(id)));
      PetscCall(PetscStrallocpy(id, &a->ids[s]));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMAnalyzeQuantities(NMAnalyze *a, NMAnalyzeQuantity q[], PetscInt *nq)
{
  const PetscInt          n = a->n;
  const NMAnalyzeQuantity all[NM_ANALYZE_MAX_QUANTITIES] = {
    {"fc",                  2, {n, n},             a->o_fc,         {"region", "region"},        "1",       "Pearson correlation between the regions' time series"},
    {"fcd",                 2, {a->nwin, a->nwin}, a->o_fcd,        {"window", "window"},        "1",       "FCD (Hansen et al. 2015): correlation between the FC upper triangles of two windows"},
    {"psd",                 2, {n, a->nf},         a->o_psd,        {"region", "frequency"},     a->psd_units, "Welch power spectral density, one-sided, Hann window, 50 % overlap; frequencies in dataset 'frequency'"},
    {"band_power",          2, {n, a->nbands},     a->o_band,       {"region", "band"},          a->u2,     "power in each frequency band of 'band_edges': the psd integrated over [lo, hi); NaN beyond Nyquist"},
    {"global_signal_correlation", 1, {n},          a->o_gsc,        {"region"},                  "1",       "Pearson correlation of each region with the global signal (the mean over regions)"},
    {"pca_eigenvalues",     1, {n},                a->o_eig,        {"component"},               a->u2,     "eigenvalues of the covariance of the regions, descending"},
    {"pca_explained",       1, {n},                a->o_expl,       {"component"},               "1",       "fraction of the total variance each principal component explains"},
    {"pca_components",      2, {n, a->k},          a->o_comp,       {"region", "component"},     "1",       "unit eigenvectors of the covariance (columns), largest entry positive"},
    {"A",                   2, {n, n},             a->o_A,          {"receiver", "emitter"},     "1",       "linear effective connectivity: x_{t+1} = A x_t + c, ridge fit (A[r, e]: effect of region e on region r one sample later)"},
    {"c",                   1, {n},                a->o_c,          {"region"},                  a->units[0] ? a->units : NULL, "intercept c of x_{t+1} = A x_t + c"},
    {"r2",                  1, {n},                a->o_r2,         {"region"},                  "1",       "cross-validated one-step R^2 of the linear model, per region"},
    {"r2_zero",             1, {n},                a->o_r2z,        {"region"},                  "1",       "one-step R^2 of the zero-change baseline x_{t+1} = x_t"},
    {"r2_ar1",              1, {n},                a->o_r2a,        {"region"},                  "1",       "cross-validated one-step R^2 of the per-region AR(1) baseline with intercept"},
    {"eigenvalues_real",    1, {n},                a->o_ere,        {"eigenvalue"},              "1",       "eigenvalues of A (per sample), by modulus, largest first: real parts"},
    {"eigenvalues_imag",    1, {n},                a->o_eim,        {"eigenvalue"},              "1",       "eigenvalues of A: imaginary parts"},
    {"singular_values",     1, {n},                a->o_sv,         {"rank"},                    "1",       "singular values of A, descending"},
    {"truncation_error",    1, {n},                a->o_trunc,      {"rank"},                    "1",       "relative Frobenius error of the best rank-r approximation of A, r = 1..n: sqrt(sum_{i>r} s_i^2 / sum s_i^2)"},
    {"effective_rank",      0, {0},                a->o_scalar,     {NULL},                      "1",       "effective rank of A (Roy & Vetterli 2007): exp of the entropy of the normalised singular values"},
    {"participation_ratio", 0, {0},                a->o_scalar + 1, {NULL},                      "1",       "participation ratio (sum l)^2 / sum l^2 of the covariance eigenvalues"},
    {"ridge_lambda",        0, {0},                a->o_scalar + 2, {NULL},                      NULL,      "ridge penalty chosen by cross-validation from dataset 'ridge_lambdas'"},
  };

  PetscFunctionBeginUser;
  *nq = 0;
  for (PetscInt d = 0; d < NM_ANALYZE_MAX_QUANTITIES; d++) {
    if (!strcmp(all[d].name, "fcd") && !a->nwin) continue;
    if (!strcmp(all[d].name, "pca_components") && !a->k) continue;
    q[(*nq)++] = all[d];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMAnalyzeFileBegin(MPI_Comm comm, NMAnalyze *a, const char path[], NMFile *file)
{
  NMFile f;
  char   source[PETSC_MAX_PATH_LEN + 128];

  PetscFunctionBeginUser;
  if (a->cohort) PetscCall(PetscSNPrintf(source, sizeof(source), "netmass analyze of %s, dataset bold", a->in));
  else if (!strcmp(a->dataset, "bold")) PetscCall(PetscSNPrintf(source, sizeof(source), "netmass analyze of the simulation %s, dataset bold", a->in));
  else PetscCall(PetscSNPrintf(source, sizeof(source), "netmass analyze of the simulation %s, dataset %s, state %" PetscInt_FMT " (%s)", a->in, a->dataset, a->state, a->state_name));

  PetscCall(NMFileCreate(comm, path, NM_FORMAT_ANALYSIS, &f));
  *file = f;
  PetscCall(NMFileSetAttributeString(f, "/", "source", source));
  PetscCall(NMFileSetAttributeString(f, "/", "input", a->in));
  PetscCall(NMFileSetAttributeString(f, "/", "dataset", a->dataset));
  if (strcmp(a->dataset, "bold")) {
    PetscCall(NMFileSetAttributeInt(f, "/", "state", a->state));
    PetscCall(NMFileSetAttributeString(f, "/", "state_name", a->state_name));
  }
  PetscCall(NMFileSetAttributeInt(f, "/", "n_subjects", a->S));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_regions", a->n));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_samples", a->t));
  PetscCall(NMFileSetAttributeReal(f, "/", "dt", a->dt));
  PetscCall(NMFileSetAttributeInt(f, "/", "fcd_window", a->nwin ? a->window : 0));
  PetscCall(NMFileSetAttributeInt(f, "/", "fcd_step", a->nwin ? a->step : 0));
  PetscCall(NMFileSetAttributeInt(f, "/", "welch_segment", a->nseg));
  PetscCall(NMFileSetAttributeInt(f, "/", "pca_components", a->k));
  PetscCall(NMFileSetAttributeInt(f, "/", "cv_folds", a->folds));
  PetscCall(NMFileWriteStrings(f, "subject_ids", a->S, (const char *const *)a->ids, "subject"));
  if (a->labels) PetscCall(NMFileWriteStrings(f, "region_labels", a->n, (const char *const *)a->labels, "region"));
  PetscFunctionReturn(0);
}

PetscErrorCode NMAnalyzeFileEnd(MPI_Comm comm, NMAnalyze *a, NMFile *file)
{
  NMFile         f = *file;
  PetscMPIInt    rank;
  PetscReal     *freq;
  const char    *fname[1] = {"frequency"}, *lname[1] = {"lambda"};
  const PetscInt fd[1] = {a->nf}, ld[1] = {a->nl};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(NMFileSetAttributeString(f, "fc_mean", "description", "FC averaged over subjects (plain mean of the correlations)"));
  PetscCall(NMFileSetAttributeInt(f, "fc", "n_samples", a->t));
  if (a->nwin) {
    PetscCall(NMFileSetAttributeInt(f, "fcd", "window", a->window));
    PetscCall(NMFileSetAttributeInt(f, "fcd", "step", a->step));
    PetscCall(NMFileSetAttributeReal(f, "fcd", "window_s", a->window * a->dt));
    PetscCall(NMFileSetAttributeReal(f, "fcd", "step_s", a->step * a->dt));
  }
  PetscCall(NMFileSetAttributeInt(f, "psd", "segment", a->nseg));
  PetscCall(NMFileSetAttributeReal(f, "psd", "df", 1 / (a->nseg * a->dt)));
  PetscCall(PetscMalloc1(a->nf, &freq));
  for (PetscInt k = 0; k < a->nf; k++) freq[k] = k / (a->nseg * a->dt);
  PetscCall(NMFileWriteReal(f, "frequency", 1, fd, fname, "Hz", 0, rank ? 0 : a->nf, freq));
  PetscCall(NMFileSetAttributeString(f, "frequency", "description", "frequencies of the psd bins, k / (welch_segment dt)"));
  {
    const PetscInt bd[2] = {a->nbands, 2};
    const char    *bname[2] = {"band", "edge"};
    PetscCall(NMFileWriteReal(f, "band_edges", 2, bd, bname, "Hz", 0, rank ? 0 : a->nbands, a->bands));
  }
  PetscCall(NMFileWriteReal(f, "ridge_lambdas", 1, ld, lname, NULL, 0, rank ? 0 : a->nl, a->lambdas));
  PetscCall(NMFileSetAttributeString(f, "ridge_lambdas", "description", "ridge penalties tried by cross-validation (on the sum of squared one-step errors)"));
  PetscCall(NMFileSetAttributeInt(f, "r2", "cv_folds", a->folds));
  PetscCall(PetscFree(freq));
  PetscCall(NMFileCommit(file));
  PetscFunctionReturn(0);
}

/* Write every quantity of the gathered records `all` (S x P, rank 0) to `path`. */
static PetscErrorCode NMAnalyzeWrite(MPI_Comm comm, NMAnalyze *a, const PetscReal all[], const char path[])
{
  const PetscInt    n = a->n, S = a->S;
  PetscMPIInt       rank;
  NMFile            f;
  PetscReal        *buf;
  PetscInt          rows, nq;
  NMAnalyzeQuantity q[NM_ANALYZE_MAX_QUANTITIES];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  rows = rank ? 0 : S;
  PetscCall(NMAnalyzeQuantities(a, q, &nq));
  PetscCall(NMAnalyzeFileBegin(comm, a, path, &f));
  PetscCall(PetscMalloc1(rank ? 1 : S * a->P, &buf));
  for (PetscInt d = 0; d < nq; d++) {
    PetscInt size = 1, dims[3] = {S, 0, 0};
    for (PetscInt k = 0; k < q[d].ndim; k++) {
      size *= q[d].dims[k];
      dims[k + 1] = q[d].dims[k];
    }
    if (!rank)
      for (PetscInt s = 0; s < S; s++) PetscCall(PetscArraycpy(buf + s * size, all + s * a->P + q[d].offset, size));
    {
      const char *names[3] = {"subject", q[d].dimnames[0], q[d].dimnames[1]};
      PetscCall(NMFileWriteReal(f, q[d].name, 1 + q[d].ndim, dims, names, q[d].units, 0, rows, buf));
    }
    PetscCall(NMFileSetAttributeString(f, q[d].name, "description", q[d].description));
  }
  /* the pooled FC: mean over subjects */
  if (!rank) {
    for (PetscInt k = 0; k < n * n; k++) {
      PetscReal m = 0;
      for (PetscInt s = 0; s < S; s++) m += all[s * a->P + a->o_fc + k];
      buf[k] = m / S;
    }
  }
  {
    const char    *names[2] = {"region", "region"};
    const PetscInt dims[2]  = {n, n};
    PetscCall(NMFileWriteReal(f, "fc_mean", 2, dims, names, "1", 0, rank ? 0 : n, buf));
  }
  PetscCall(NMAnalyzeFileEnd(comm, a, &f));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

PetscErrorCode NMAnalyzePrintSubject(MPI_Comm comm, NMAnalyze *a, PetscInt s, PetscReal mean_fc, const PetscReal scalars[3], PetscReal eig_re0, PetscReal eig_im0, const PetscReal r2[], const PetscReal r2_ar1[], const PetscReal r2_zero[])
{
  char line[512];

  PetscFunctionBeginUser;
  PetscCall(NMFormat(line, sizeof(line), "  subject %s: mean FC %.3f; covariance PR %.1f; A: effective rank %.1f of %d, max |eigenvalue| %.3f, ridge lambda %g; one-step R^2 %.3f (AR(1) %.3f, zero change %.3f)", a->ids[s], (double)mean_fc, (double)scalars[1], (double)scalars[0], (int)a->n, (double)PetscSqrtReal(PetscSqr(eig_re0) + PetscSqr(eig_im0)), (double)scalars[2], (double)NMMean(a->n, r2), (double)NMMean(a->n, r2_ar1), (double)NMMean(a->n, r2_zero)));
  PetscCall(PetscPrintf(comm, "%s\n", line));
  PetscFunctionReturn(0);
}

/* The penalty at the edge of the grid means the cross-validated optimum may lie beyond it. */
PetscErrorCode NMAnalyzePrintPenaltyNotes(MPI_Comm comm, NMAnalyze *a, const PetscReal chosen[])
{
  PetscReal lmax = a->lambdas[0], lmin = a->lambdas[0];
  PetscInt  at_max = 0, at_min = 0;
  char      note[256];

  PetscFunctionBeginUser;
  for (PetscInt l = 1; l < a->nl; l++) {
    lmax = PetscMax(lmax, a->lambdas[l]);
    lmin = PetscMin(lmin, a->lambdas[l]);
  }
  for (PetscInt s = 0; s < a->S; s++) {
    at_max += a->nl > 1 && chosen[s] == lmax;
    at_min += a->nl > 1 && chosen[s] == lmin && lmin > 0;
  }
  if (at_max) {
    PetscCall(NMFormat(note, sizeof(note), "netmass analyze: note: for %d of %d subject(s) CV chose the largest penalty tried (%g); the optimum may be larger: extend -ridge_lambdas (e.g. 0,1,10,100,1000,10000)", (int)at_max, (int)a->S, (double)lmax));
    PetscCall(PetscPrintf(comm, "%s\n", note));
  }
  if (at_min) {
    PetscCall(NMFormat(note, sizeof(note), "netmass analyze: note: for %d of %d subject(s) CV chose the smallest penalty tried (%g); the optimum may be smaller: add 0 or smaller values to -ridge_lambdas", (int)at_min, (int)a->S, (double)lmin));
    PetscCall(PetscPrintf(comm, "%s\n", note));
  }
  PetscFunctionReturn(0);
}

/* The LAPACK path: subject s on rank s % size, the records gathered on rank 0 and
   written from there. Closes the input f. */
static PetscErrorCode NMAnalyzeLocal(MPI_Comm comm, NMAnalyze *a, NMFile *f, const char out[])
{
  PetscMPIInt    rank, size;
  PetscReal     *x, *mine, *all = NULL;
  PetscInt       nmine, rounds;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  nmine  = rank < a->S ? (a->S - rank + size - 1) / size : 0;
  rounds = (a->S + size - 1) / size;
  PetscCheck((PetscInt64)a->S * a->P <= PETSC_MPI_INT_MAX, comm, PETSC_ERR_SUP, "%" PetscInt_FMT " subjects x %" PetscInt_FMT " values per subject are too many to gather on one rank; analyse the cohort in parts", a->S, a->P);
  PetscCall(PetscTime(&t0));
  PetscCall(PetscMalloc2(a->n * a->t, &x, nmine * a->P + 1, &mine));
  for (PetscInt r = 0; r < rounds; r++) {
    const PetscInt s = r * size + rank < a->S ? r * size + rank : -1;
    PetscCall(NMAnalyzeRead(a, *f, s, x));
    PetscCall(NMAnalyzeValidate(comm, a, s, a->n, NULL, x));
    if (s >= 0) PetscCall(NMAnalyzeSubject(a, x, mine + r * a->P));
  }
  PetscCall(NMFileDestroy(f));
  PetscCall(PetscTime(&t1));

  /* Gather: rank p sends its records (subjects p, p + size, ...) in order. */
  {
    PetscMPIInt *counts = NULL, *displs = NULL, mycount = (PetscMPIInt)(nmine * a->P);
    PetscReal   *packed = NULL;
    if (!rank) {
      PetscCall(PetscMalloc3(size, &counts, size, &displs, a->S * a->P, &packed));
      PetscCall(PetscMalloc1(a->S * a->P, &all));
      for (PetscMPIInt p = 0; p < size; p++) {
        counts[p] = (PetscMPIInt)((p < a->S ? (a->S - p + size - 1) / size : 0) * a->P);
        displs[p] = p ? displs[p - 1] + counts[p - 1] : 0;
      }
    }
    PetscCallMPI(MPI_Gatherv(mine, mycount, MPIU_REAL, packed, counts, displs, MPIU_REAL, 0, comm));
    if (!rank)
      for (PetscInt s = 0; s < a->S; s++) PetscCall(PetscArraycpy(all + s * a->P, packed + displs[s % size] + (s / size) * a->P, a->P));
    if (!rank) PetscCall(PetscFree3(counts, displs, packed));
  }
  /* One line per subject (rank 0 holds them all). */
  if (!rank) {
    PetscReal *chosen;
    PetscCall(PetscMalloc1(a->S, &chosen));
    for (PetscInt s = 0; s < a->S; s++) {
      const PetscReal *r   = all + s * a->P;
      PetscReal        mfc = 0;
      for (PetscInt i = 0; i < a->n; i++)
        for (PetscInt j = 0; j < a->n; j++)
          if (i != j) mfc += r[a->o_fc + i * a->n + j];
      mfc /= a->n > 1 ? a->n * (a->n - 1) : 1;
      PetscCall(NMAnalyzePrintSubject(PETSC_COMM_SELF, a, s, mfc, r + a->o_scalar, r[a->o_ere], r[a->o_eim], r + a->o_r2, r + a->o_r2a, r + a->o_r2z));
      chosen[s] = r[a->o_scalar + 2];
    }
    PetscCall(NMAnalyzePrintPenaltyNotes(PETSC_COMM_SELF, a, chosen));
    PetscCall(PetscFree(chosen));
  }
  PetscCall(NMAnalyzeWrite(comm, a, all, out));
  PetscCall(PetscPrintf(comm, "netmass analyze: %" PetscInt_FMT " subject(s) in %.2f s; wrote %s\n", a->S, t1 - t0, out));
  PetscCall(PetscFree2(x, mine));
  if (!rank) PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCommandAnalyze(MPI_Comm comm)
{
  NMAnalyze      a;
  NMFile         f = NULL;
  char           out[PETSC_MAX_PATH_LEN] = "";
  PetscBool      help, state_set, window_set, step_set, nseg_set, k_set, lambdas_set, bands_set;
  PetscInt       dataset = 0, state = 0, window = 0, step = 0, nseg = 256, k = 10, nl = NM_ANALYZE_MAX_LAMBDAS, nb = 2 * NM_ANALYZE_MAX_BANDS;
  PetscMPIInt    size;
  PetscInt       threshold = 1000;
  PetscLogDouble t0, t1;
  NMDistGrid     grid;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&a, sizeof(a)));
  a.folds = 5;
  {
    const PetscReal def[6] = {0, 1, 10, 100, 1000, 10000}; /* the default grid, shown by -help: resting-state fMRI of 100 regions wants lambda ~ 100-1000 */
    PetscCall(PetscArraycpy(a.lambdas, def, 6));
  }
  PetscOptionsBegin(comm, NULL, "netmass analyze: functional connectivity, spectra and linear effective connectivity of time series", "netmass");
  PetscCall(PetscOptionsString("-i", "Input: a cohort file (dataset bold) or a simulation file (bold, raw or tavg)", NULL, a.in, a.in, sizeof(a.in), NULL));
  PetscCall(PetscOptionsString("-o", "Output HDF5 file (format netmass-analysis)", NULL, out, out, sizeof(out), NULL));
  PetscCall(PetscOptionsEList("-dataset", "Time series to analyse", NULL, NMAnalyzeDatasets, 3, NMAnalyzeDatasets[0], &dataset, NULL));
  PetscCall(PetscOptionsInt("-state", "State variable of a raw or tavg monitor", NULL, state, &state, &state_set));
  PetscCall(PetscOptionsInt("-fcd_window", "FCD window (samples; default 60 s; 0: no FCD)", NULL, window, &window, &window_set));
  PetscCall(PetscOptionsInt("-fcd_step", "FCD step between windows (samples; default 2 s, at most the window)", NULL, step, &step, &step_set));
  PetscCall(PetscOptionsInt("-welch_segment", "Welch segment (samples; default 256 or the whole series if shorter)", NULL, nseg, &nseg, &nseg_set));
  PetscCall(PetscOptionsInt("-pca_components", "Principal components to save (default 10 or n if fewer)", NULL, k, &k, &k_set));
  PetscCall(PetscOptionsRealArray("-ridge_lambdas", "Ridge penalties tried by cross-validation (default 0,1,10,100,1000,10000)", NULL, a.lambdas, &nl, &lambdas_set));
  PetscCall(PetscOptionsRealArray("-analyze_bands", "Frequency bands lo1,hi1,lo2,hi2,... (Hz; default slow-5/4/3 for BOLD, delta..gamma otherwise)", NULL, a.bands, &nb, &bands_set));
  PetscCall(PetscOptionsInt("-cv_folds", "Cross-validation folds (contiguous blocks of time)", NULL, a.folds, &a.folds, NULL));
  PetscCall(PetscOptionsInt("-analyze_scalapack_threshold", "Regions above which every rank works on each subject on a ScaLAPACK process grid (0: always)", NULL, threshold, &threshold, NULL));
  PetscOptionsEnd();
  PetscCall(NMDistGridCreate(comm, &grid));
  PetscCall(NMDistGridSetFromOptions(grid));
  PetscCall(NMCheckUnusedOptions(comm, "analyze"));
  PetscCall(NMHelpRequested(&help));
  if (help) {
    PetscCall(NMDistGridDestroy(&grid));
    PetscFunctionReturn(0);
  }

  PetscCheck(a.in[0], comm, PETSC_ERR_ARG_WRONG, "missing option -i: give the time series, e.g. -i cohort.h5 (netmass import) or -i sim.h5 (netmass simulate)");
  PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o analysis.h5");
  PetscCheck(threshold >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-analyze_scalapack_threshold %" PetscInt_FMT ": a number of regions >= 0 (0: always the distributed path)", threshold);
  PetscCall(NMDistGridSetUp(grid)); /* checks -analyze_grid against the rank count */
  if (!lambdas_set) nl = 6;
  PetscCheck(nl >= 1, comm, PETSC_ERR_ARG_WRONG, "-ridge_lambdas needs at least one value, e.g. -ridge_lambdas 0,0.1,1,10");
  for (PetscInt l = 0; l < nl; l++) PetscCheck(a.lambdas[l] >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-ridge_lambdas: %g is negative; ridge penalties must be >= 0", (double)a.lambdas[l]);
  a.nl = nl;
  PetscCall(PetscStrncpy(a.dataset, NMAnalyzeDatasets[dataset], sizeof(a.dataset)));
  if (!bands_set) {
    /* the slow bands of BOLD (Zuo et al. 2010); the classic EEG bands for neural states */
    static const PetscReal bold[] = {0.01, 0.027, 0.027, 0.073, 0.073, 0.198}, neural[] = {1, 4, 4, 8, 8, 13, 13, 30, 30, 80};
    nb = dataset == 0 ? 6 : 10;
    PetscCall(PetscArraycpy(a.bands, dataset == 0 ? bold : neural, nb));
  }
  PetscCheck(nb >= 2 && nb % 2 == 0, comm, PETSC_ERR_ARG_WRONG, "-analyze_bands needs pairs lo,hi (Hz), e.g. -analyze_bands 0.01,0.1");
  for (PetscInt b = 0; b < nb; b += 2) PetscCheck(a.bands[b] >= 0 && a.bands[b] < a.bands[b + 1], comm, PETSC_ERR_ARG_OUTOFRANGE, "-analyze_bands: band %g..%g Hz needs 0 <= lo < hi", (double)a.bands[b], (double)a.bands[b + 1]);
  a.nbands = nb / 2;
  a.state = state;
  PetscCall(NMAnalyzeOpenInput(comm, &a, state_set, &f));
  if (a.units[0]) {
    PetscCall(PetscSNPrintf(a.u2, sizeof(a.u2), "(%s)^2", a.units));
    PetscCall(PetscSNPrintf(a.psd_units, sizeof(a.psd_units), "(%s)^2/Hz", a.units));
  } else {
    PetscCall(PetscStrncpy(a.u2, "(units of x)^2", sizeof(a.u2)));
    PetscCall(PetscStrncpy(a.psd_units, "(units of x)^2/Hz", sizeof(a.psd_units)));
  }

  /* Settings that depend on the series. */
  PetscCheck(a.t >= a.n + 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: '%s' has %" PetscInt_FMT " samples; the linear fit of %" PetscInt_FMT " regions needs at least n + 2 = %" PetscInt_FMT, a.in, a.dataset, a.t, a.n, a.n + 2);
  PetscCheck(a.folds >= 2 && a.folds <= a.t / 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-cv_folds %" PetscInt_FMT ": need 2 <= folds <= T/2 = %" PetscInt_FMT " (T = %" PetscInt_FMT " samples)", a.folds, a.t / 2, a.t);
  if (window_set) {
    PetscCheck(window == 0 || window >= 3, comm, PETSC_ERR_ARG_OUTOFRANGE, "-fcd_window %" PetscInt_FMT ": a window needs at least 3 samples (0: no FCD)", window);
    PetscCheck(window <= a.t, comm, PETSC_ERR_ARG_OUTOFRANGE, "-fcd_window %" PetscInt_FMT " samples is longer than the series ('%s' of %s has %" PetscInt_FMT " samples)", window, a.dataset, a.in, a.t);
  } else window = PetscMax(3, (PetscInt)PetscMin(a.t + 1, PetscFloorReal(60 / a.dt + 0.5))); /* a.t + 1: longer than the series */
  if (step_set) PetscCheck(step >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-fcd_step %" PetscInt_FMT " must be >= 1 sample", step);
  else step = PetscMax(1, (PetscInt)PetscMin(window, PetscFloorReal(2 / a.dt + 0.5)));
  a.window = window;
  a.step   = step;
  if (window == 0) {
    a.nwin = 0;
  } else if (window > a.t) {
    a.nwin = 0;
    PetscCall(PetscPrintf(comm, "netmass analyze: no FCD: the series (%" PetscInt_FMT " samples, %g s) is shorter than the default window of 60 s; set -fcd_window (samples)\n", a.t, (double)(a.t * a.dt)));
  } else if (a.n < 3) {
    a.nwin = 0;
    PetscCheck(!window_set, comm, PETSC_ERR_ARG_OUTOFRANGE, "-fcd_window: FCD needs at least 3 regions, '%s' has %" PetscInt_FMT, a.dataset, a.n);
  } else {
    a.nwin = (a.t - window) / step + 1;
    PetscCheck(a.nwin <= NM_ANALYZE_MAX_WINDOWS, comm, PETSC_ERR_ARG_OUTOFRANGE, "-fcd_window %" PetscInt_FMT " -fcd_step %" PetscInt_FMT " make %" PetscInt_FMT " windows of %" PetscInt_FMT " samples; FCD (windows^2 values per subject) is limited to %d windows: increase -fcd_step", window, step, a.nwin, a.t, NM_ANALYZE_MAX_WINDOWS);
  }
  if (nseg_set) {
    PetscCheck(nseg >= 4, comm, PETSC_ERR_ARG_OUTOFRANGE, "-welch_segment %" PetscInt_FMT ": a segment needs at least 4 samples", nseg);
    PetscCheck(nseg <= a.t, comm, PETSC_ERR_ARG_OUTOFRANGE, "-welch_segment %" PetscInt_FMT " samples is longer than the series ('%s' of %s has %" PetscInt_FMT " samples)", nseg, a.dataset, a.in, a.t);
  } else nseg = PetscMin(nseg, a.t);
  a.nseg = nseg;
  a.nf   = nseg / 2 + 1;
  if (k_set) PetscCheck(k >= 0 && k <= a.n, comm, PETSC_ERR_ARG_OUTOFRANGE, "-pca_components %" PetscInt_FMT ": between 0 and the %" PetscInt_FMT " regions", k, a.n);
  else k = PetscMin(k, a.n);
  a.k = k;

  /* Record layout. */
  {
    const PetscInt n = a.n;
    PetscInt       o = 0;
    a.o_fc     = o, o += n * n;
    a.o_fcd    = o, o += a.nwin * a.nwin;
    a.o_psd    = o, o += n * a.nf;
    a.o_band   = o, o += n * a.nbands;
    a.o_gsc    = o, o += n;
    a.o_eig    = o, o += n;
    a.o_expl   = o, o += n;
    a.o_comp   = o, o += n * a.k;
    a.o_A      = o, o += n * n;
    a.o_c      = o, o += n;
    a.o_r2     = o, o += n;
    a.o_r2z    = o, o += n;
    a.o_r2a    = o, o += n;
    a.o_ere    = o, o += n;
    a.o_eim    = o, o += n;
    a.o_sv     = o, o += n;
    a.o_trunc  = o, o += n;
    a.o_scalar = o, o += 3;
    a.P        = o;
  }
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm, "netmass analyze: %s, '%s': %" PetscInt_FMT " subject(s) x %" PetscInt_FMT " regions x %" PetscInt_FMT " samples, dt %g s; FCD %s; Welch segment %" PetscInt_FMT "; ridge over %" PetscInt_FMT " penalties, %" PetscInt_FMT "-fold CV; %d rank(s)\n", a.in, a.dataset, a.S, a.n, a.t, (double)a.dt, a.nwin ? "on" : "off", a.nseg, a.nl, a.folds, (int)size));
  if (a.nwin) PetscCall(PetscPrintf(comm, "  FCD: %" PetscInt_FMT " windows of %" PetscInt_FMT " samples every %" PetscInt_FMT "\n", a.nwin, a.window, a.step));
  if (a.n > threshold) {
    PetscInt p, q, nb;
    PetscCall(NMDistGridGetShape(grid, &p, &q, &nb));
    PetscCall(PetscPrintf(comm, "  distributed path (%" PetscInt_FMT " regions > -analyze_scalapack_threshold %" PetscInt_FMT "): ScaLAPACK on a %" PetscInt_FMT "x%" PetscInt_FMT " grid, blocks of %" PetscInt_FMT "\n", a.n, threshold, p, q, nb));
    PetscCall(PetscTime(&t0));
    PetscCall(NMAnalyzeDistributed(comm, &a, f, grid, out));
    PetscCall(PetscTime(&t1));
    PetscCall(NMFileDestroy(&f));
    PetscCall(PetscPrintf(comm, "netmass analyze: %" PetscInt_FMT " subject(s) in %.2f s; wrote %s\n", a.S, t1 - t0, out));
  } else {
    PetscCall(NMAnalyzeLocal(comm, &a, &f, out));
  }
  PetscCall(NMDistGridDestroy(&grid));
  PetscCall(NMStringsDestroy(a.S, &a.ids));
  if (a.labels) PetscCall(NMStringsDestroy(a.n, &a.labels));
  PetscFunctionReturn(0);
}

