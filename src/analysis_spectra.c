/* Spectra of one subject's time series (n regions x t samples, row-major): the Welch
   power spectral density of each region, and the eigen-spectrum of the covariance (PCA)
   with its participation ratio and effective rank. See docs/analysis.md. */
#include "analysis_impl.h"
#include <lapacke.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_real.h>

/* Welch's method (P. D. Welch, IEEE Trans. Audio Electroacoust. 15:70, 1967), with the
   conventions of scipy.signal.welch(x, fs, nperseg=nseg) so results can be compared:
   segments of nseg samples every nseg - floor(nseg/2) samples (50 % overlap; samples
   after the last whole segment are unused), each with its mean removed and multiplied by
   the periodic Hann window w_j = 1/2 - 1/2 cos(2 pi j / nseg); periodogram
   |X_k|^2 / (fs sum_j w_j^2) with X_k = sum_j w_j x_j e^{-2 pi i jk/nseg}, doubled for
   0 < k < nseg/2 (one-sided: the negative frequencies folded in; DC and, for even nseg,
   the Nyquist bin have no mirror image), averaged over segments. Then
   sum_k psd_k df (df = fs/nseg) is the (window-weighted) variance: Parseval.
   The DFT is GSL's mixed-radix real FFT (O(nseg log nseg) for nseg with small prime
   factors; any nseg is allowed). */
PetscErrorCode NMAnalysisWelch(PetscInt n, PetscInt t, const PetscReal x[], PetscReal dt, PetscInt nseg, PetscReal psd[])
{
  const PetscInt           nf = nseg / 2 + 1;
  PetscInt                 step, nsegs;
  PetscReal               *w, *buf, sw2 = 0, scale;
  gsl_fft_real_wavetable  *table = NULL;
  gsl_fft_real_workspace  *work  = NULL;
  gsl_error_handler_t     *handler;
  int                      status = 0;

  PetscFunctionBeginUser;
  PetscCheck(dt > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Welch PSD: the sampling interval dt = %g must be positive", (double)dt);
  PetscCheck(nseg >= 4, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Welch segment of %" PetscInt_FMT " samples: a segment needs at least 4 samples", nseg);
  PetscCheck(nseg <= t, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Welch segment of %" PetscInt_FMT " samples is longer than the series (%" PetscInt_FMT " samples)", nseg, t);
  PetscCall(NMAnalysisCheckSeries(n, t, x, "Welch PSD"));
  step  = nseg - nseg / 2;
  nsegs = (t - nseg) / step + 1;
  PetscCall(PetscMalloc2(nseg, &w, nseg, &buf));
  for (PetscInt j = 0; j < nseg; j++) {
    w[j] = 0.5 - 0.5 * PetscCosReal(2 * PETSC_PI * j / nseg);
    sw2 += w[j] * w[j];
  }
  scale   = dt / sw2 / nsegs;
  handler = gsl_set_error_handler_off();
  table   = gsl_fft_real_wavetable_alloc((size_t)nseg);
  work    = gsl_fft_real_workspace_alloc((size_t)nseg);
  if (!table || !work) status = GSL_ENOMEM;
  for (PetscInt i = 0; i < n && !status; i++) {
    PetscReal *p = psd + i * nf;
    for (PetscInt k = 0; k < nf; k++) p[k] = 0;
    for (PetscInt s = 0; s < nsegs && !status; s++) {
      const PetscReal *seg  = x + i * t + s * step;
      PetscReal        mean = 0;
      for (PetscInt j = 0; j < nseg; j++) mean += seg[j];
      mean /= nseg;
      for (PetscInt j = 0; j < nseg; j++) buf[j] = w[j] * (seg[j] - mean);
      status = gsl_fft_real_transform(buf, 1, (size_t)nseg, table, work);
      /* GSL's half-complex order: buf[0] = X_0; X_k = buf[2k-1] + i buf[2k]; for even
         nseg the last entry is the (real) Nyquist term X_{nseg/2}. */
      p[0] += buf[0] * buf[0];
      for (PetscInt k = 1; k < nf; k++) {
        if (2 * k == nseg) p[k] += buf[nseg - 1] * buf[nseg - 1];
        else p[k] += 2 * (buf[2 * k - 1] * buf[2 * k - 1] + buf[2 * k] * buf[2 * k]);
      }
    }
    for (PetscInt k = 0; k < nf; k++) p[k] *= scale;
  }
  if (table) gsl_fft_real_wavetable_free(table);
  if (work) gsl_fft_real_workspace_free(work);
  gsl_set_error_handler(handler);
  PetscCall(PetscFree2(w, buf));
  PetscCheck(!status, PETSC_COMM_SELF, PETSC_ERR_LIB, "Welch PSD: GSL FFT of %" PetscInt_FMT " samples failed: %s", nseg, gsl_strerror(status));
  PetscFunctionReturn(0);
}

/* Sample covariance C = Y Y^T / (t - 1) of the centred rows Y (n x t); plain loops. */
static PetscErrorCode NMCovariance(PetscInt n, PetscInt t, const PetscReal x[], PetscReal c[])
{
  PetscReal *y;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * t, &y));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal mean = 0;
    for (PetscInt j = 0; j < t; j++) mean += x[i * t + j];
    mean /= t;
    for (PetscInt j = 0; j < t; j++) y[i * t + j] = x[i * t + j] - mean;
  }
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt k = i; k < n; k++) {
      PetscReal d = 0;
      for (PetscInt j = 0; j < t; j++) d += y[i * t + j] * y[k * t + j];
      c[i * n + k] = c[k * n + i] = d / (t - 1);
    }
  PetscCall(PetscFree(y));
  PetscFunctionReturn(0);
}

