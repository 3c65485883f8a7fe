#include <netmass/analysis.h>
#include <netmass/cohort.h>
#include <netmass/sweep.h>

/* Scores of a sweep point against empirical data (Deco et al. 2013; Hansen et al. 2015):
   FC similarity = Pearson r between the upper triangles (k = 1) of model and empirical FC;
   mean FC = the mean of the model's upper triangle; FCD similarity = the two-sample
   Kolmogorov-Smirnov distance between the distributions of FCD values (upper triangle of
   the window-by-window correlation matrix) of model and data; band power = the Welch
   power spectral density, averaged over regions, integrated over each band. */

static int NMCompareReal(const void *a, const void *b)
{
  const PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* Pearson correlation of two vectors of length m. */
static PetscReal NMPearson(PetscInt m, const PetscReal a[], const PetscReal b[])
{
  PetscReal ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (PetscInt i = 0; i < m; i++) ma += a[i], mb += b[i];
  ma /= m, mb /= m;
  for (PetscInt i = 0; i < m; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / PetscSqrtReal(saa * sbb) : NAN;
}

/* Two-sample KS statistic sup |F_a - F_b| of sorted samples a (na) and b (nb). */
static PetscReal NMKolmogorovSmirnov(PetscInt na, const PetscReal a[], PetscInt nb, const PetscReal b[])
{
  PetscInt  i = 0, j = 0;
  PetscReal d = 0;
  while (i < na && j < nb) {
    const PetscReal v = PetscMin(a[i], b[j]);
    while (i < na && a[i] <= v) i++;
    while (j < nb && b[j] <= v) j++;
    d = PetscMax(d, PetscAbsReal((PetscReal)i / na - (PetscReal)j / nb));
  }
  return d;
}

/* FC upper triangle (n(n-1)/2) of x (n x t). */
static PetscErrorCode NMUpperFC(PetscInt n, PetscInt t, const PetscReal x[], PetscReal up[])
{
  PetscReal *fc;
  PetscInt   k = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * n, &fc));
  PetscCall(NMAnalysisFC(n, t, x, fc));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) up[k++] = fc[i * n + j];
  PetscCall(PetscFree(fc));
  PetscFunctionReturn(0);
}

/* The FCD values (upper triangle of the window correlations) of x, appended to *vals
   (grown as needed; *nvals updated). */
