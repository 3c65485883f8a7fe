#include <netmass/preprocess.h>
#include <netmass/rng.h>
#include <netmass/sys.h>

const char *const NMHomotopicPairings[] = {"labels", "halves", "interleaved", "NMHomotopicPairing", "NM_HOMOTOPIC_", NULL};

PetscErrorCode NMMatrixZeroDiagonal(PetscInt n, PetscReal w[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) w[i * n + i] = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode NMMatrixSymmetrize(PetscInt n, PetscReal w[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) w[i * n + j] = w[j * n + i] = 0.5 * (w[i * n + j] + w[j * n + i]);
  PetscFunctionReturn(0);
}

static PetscReal NMMatrixMax(PetscInt n, const PetscReal w[])
{
  PetscReal m = 0;
  for (PetscInt k = 0; k < n * n; k++) m = PetscMax(m, w[k]);
  return m;
}

PetscErrorCode NMMatrixNormalizeMax(PetscInt n, PetscReal w[])
{
  PetscReal m = NMMatrixMax(n, w);

  PetscFunctionBegin;
  if (m > 0)
    for (PetscInt k = 0; k < n * n; k++) w[k] /= m;
  PetscFunctionReturn(0);
}

PetscErrorCode NMMatrixLogScale(PetscInt n, PetscReal w[], PetscReal q)
{
  PetscFunctionBegin;
  PetscCheck(q < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-log_scale_q %g must be negative (e.g. -3)", (double)q);
  for (PetscInt k = 0; k < n * n; k++) w[k] = (PetscLog10Real(w[k] + PetscPowReal(10, q)) - q) / (-q);
  PetscFunctionReturn(0);
}

static int NMCompareReal(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* Percentile with linear interpolation between order statistics (numpy's default). */
static PetscErrorCode NMUpperTrianglePercentile(PetscInt n, const PetscReal w[], PetscReal percentile, PetscReal *value)
{
  PetscInt   m = n * (n - 1) / 2, k = 0, lo;
  PetscReal *v, pos;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(m, &v));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) v[k++] = w[i * n + j];
  qsort(v, (size_t)m, sizeof(PetscReal), NMCompareReal);
  pos    = percentile / 100 * (m - 1);
  lo     = (PetscInt)PetscFloorReal(pos);
  *value = lo + 1 < m ? v[lo] + (pos - lo) * (v[lo + 1] - v[lo]) : v[m - 1];
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

PetscErrorCode NMMatrixHomotopic(PetscInt n, PetscReal w[], const PetscInt partner[], PetscReal percentile)
{
  PetscReal p = 0;

  PetscFunctionBegin;
  PetscCheck(percentile > 0 && percentile <= 100, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-homotopic_percentile %g must be in (0, 100]", (double)percentile);
  PetscCheck(n >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "homotopic strengthening needs at least 2 regions");
  PetscCall(NMUpperTrianglePercentile(n, w, percentile, &p));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt j = partner[i];
    if (j < 0) continue;
    w[i * n + j] = PetscMax(w[i * n + j], p);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMMatrixPerturb(PetscInt n, PetscReal w[], PetscReal eps, PetscInt64 seed, PetscInt stream)
{
  PetscReal m = NMMatrixMax(n, w), m2;

  PetscFunctionBegin;
  PetscCheck(eps >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-perturb_eps %g must be >= 0", (double)eps);
  if (m == 0 || eps == 0) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) {
      /* One normal per unordered pair, keyed by its linear index: symmetric and
         independent of how the loop is split. */
      NMRandomStream s;
      double         z[4];
      NMRandomStreamInit(&s, (uint64_t)seed, (uint32_t)stream, 0);
      NMRandomNormal4(&s, (uint64_t)(i * n + j), z);
      if (w[i * n + j] != 0) w[i * n + j] = PetscMax(0, w[i * n + j] + eps * m * z[0]);
      if (w[j * n + i] != 0) w[j * n + i] = PetscMax(0, w[j * n + i] + eps * m * z[0]);
    }
  m2 = NMMatrixMax(n, w);
  if (m2 > 0)
    for (PetscInt k = 0; k < n * n; k++) w[k] *= m / m2;
  PetscFunctionReturn(0);
}

PetscErrorCode NMTimeSeriesZScore(PetscInt n, PetscInt t, PetscReal x[])
{
  PetscFunctionBegin;
  PetscCheck(t >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "z-scoring needs at least 2 samples, got %" PetscInt_FMT, t);
  for (PetscInt i = 0; i < n; i++) {
    PetscReal *row = x + i * t, mean = 0, var = 0;
    PetscInt   k   = 1;
    /* Test constancy exactly: the computed variance of a constant row need not be 0. */
    while (k < t && row[k] == row[0]) k++;
    PetscCheck(k < t, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "time series of region %" PetscInt_FMT " is constant; it cannot be z-scored", i);
    for (PetscInt k = 0; k < t; k++) mean += row[k];
    mean /= t;
    for (PetscInt k = 0; k < t; k++) var += PetscSqr(row[k] - mean);
    var /= t; /* population variance, as numpy.std and scipy.stats.zscore */
    for (PetscInt k = 0; k < t; k++) row[k] = (row[k] - mean) / PetscSqrtReal(var);
  }
  PetscFunctionReturn(0);
}

/* Split a label into hemisphere ('l', 'r' or 0) and stem. Recognised forms:
   lh_x, rh_x, lh-x, Left-x, l_x, lx (TVB 998: "rLOF") and x_L, x.L, x_l. */
static void NMLabelHemisphere(const char label[], char *hemi, const char **stem, size_t *stemlen)
{
  static const char *const pre[][2] = {
    {"lh_",   "l"},
    {"rh_",   "r"},
    {"lh-",   "l"},
    {"rh-",   "r"},
    {"Left-", "l"},
    {"Right-", "r"},
    {"l_",    "l"},
    {"r_",    "r"},
    {"L_",    "l"},
    {"R_",    "r"},
  };
  size_t len = strlen(label);

  *hemi    = 0;
  *stem    = label;
  *stemlen = len;
  for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
    if (!strncmp(label, pre[k][0], strlen(pre[k][0]))) {
      *hemi    = pre[k][1][0];
      *stem    = label + strlen(pre[k][0]);
      *stemlen = len - strlen(pre[k][0]);
      return;
    }
  if (len > 2 && (label[len - 2] == '_' || label[len - 2] == '.') && strchr("LRlr", label[len - 1])) {
    *hemi    = (char)(label[len - 1] | 0x20);
    *stemlen = len - 2;
    return;
  }
  if (len > 1 && (label[0] == 'l' || label[0] == 'r') && label[1] >= 'A' && label[1] <= 'Z') {
    *hemi    = label[0];
    *stem    = label + 1;
    *stemlen = len - 1;
  }
}

PetscErrorCode NMHomotopicPartners(PetscInt n, const char *const labels[], NMHomotopicPairing pairing, PetscInt partner[])
{
  PetscInt pairs = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) partner[i] = -1;
  switch (pairing) {
  case NM_HOMOTOPIC_HALVES:
    PetscCheck(n % 2 == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-homotopic_pairs halves needs an even number of regions, got %" PetscInt_FMT, n);
    for (PetscInt i = 0; i < n / 2; i++) {
      partner[i]         = i + n / 2;
      partner[i + n / 2] = i;
    }
    break;
  case NM_HOMOTOPIC_INTERLEAVED:
    PetscCheck(n % 2 == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-homotopic_pairs interleaved needs an even number of regions, got %" PetscInt_FMT, n);
    for (PetscInt i = 0; i < n; i++) partner[i] = i ^ 1;
    break;
  case NM_HOMOTOPIC_LABELS:
    for (PetscInt i = 0; i < n; i++) {
      char        hi, hj;
      const char *si, *sj;
      size_t      li, lj;
      NMLabelHemisphere(labels[i], &hi, &si, &li);
      if (!hi) continue;
      for (PetscInt j = 0; j < n; j++) {
        NMLabelHemisphere(labels[j], &hj, &sj, &lj);
        if (hj && hj != hi && li == lj && !strncmp(si, sj, li)) {
          partner[i] = j;
          pairs++;
          break;
        }
      }
    }
    PetscCheck(pairs > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-homotopic_pairs labels: no left/right label pairs found (labels like lh_x/rh_x, l_x/r_x, lX/rX or x_L/x_R); use -homotopic_pairs halves or interleaved");
    break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMPreprocessSetFromOptions(NMPreprocess *pp)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(pp, sizeof(*pp)));
  pp->log_q             = -3;
  pp->homotopic_pairing = NM_HOMOTOPIC_LABELS;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Connectome and time-series preprocessing (applied in the order listed)", "netmass");
  PetscCall(PetscOptionsBool("-zero_diagonal", "Set self-connections to zero", NULL, pp->zero_diagonal, &pp->zero_diagonal, NULL));
  PetscCall(PetscOptionsBool("-symmetrize", "Replace W by (W + W^T)/2", NULL, pp->symmetrize, &pp->symmetrize, NULL));
  PetscCall(PetscOptionsBool("-normalize_max", "Divide W by its maximum", NULL, pp->normalize_max, &pp->normalize_max, NULL));
  PetscCall(PetscOptionsBool("-log_scale", "Apply (log10(W + 10^q) - q)/(-q)", NULL, pp->log_scale, &pp->log_scale, NULL));
  PetscCall(PetscOptionsReal("-log_scale_q", "Exponent q of the log scaling (negative)", NULL, pp->log_q, &pp->log_q, NULL));
  PetscCall(PetscOptionsReal("-homotopic_percentile", "Raise homotopic links to this percentile of the weights (0: off; Sip et al. 97)", NULL, pp->homotopic_percentile, &pp->homotopic_percentile, NULL));
  PetscCall(PetscOptionsEnum("-homotopic_pairs", "How homotopic partners are found", "NMHomotopicPartners", NMHomotopicPairings, (PetscEnum)pp->homotopic_pairing, (PetscEnum *)&pp->homotopic_pairing, NULL));
  PetscCall(PetscOptionsReal("-perturb_eps", "Perturb edges by eps*max(W)*N(0,1), clip at 0, renormalise (0: off)", NULL, pp->perturb_eps, &pp->perturb_eps, NULL));
  PetscCall(PetscOptionsBool("-zscore", "Z-score each region's time series", NULL, pp->zscore, &pp->zscore, NULL));
  PetscOptionsEnd();
  PetscCheck(pp->log_q < 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-log_scale_q %g must be negative (e.g. -3)", (double)pp->log_q);
  PetscCheck(pp->homotopic_percentile >= 0 && pp->homotopic_percentile <= 100, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-homotopic_percentile %g must be in [0, 100]", (double)pp->homotopic_percentile);
  PetscCheck(pp->perturb_eps >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-perturb_eps %g must be >= 0", (double)pp->perturb_eps);
  PetscFunctionReturn(0);
}

PetscErrorCode NMPreprocessDescribe(const NMPreprocess *pp, char text[], size_t len)
{
  char step[96];

  PetscFunctionBegin;
  text[0] = 0;
  if (pp->zero_diagonal) PetscCall(PetscStrlcat(text, "zero_diagonal; ", len));
  if (pp->symmetrize) PetscCall(PetscStrlcat(text, "symmetrize; ", len));
  if (pp->normalize_max) PetscCall(PetscStrlcat(text, "normalize_max; ", len));
  if (pp->log_scale) {
    PetscCall(NMFormat(step, sizeof(step), "log_scale q=%g; ", (double)pp->log_q));
    PetscCall(PetscStrlcat(text, step, len));
  }
  if (pp->homotopic_percentile > 0) {
    PetscCall(NMFormat(step, sizeof(step), "homotopic %g%% (%s); ", (double)pp->homotopic_percentile, NMHomotopicPairings[pp->homotopic_pairing]));
    PetscCall(PetscStrlcat(text, step, len));
  }
  if (pp->perturb_eps > 0) {
    PetscCall(NMFormat(step, sizeof(step), "perturb eps=%g; ", (double)pp->perturb_eps));
    PetscCall(PetscStrlcat(text, step, len));
  }
  if (pp->zscore) PetscCall(PetscStrlcat(text, "zscore; ", len));
  if (!text[0]) PetscCall(PetscStrlcat(text, "none", len));
  else text[strlen(text) - 2] = 0; /* drop the last "; " */
  PetscFunctionReturn(0);
}

/* Steps 1-6 on one matrix; `stream` keys the perturbation (subject index). */
static PetscErrorCode NMPreprocessMatrix(const NMPreprocess *pp, PetscInt n, PetscReal w[], const PetscInt partner[], PetscInt64 seed, PetscInt stream)
{
  PetscFunctionBegin;
  if (pp->zero_diagonal) PetscCall(NMMatrixZeroDiagonal(n, w));
  if (pp->symmetrize) PetscCall(NMMatrixSymmetrize(n, w));
  if (pp->normalize_max) PetscCall(NMMatrixNormalizeMax(n, w));
  if (pp->log_scale) PetscCall(NMMatrixLogScale(n, w, pp->log_q));
  if (pp->homotopic_percentile > 0) PetscCall(NMMatrixHomotopic(n, w, partner, pp->homotopic_percentile));
  if (pp->perturb_eps > 0) PetscCall(NMMatrixPerturb(n, w, pp->perturb_eps, seed, stream));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPreprocessConnectome(const NMPreprocess *pp, NMConnectome conn, PetscInt64 seed)
{
  PetscInt           n;
  PetscReal         *w;
  PetscInt          *partner = NULL;
  const char *const *labels;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(NM_EVENT_Preprocess, 0, 0, 0, 0));
  PetscCall(NMConnectomeGetSize(conn, &n));
  PetscCall(NMConnectomeGetArrays(conn, &w, NULL, NULL));
  PetscCall(NMConnectomeGetLabels(conn, &labels));
  if (pp->homotopic_percentile > 0) {
    PetscCall(PetscMalloc1(n, &partner));
    PetscCall(NMHomotopicPartners(n, labels, pp->homotopic_pairing, partner));
  }
  PetscCall(NMPreprocessMatrix(pp, n, w, partner, seed, 0));
  PetscCall(PetscFree(partner));
  PetscCall(PetscLogEventEnd(NM_EVENT_Preprocess, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPreprocessCohort(const NMPreprocess *pp, NMCohort cohort, PetscInt64 seed)
{
  PetscInt           s, n, t;
  PetscReal         *w, *bold;
  PetscInt          *partner = NULL;
  const char *const *labels;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(NM_EVENT_Preprocess, 0, 0, 0, 0));
  PetscCall(NMCohortGetSizes(cohort, &s, &n, &t));
  PetscCall(NMCohortGetArrays(cohort, &w, NULL, &bold));
  PetscCall(NMCohortGetRegionLabels(cohort, &labels));
  if (pp->homotopic_percentile > 0) {
    PetscCall(PetscMalloc1(n, &partner));
    PetscCall(NMHomotopicPartners(n, labels, pp->homotopic_pairing, partner));
  }
  for (PetscInt i = 0; i < s; i++) {
    PetscCall(NMPreprocessMatrix(pp, n, w + i * n * n, partner, seed, i));
    if (pp->zscore && t > 0) PetscCall(NMTimeSeriesZScore(n, t, bold + i * n * t));
  }
  PetscCall(PetscFree(partner));
  PetscCall(PetscLogEventEnd(NM_EVENT_Preprocess, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