/* PCA: eigen-decomposition of the sample covariance (LAPACK dsyevd). Eigenvalues in
   descending order, negative round-off (|l| ~ eps tr C) clipped to 0; explained_i =
   l_i / sum l; component j is the unit eigenvector of l_j, stored as column j of the
   n x k row-major `components`, its sign fixed so that its largest entry (in absolute
   value) is positive. Any of the outputs may be NULL. */
PetscErrorCode NMAnalysisPCA(PetscInt n, PetscInt t, const PetscReal x[], PetscInt k, PetscReal eigenvalues[], PetscReal explained[], PetscReal components[])
{
  PetscReal *c, *l;
  lapack_int info;

  PetscFunctionBeginUser;
  PetscCheck(k >= 0 && k <= n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "PCA: %" PetscInt_FMT " components requested of %" PetscInt_FMT " regions", k, n);
  PetscCall(NMAnalysisCheckSeries(n, t, x, "PCA"));
  PetscCall(PetscMalloc2(n * n, &c, n, &l));
  PetscCall(NMCovariance(n, t, x, c));
  info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, components && k > 0 ? 'V' : 'N', 'U', (lapack_int)n, c, (lapack_int)n, l);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "PCA: LAPACK dsyevd failed (info %d)", (int)info);
  NMPCASpectrum(n, n, l, eigenvalues, explained);
  if (components)
    for (PetscInt j = 0; j < k; j++) {
      const PetscInt col = n - 1 - j;
      PetscReal      big = 0, sign;
      for (PetscInt i = 0; i < n; i++)
        if (PetscAbsReal(c[i * n + col]) > PetscAbsReal(big)) big = c[i * n + col];
      sign = big < 0 ? -1 : 1;
      for (PetscInt i = 0; i < n; i++) components[i * k + j] = sign * c[i * n + col];
    }
  PetscCall(PetscFree2(c, l));
  PetscFunctionReturn(0);
}

void NMPCASpectrum(PetscInt n, PetscInt m, const PetscReal l[], PetscReal eigenvalues[], PetscReal explained[])
{
  PetscReal sum = 0;

  /* ascending from LAPACK: entry j < m of the output is LAPACK's m-1-j */
  for (PetscInt j = 0; j < m; j++) sum += PetscMax(0, l[j]);
  for (PetscInt j = 0; j < n; j++) {
    const PetscReal lj = j < m ? PetscMax(0, l[m - 1 - j]) : 0;
    if (eigenvalues) eigenvalues[j] = lj;
    if (explained) explained[j] = sum > 0 ? lj / sum : 0;
  }
}

/* (sum l)^2 / sum l^2: between 1 (one nonzero value) and n (all equal); 0 if all are 0. */
PetscReal NMParticipationRatio(PetscInt n, const PetscReal l[])
{
  PetscReal s = 0, s2 = 0;

  for (PetscInt i = 0; i < n; i++) {
    s += l[i];
    s2 += l[i] * l[i];
  }
  return s2 > 0 ? s * s / s2 : 0;
}

/* Roy & Vetterli (EUSIPCO 2007): exp(H(p)), p_i = l_i / sum l, H = -sum p_i ln p_i with
   0 ln 0 = 0 (values <= 0 contribute nothing); between 1 and n; 0 if no value is > 0. */
PetscReal NMEffectiveRank(PetscInt n, const PetscReal l[])
{
  PetscReal s = 0, h = 0;

  for (PetscInt i = 0; i < n; i++)
    if (l[i] > 0) s += l[i];
  if (!(s > 0)) return 0;
  for (PetscInt i = 0; i < n; i++)
    if (l[i] > 0) h -= l[i] / s * PetscLogReal(l[i] / s);
  return PetscExpReal(h);
}

void NMAnalysisBandPower(PetscInt n, PetscInt nf, PetscReal df, const PetscReal psd[], PetscInt nb, const PetscReal bands[], PetscReal power[])
{
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt b = 0; b < nb; b++) {
      PetscReal p = 0;
      for (PetscInt k = 0; k < nf; k++)
        if (k * df >= bands[2 * b] && k * df < bands[2 * b + 1]) p += psd[r * nf + k] * df;
      power[r * nb + b] = bands[2 * b + 1] <= (nf - 1) * df ? p : NAN;
    }
}

void NMAnalysisCorrelationWith(PetscInt n, PetscInt t, const PetscReal x[], const PetscReal g[], PetscReal r[])
{
  PetscReal mg = 0, sgg = 0;
  for (PetscInt k = 0; k < t; k++) mg += g[k] / t;
  for (PetscInt k = 0; k < t; k++) sgg += (g[k] - mg) * (g[k] - mg);
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *xi = x + i * t;
    PetscReal        mx = 0, sxx = 0, sxg = 0;
    for (PetscInt k = 0; k < t; k++) mx += xi[k] / t;
    for (PetscInt k = 0; k < t; k++) {
      sxx += (xi[k] - mx) * (xi[k] - mx);
      sxg += (xi[k] - mx) * (g[k] - mg);
    }
    r[i] = sxx > 0 && sgg > 0 ? sxg / PetscSqrtReal(sxx * sgg) : NAN;
  }
}
