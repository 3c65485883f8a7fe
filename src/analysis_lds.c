/* Linear effective connectivity of one subject's time series: the linear dynamical
   system x_{t+1} = A x_t + c + noise fitted by ridge regression with a cross-validated
   penalty, judged against two baselines, and the low-rank structure of A.

   Nozari et al., "Macroscopic resting-state brain dynamics are best described by linear
   models", Nat. Biomed. Eng. 8:68 (2024), doi:10.1038/s41551-023-01117-y: the linear
   model of x_{t+1} given x_t, compared by one-step cross-validated R^2 with simpler and
   nonlinear models. See docs/analysis.md for the formulas. */
#include "analysis_impl.h"
#include <lapacke.h>

/* The m = t - 1 pairs (x_k, y_k = x_{k+1}), k = 0..m-1, of the series x (n x t); a
   training set is every pair outside the block [v0, v1) (v0 = v1: all pairs).

   Ridge with an unpenalised intercept: minimising
     sum_k |y_k - A x_k - c|^2 + lambda |A|_F^2
   over c gives c = ybar - A xbar, and over A, with Z (m' x n) the centred inputs and
   Yc (m' x n) the centred targets as rows, A^T = (Z^T Z + lambda I)^{-1} Z^T Yc.
   With the thin SVD Z = U S V^T (LAPACK dgesdd) this is
     A = (Yc^T U) diag(s_j / (s_j^2 + lambda)) V^T,
   one SVD per training set for every lambda of the grid, and well defined for
   lambda = 0 too: there s_j / s_j^2 = 1/s_j is replaced by 0 for s_j below
   max(m', n) eps s_1 (the minimum-norm least-squares solution, as dgelsd). */
typedef struct {
  PetscInt   n, r;          /* regions, min(m', n) */
  PetscReal *xbar, *ybar;   /* n */
  PetscReal *s, *M, *VT;    /* r; Yc^T U (n x r); V^T (r x n) */
  PetscReal  tol;
} NMRidgePath;

void NMRidgeMeans(PetscInt n, PetscInt t, const PetscReal x[], PetscInt v0, PetscInt v1, PetscReal xbar[], PetscReal ybar[])
{
  const PetscInt m = t - 1, mt = m - (v1 - v0);

  for (PetscInt i = 0; i < n; i++) {
    PetscReal sx = 0, sy = 0;
    for (PetscInt k = 0; k < m; k++)
      if (k < v0 || k >= v1) {
        sx += x[i * t + k];
        sy += x[i * t + k + 1];
      }
    xbar[i] = sx / mt;
    ybar[i] = sy / mt;
  }
}

static PetscErrorCode NMRidgePathCreate(PetscInt n, PetscInt t, const PetscReal x[], PetscInt v0, PetscInt v1, NMRidgePath *p)
{
  const PetscInt m = t - 1, mt = m - (v1 - v0), r = PetscMin(mt, n);
  PetscReal     *Z, *Yc, *U;
  PetscInt       q = 0;
  lapack_int     info;

  PetscFunctionBegin;
  p->n = n;
  p->r = r;
  PetscCall(PetscMalloc5(n, &p->xbar, n, &p->ybar, r, &p->s, n * r, &p->M, r * n, &p->VT));
  PetscCall(PetscMalloc3(mt * n, &Z, mt * n, &Yc, mt * r, &U));
  NMRidgeMeans(n, t, x, v0, v1, p->xbar, p->ybar);
  for (PetscInt k = 0; k < m; k++) {
    if (k >= v0 && k < v1) continue;
    for (PetscInt i = 0; i < n; i++) {
      Z[q * n + i]  = x[i * t + k] - p->xbar[i];
      Yc[q * n + i] = x[i * t + k + 1] - p->ybar[i];
    }
    q++;
  }
  info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)mt, (lapack_int)n, Z, (lapack_int)n, p->s, U, (lapack_int)r, p->VT, (lapack_int)n);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "linear fit: LAPACK dgesdd failed (info %d)", (int)info);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < r; j++) {
      PetscReal d = 0;
      for (PetscInt k = 0; k < mt; k++) d += Yc[k * n + i] * U[k * r + j];
      p->M[i * r + j] = d;
    }
  p->tol = PETSC_MACHINE_EPSILON * PetscMax(mt, n) * (r > 0 ? p->s[0] : 0);
  PetscCall(PetscFree3(Z, Yc, U));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMRidgePathDestroy(NMRidgePath *p)
{
  PetscFunctionBegin;
  PetscCall(PetscFree5(p->xbar, p->ybar, p->s, p->M, p->VT));
  PetscFunctionReturn(0);
}