static PetscErrorCode NMFCDValues(const NMSweepScoring *sc, PetscInt n, PetscInt t, PetscReal dt, const PetscReal x[], PetscInt *nvals, PetscReal **vals)
{
  const PetscInt window = (PetscInt)round(sc->fcd_window / dt), step = PetscMax(1, (PetscInt)round(sc->fcd_step / dt));
  PetscInt       nwin;
  PetscReal     *fcd, *grown;

  PetscFunctionBegin;
  PetscCheck(window <= t, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_fcd_window %g s is longer than a series of %g s (%" PetscInt_FMT " samples every %g s): shorten the window or lengthen the series", (double)sc->fcd_window, (double)(t * dt), t, (double)dt);
  PetscCall(NMAnalysisFCD(n, t, x, window, step, &nwin, NULL));
  PetscCall(PetscMalloc1(nwin * nwin, &fcd));
  PetscCall(NMAnalysisFCD(n, t, x, window, step, &nwin, fcd));
  PetscCall(PetscMalloc1(*nvals + nwin * (nwin - 1) / 2, &grown));
  if (*nvals) PetscCall(PetscArraycpy(grown, *vals, *nvals));
  for (PetscInt i = 0; i < nwin; i++)
    for (PetscInt j = i + 1; j < nwin; j++) grown[(*nvals)++] = fcd[i * nwin + j];
  PetscCall(PetscFree(*vals));
  *vals = grown;
  PetscCall(PetscFree(fcd));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepScoringLoadTarget(MPI_Comm comm, const char path[], PetscInt subject, NMSweepScoring *sc)
{
  NMCohort   cohort;
  PetscInt   S, n, t, m;
  PetscReal *w, *l, *bold, tr, *up;

  PetscFunctionBeginUser;
  PetscCall(NMCohortLoad(comm, path, &cohort));
  PetscCall(NMCohortGetSizes(cohort, &S, &n, &t));
  PetscCall(NMCohortGetTR(cohort, &tr));
  PetscCall(NMCohortGetArrays(cohort, &w, &l, &bold));
  PetscCheck(t > 0, comm, PETSC_ERR_ARG_WRONG, "-sweep_target %s has no time series (bold): give a cohort with fMRI", path);
  PetscCheck(subject < S, comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_target_subject %" PetscInt_FMT ": %s has %" PetscInt_FMT " subjects (0-based index)", subject, path, S);
  m     = n * (n - 1) / 2;
  sc->n = n;
  PetscCall(PetscCalloc1(m, &sc->fc));
  PetscCall(PetscMalloc1(m, &up));
  sc->nfcd = 0;
  for (PetscInt s = subject < 0 ? 0 : subject; s < (subject < 0 ? S : subject + 1); s++) {
    PetscCall(NMUpperFC(n, t, bold + s * n * t, up));
    for (PetscInt k = 0; k < m; k++) sc->fc[k] += up[k] / (subject < 0 ? S : 1);
    PetscCall(NMFCDValues(sc, n, t, tr, bold + s * n * t, &sc->nfcd, &sc->fcd));
  }
  qsort(sc->fcd, sc->nfcd, sizeof(PetscReal), NMCompareReal);
  PetscCall(PetscFree(up));
  PetscCall(NMCohortDestroy(&cohort));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepScore(const NMSweepScoring *sc, PetscInt n, PetscInt t, PetscReal dt, const PetscReal x[], PetscReal scores[])
{
  const PetscInt m = n * (n - 1) / 2, nseg = PetscMin(t, (PetscInt)round(sc->welch_segment / dt)), nf = nseg / 2 + 1;
  PetscBool      constant = PETSC_FALSE;
  PetscReal     *up, *psd, *bp, *fcd = NULL;
  PetscInt       nfcd = 0;

  PetscFunctionBeginUser;
  PetscCheck(!sc->fc || sc->n == n, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "the model has %" PetscInt_FMT " regions but the -sweep_target has %" PetscInt_FMT ": use the target's connectome", n, sc->n);
  for (PetscInt i = 0; i < n * t; i++) PetscCheck(!PetscIsInfOrNanReal(x[i]), PETSC_COMM_SELF, PETSC_ERR_FP, "the simulated series is not finite (region %" PetscInt_FMT ")", i / t);
  for (PetscInt r = 0; r < n && !constant; r++) {
    PetscBool same = PETSC_TRUE;
    for (PetscInt k = 1; k < t && same; k++) same = x[r * t + k] == x[r * t];
    constant = same;
  }
  for (PetscInt k = 0; k < NM_SCORE_BAND0; k++) scores[k] = NAN;
  if (!constant && n >= 2) {
    PetscCall(PetscMalloc1(m, &up));
    PetscCall(NMUpperFC(n, t, x, up));
    scores[NM_SCORE_FC_MEAN] = 0;
    for (PetscInt k = 0; k < m; k++) scores[NM_SCORE_FC_MEAN] += up[k] / m;
    if (sc->fc) {
      scores[NM_SCORE_FC_SIMILARITY] = NMPearson(m, up, sc->fc);
      PetscCall(NMFCDValues(sc, n, t, dt, x, &nfcd, &fcd));
      qsort(fcd, nfcd, sizeof(PetscReal), NMCompareReal);
      scores[NM_SCORE_FCD_KS] = NMKolmogorovSmirnov(nfcd, fcd, sc->nfcd, sc->fcd);
      PetscCall(PetscFree(fcd));
    }
    PetscCall(PetscFree(up));
  }
  /* band power of the region-averaged Welch density; a band beyond Nyquist is NaN */
  PetscCall(PetscMalloc1(n * nf, &psd));
  PetscCall(PetscMalloc1(n * sc->nbands, &bp));
  PetscCall(NMAnalysisWelch(n, t, x, dt, nseg, psd));
  NMAnalysisBandPower(n, nf, 1 / (nseg * dt), psd, sc->nbands, sc->bands, bp);
  for (PetscInt b = 0; b < sc->nbands; b++) {
    scores[NM_SCORE_BAND0 + b] = 0;
    for (PetscInt r = 0; r < n; r++) scores[NM_SCORE_BAND0 + b] += bp[r * sc->nbands + b] / n;
  }
  PetscCall(PetscFree(bp));
  PetscCall(PetscFree(psd));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepScoringDestroy(NMSweepScoring *sc)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(sc->fc));
  PetscCall(PetscFree(sc->fcd));
  PetscCall(PetscFree(sc->bands));
  PetscFunctionReturn(0);
}