/* A (n x n) and c (n) for penalty lambda; d (r) is scratch. */
static void NMRidgePathSolve(const NMRidgePath *p, PetscReal lambda, PetscReal d[], PetscReal A[], PetscReal c[])
{
  const PetscInt n = p->n, r = p->r;

  for (PetscInt j = 0; j < r; j++) d[j] = lambda > 0 ? p->s[j] / (p->s[j] * p->s[j] + lambda) : (p->s[j] > p->tol ? 1 / p->s[j] : 0);
  for (PetscInt i = 0; i < n; i++) {
    PetscReal ci = p->ybar[i];
    for (PetscInt l = 0; l < n; l++) {
      PetscReal a = 0;
      for (PetscInt j = 0; j < r; j++) a += p->M[i * r + j] * d[j] * p->VT[j * n + l];
      A[i * n + l] = a;
      ci -= a * p->xbar[l];
    }
    c[i] = ci;
  }
}

/* Add the squared one-step errors of (A, c) on pairs [v0, v1) to sse (n, per region). */
static void NMOneStepErrors(PetscInt n, PetscInt t, const PetscReal x[], PetscInt v0, PetscInt v1, const PetscReal A[], const PetscReal c[], PetscReal xk[], PetscReal sse[])
{
  for (PetscInt k = v0; k < v1; k++) {
    for (PetscInt l = 0; l < n; l++) xk[l] = x[l * t + k];
    for (PetscInt i = 0; i < n; i++) {
      PetscReal e = x[i * t + k + 1] - c[i];
      for (PetscInt l = 0; l < n; l++) e -= A[i * n + l] * xk[l];
      sse[i] += e * e;
    }
  }
}

/* The AR(1) baseline of every region, y_ik = a_i x_ik + b_i, by least squares on the
   pairs outside [v0, v1), scored on the pairs inside: squared errors added to sse. */
void NMAR1Errors(PetscInt n, PetscInt t, const PetscReal x[], PetscInt v0, PetscInt v1, PetscReal sse[])
{
  const PetscInt m = t - 1, mt = m - (v1 - v0);

  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *row = x + i * t;
    PetscReal        xb = 0, yb = 0, sxx = 0, sxy = 0, a, b;
    for (PetscInt k = 0; k < m; k++)
      if (k < v0 || k >= v1) {
        xb += row[k];
        yb += row[k + 1];
      }
    xb /= mt;
    yb /= mt;
    for (PetscInt k = 0; k < m; k++)
      if (k < v0 || k >= v1) {
        sxx += (row[k] - xb) * (row[k] - xb);
        sxy += (row[k] - xb) * (row[k + 1] - yb);
      }
    a = sxx > 0 ? sxy / sxx : 0;
    b = yb - a * xb;
    for (PetscInt k = v0; k < v1; k++) sse[i] += PetscSqr(row[k + 1] - a * row[k] - b);
  }
}

typedef struct {
  PetscReal re, im;
} NMComplex;

/* By modulus, largest first; then real part, then imaginary part, largest first. */
static int NMCompareEigenvalues(const void *pa, const void *pb)
{
  const NMComplex *a = (const NMComplex *)pa, *b = (const NMComplex *)pb;
  const PetscReal  ma = a->re * a->re + a->im * a->im, mb = b->re * b->re + b->im * b->im;

  if (ma != mb) return ma < mb ? 1 : -1;
  if (a->re != b->re) return a->re < b->re ? 1 : -1;
  return (a->im < b->im) - (a->im > b->im);
}

PetscErrorCode NMLinearFitCheck(PetscInt n, PetscInt t, PetscInt nl, const PetscReal lambdas[], PetscInt folds)
{
  PetscFunctionBegin;
  PetscCheck(n >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "linear fit: no regions");
  PetscCheck(t >= n + 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "linear fit: %" PetscInt_FMT " samples are too few for %" PetscInt_FMT " regions: x_{t+1} = A x_t + c has n + 1 = %" PetscInt_FMT " coefficients per region and needs t >= n + 2 = %" PetscInt_FMT " samples", t, n, n + 1, n + 2);
  PetscCheck(nl >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "linear fit: give at least one ridge penalty");
  for (PetscInt l = 0; l < nl; l++) PetscCheck(lambdas[l] >= 0 && !PetscIsInfOrNanReal(lambdas[l]), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "linear fit: ridge penalty %g (entry %" PetscInt_FMT " of the grid) must be finite and >= 0", (double)lambdas[l], l);
  PetscCheck(folds >= 2 && folds <= t / 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "linear fit: %" PetscInt_FMT " cross-validation folds: need 2 <= folds <= t/2 = %" PetscInt_FMT, folds, t / 2);
  PetscFunctionReturn(0);
}

PetscErrorCode NMLinearFitAllocate(PetscInt n, NMLinearFit *fit)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(fit, sizeof(*fit)));
  PetscCall(PetscMalloc1(n, &fit->c));
  PetscCall(PetscMalloc1(n, &fit->r2));
  PetscCall(PetscMalloc1(n, &fit->r2_zero));
  PetscCall(PetscMalloc1(n, &fit->r2_ar1));
  PetscCall(PetscMalloc1(n, &fit->eig_re));
  PetscCall(PetscMalloc1(n, &fit->eig_im));
  PetscCall(PetscMalloc1(n, &fit->sv));
  PetscCall(PetscMalloc1(n, &fit->trunc_err));
  PetscFunctionReturn(0);
}

PetscInt NMRidgeBestPenalty(PetscInt nl, PetscInt n, const PetscReal sse[])
{
  PetscReal best  = PETSC_MAX_REAL;
  PetscInt  ibest = 0;

  for (PetscInt l = 0; l < nl; l++) {
    PetscReal total = 0;
    for (PetscInt i = 0; i < n; i++) total += sse[l * n + i];
    if (total < best) {
      best  = total;
      ibest = l;
    }
  }
  return ibest;
}

/* R^2 = 1 - SS_res / SS_tot per region over all pairs; SS_res of the model and of AR(1)
   from the held-out blocks (cross-validated), of zero change (no parameters) directly. */
PetscErrorCode NMLinearFitScores(PetscInt n, PetscInt t, const PetscReal x[], const PetscReal sse[], const PetscReal sse_ar[], PetscReal r2[], PetscReal r2_ar1[], PetscReal r2_zero[])
{
  const PetscInt m = t - 1;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *row = x + i * t;
    PetscReal        yb = 0, sst = 0, sse_zero = 0;
    for (PetscInt k = 0; k < m; k++) yb += row[k + 1];
    yb /= m;
    for (PetscInt k = 0; k < m; k++) {
      sst += PetscSqr(row[k + 1] - yb);
      sse_zero += PetscSqr(row[k + 1] - row[k]);
    }
    /* sst > 0: x_1..x_{t-1} constant with x_0 different would pass the series check */
    PetscCheck(sst > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "linear fit: region %" PetscInt_FMT " is constant after its first sample; R^2 is undefined", i);
    r2[i]      = 1 - sse[i] / sst;
    r2_ar1[i]  = 1 - sse_ar[i] / sst;
    r2_zero[i] = 1 - sse_zero / sst;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMLinearFitEigenvalues(PetscInt n, const PetscReal A[], PetscReal re[], PetscReal im[])
{
  PetscReal *work;
  NMComplex *ev;
  lapack_int info;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n * n, &work, n, &ev));
  PetscCall(PetscArraycpy(work, A, n * n));
  info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)n, work, (lapack_int)n, re, im, NULL, 1, NULL, 1);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "linear fit: LAPACK dgeev failed on A (info %d)", (int)info);
  for (PetscInt i = 0; i < n; i++) {
    ev[i].re = re[i];
    ev[i].im = im[i];
  }
  qsort(ev, (size_t)n, sizeof(NMComplex), NMCompareEigenvalues);
  for (PetscInt i = 0; i < n; i++) {
    re[i] = ev[i].re;
    im[i] = ev[i].im;
  }
  PetscCall(PetscFree2(work, ev));
  PetscFunctionReturn(0);
}

/* Eckart-Young: the best rank-r approximation of A keeps its r largest singular
   triplets, with relative Frobenius error sqrt(sum_{i>r} s_i^2 / sum_i s_i^2). The tail
   sums run from the smallest value up, so no cancellation. */
void NMLinearFitSpectralSummary(PetscInt n, const PetscReal cov[], NMLinearFit *fit)
{
  PetscReal sv2 = 0, tail = 0;

  for (PetscInt i = 0; i < n; i++) sv2 += fit->sv[i] * fit->sv[i];
  for (PetscInt r = n; r >= 1; r--) {
    fit->trunc_err[r - 1] = sv2 > 0 ? PetscSqrtReal(tail / sv2) : 0;
    tail += fit->sv[r - 1] * fit->sv[r - 1];
  }
  fit->effective_rank      = NMEffectiveRank(n, fit->sv);
  fit->participation_ratio = NMParticipationRatio(n, cov);
}

PetscErrorCode NMAnalysisLinearFit(PetscInt n, PetscInt t, const PetscReal x[], PetscInt nl, const PetscReal lambdas[], PetscInt folds, NMLinearFit *fit)
{
  const PetscInt m = t - 1;
  PetscReal     *sse, *sse_ar, *d, *A, *c, *xk, *work, *cov;
  lapack_int     info;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(fit, sizeof(*fit)));
  PetscCall(NMLinearFitCheck(n, t, nl, lambdas, folds));
  PetscCall(NMAnalysisCheckSeries(n, t, x, "linear fit"));
  PetscCall(NMLinearFitAllocate(n, fit));
  PetscCall(PetscMalloc1(n * n, &fit->A));
  PetscCall(PetscCalloc2(nl * n, &sse, n, &sse_ar));
  PetscCall(PetscMalloc5(n, &d, n * n, &A, n, &c, n, &xk, n * n, &work));
  PetscCall(PetscMalloc1(n, &cov));

  /* k-fold cross-validation over contiguous blocks of pairs: fit on the other pairs,
     score the one-step prediction of the block, for every penalty of the grid. */
  for (PetscInt f = 0; f < folds; f++) {
    const PetscInt v0 = f * m / folds, v1 = (f + 1) * m / folds;
    NMRidgePath    p;
    PetscCall(NMRidgePathCreate(n, t, x, v0, v1, &p));
    for (PetscInt l = 0; l < nl; l++) {
      NMRidgePathSolve(&p, lambdas[l], d, A, c);
      NMOneStepErrors(n, t, x, v0, v1, A, c, xk, sse + l * n);
    }
    PetscCall(NMRidgePathDestroy(&p));
    NMAR1Errors(n, t, x, v0, v1, sse_ar);
  }
  {
    const PetscInt ibest = NMRidgeBestPenalty(nl, n, sse);
    fit->lambda          = lambdas[ibest];
    PetscCall(NMLinearFitScores(n, t, x, sse + ibest * n, sse_ar, fit->r2, fit->r2_ar1, fit->r2_zero));
  }

  /* Refit on every pair with the penalty chosen. */
  {
    NMRidgePath p;
    PetscCall(NMRidgePathCreate(n, t, x, 0, 0, &p));
    NMRidgePathSolve(&p, fit->lambda, d, fit->A, fit->c);
    PetscCall(NMRidgePathDestroy(&p));
  }

  /* Spectrum of A (dgeev), sorted by modulus; singular values (dgesdd, descending). */
  PetscCall(NMLinearFitEigenvalues(n, fit->A, fit->eig_re, fit->eig_im));
  PetscCall(PetscArraycpy(work, fit->A, n * n));
  info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, (lapack_int)n, work, (lapack_int)n, fit->sv, NULL, 1, NULL, (lapack_int)n);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "linear fit: LAPACK dgesdd failed on A (info %d)", (int)info);
  PetscCall(NMAnalysisPCA(n, t, x, 0, cov, NULL, NULL));
  NMLinearFitSpectralSummary(n, cov, fit);

  PetscCall(PetscFree2(sse, sse_ar));
  PetscCall(PetscFree5(d, A, c, xk, work));
  PetscCall(PetscFree(cov));
  PetscFunctionReturn(0);
}

PetscErrorCode NMLinearFitDestroy(NMLinearFit *fit)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(fit->A));
  PetscCall(PetscFree(fit->c));
  PetscCall(PetscFree(fit->r2));
  PetscCall(PetscFree(fit->r2_zero));
  PetscCall(PetscFree(fit->r2_ar1));
  PetscCall(PetscFree(fit->eig_re));
  PetscCall(PetscFree(fit->eig_im));
  PetscCall(PetscFree(fit->sv));
  PetscCall(PetscFree(fit->trunc_err));
  PetscCall(PetscMemzero(fit, sizeof(*fit)));
  PetscFunctionReturn(0);
}
