/* Characteristic roots of linear DDEs (include/netmass/delay_roots.h): Chebyshev
   collocation of the infinitesimal generator (Breda, Maset & Vermiglio 2005) and Newton
   refinement on the exact characteristic equation. */
#include <complex.h>
#include <lapacke.h>
#include <netmass/delay_roots.h>

/* Newton steps of the refinement, and its tolerance relative to max(1, |lambda|). */
#define NM_DDE_NEWTON_ITS 30
#define NM_DDE_NEWTON_TOL 1e-13

static PetscReal NMDDEMaxDelay(const NMLinearDDE *dde)
{
  PetscReal tmax = 0;
  for (PetscInt e = 0; e < dde->ne; e++) tmax = PetscMax(tmax, dde->tau[e]);
  return tmax;
}

PetscInt NMLinearDDESize(const NMLinearDDE *dde, PetscInt npoints)
{
  return NMDDEMaxDelay(dde) > 0 ? dde->m * (npoints + 1) : dde->m;
}

/* Chebyshev extremal points x_k = cos(k pi / N), k = 0..N (x_0 = 1: theta = 0), and the
   weights of the barycentric Lagrange formula on them, (-1)^k, halved at both ends
   (Berrut & Trefethen, SIAM Rev. 46, 2004, eq. 5.2). */
static void NMChebyshevPoints(PetscInt N, PetscReal x[], PetscReal w[])
{
  for (PetscInt k = 0; k <= N; k++) {
    x[k] = PetscCosReal(PETSC_PI * k / N);
    w[k] = (k % 2 ? -1.0 : 1.0) * (k == 0 || k == N ? 0.5 : 1.0);
  }
}

/* The Lagrange basis l_0..l_N on the points x evaluated at t. */
static void NMLagrangeAt(PetscInt N, const PetscReal x[], const PetscReal w[], PetscReal t, PetscReal l[])
{
  PetscReal sum = 0;
  for (PetscInt k = 0; k <= N; k++) {
    if (t == x[k]) {
      for (PetscInt j = 0; j <= N; j++) l[j] = j == k;
      return;
    }
    l[k] = w[k] / (t - x[k]);
    sum += l[k];
  }
  for (PetscInt k = 0; k <= N; k++) l[k] /= sum;
}

/* The Chebyshev differentiation matrix on the points x (Trefethen, Spectral Methods in
   MATLAB, ch. 6): D_kj = (c_k / c_j) (-1)^(k+j) / (x_k - x_j), c = 2 at both ends, 1
   inside; the diagonal from the rows summing to zero. Row-major (N+1) x (N+1). */
static void NMChebyshevDiff(PetscInt N, const PetscReal x[], PetscReal D[])
{
  for (PetscInt k = 0; k <= N; k++) {
    PetscReal ck = (k == 0 || k == N) ? 2 : 1, rowsum = 0;
    for (PetscInt j = 0; j <= N; j++) {
      PetscReal cj = (j == 0 || j == N) ? 2 : 1;
      if (j == k) continue;
      D[k * (N + 1) + j] = ck / cj * ((k + j) % 2 ? -1.0 : 1.0) / (x[k] - x[j]);
      rowsum += D[k * (N + 1) + j];
    }
    D[k * (N + 1) + k] = -rowsum;
  }
}

static int NMCompareRoot(const void *a, const void *b)
{
  const PetscReal *x = (const PetscReal *)a, *y = (const PetscReal *)b;
  if (x[0] != y[0]) return x[0] < y[0] ? 1 : -1;
  return (x[1] < y[1]) - (x[1] > y[1]);
}

/* Newton on det T(lambda) = 0, T = lambda I - A0 - sum_e a_e e^{-lambda tau_e} E_e:
   lambda <- lambda - 1 / tr(T^-1 T'), T' = I + sum_e tau_e a_e e^{-lambda tau_e} E_e.
   *ok says whether it converged. */
static PetscErrorCode NMDDENewton(const NMLinearDDE *dde, double complex *lambda, PetscBool *ok)
{
  const PetscInt  m = dde->m;
  double complex *T, *Tp, lam = *lambda;
  lapack_int     *piv;

  PetscFunctionBegin;
  *ok = PETSC_FALSE;
  PetscCall(PetscMalloc3(m * m, &T, m * m, &Tp, m, &piv));
  for (PetscInt it = 0; it < NM_DDE_NEWTON_ITS && !*ok; it++) {
    double complex tr = 0, step;
    lapack_int     info;
    for (PetscInt i = 0; i < m * m; i++) {
      T[i]  = -dde->A0[i];
      Tp[i] = 0;
    }
    for (PetscInt i = 0; i < m; i++) {
      T[i * m + i] += lam;
      Tp[i * m + i] = 1;
    }
    for (PetscInt e = 0; e < dde->ne; e++) {
      const double complex g = dde->val[e] * cexp(-lam * dde->tau[e]);
      T[dde->row[e] * m + dde->col[e]] -= g;
      Tp[dde->row[e] * m + dde->col[e]] += dde->tau[e] * g;
    }
    info = LAPACKE_zgetrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)m, T, (lapack_int)m, piv);
    if (info) break; /* lambda is a root to the last bit: T singular */
    info = LAPACKE_zgetrs(LAPACK_ROW_MAJOR, 'N', (lapack_int)m, (lapack_int)m, T, (lapack_int)m, piv, Tp, (lapack_int)m);
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK zgetrs failed (info %d)", (int)info);
    for (PetscInt i = 0; i < m; i++) tr += Tp[i * m + i];
    if (tr == 0) break;
    step = 1 / tr;
    lam -= step;
    if (cabs(step) <= NM_DDE_NEWTON_TOL * PetscMax(1, cabs(lam))) *ok = PETSC_TRUE;
  }
  if (*ok) *lambda = lam;
  PetscCall(PetscFree3(T, Tp, piv));
  PetscFunctionReturn(0);
}

PetscErrorCode NMLinearDDERoots(const NMLinearDDE *dde, PetscInt npoints, PetscInt nrefine, PetscReal re[], PetscReal im[])
{
  const PetscInt  m = dde->m, M = NMLinearDDESize(dde, npoints);
  const PetscReal tmax = NMDDEMaxDelay(dde);
  const PetscInt  N    = tmax > 0 ? npoints : 0;
  PetscReal      *A, *x, *w, *D, *l, *pairs;

  PetscFunctionBeginUser;
  PetscCheck(npoints >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " collocation intervals: at least 2 are needed", npoints);
  PetscCall(PetscCalloc1(M * M, &A));
  PetscCall(PetscMalloc5(N + 1, &x, N + 1, &w, (N + 1) * (N + 1), &D, N + 1, &l, 2 * M, &pairs));
  /* first block row: x'(0) = A0 u(0) + sum_e a_e u_col(-tau_e), u(-tau_e) interpolated
     from the points; theta = tmax (x - 1) / 2 maps [-1, 1] onto [-tmax, 0] */
  for (PetscInt i = 0; i < m; i++)
    for (PetscInt j = 0; j < m; j++) A[i * M + j] = dde->A0[i * m + j];
  if (N > 0) NMChebyshevPoints(N, x, w);
  for (PetscInt e = 0; e < dde->ne; e++) {
    PetscCheck(dde->tau[e] >= 0 && dde->row[e] >= 0 && dde->row[e] < m && dde->col[e] >= 0 && dde->col[e] < m, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "delayed entry %" PetscInt_FMT ": row, column outside 0..%" PetscInt_FMT " or negative delay", e, m - 1);
    if (N > 0) NMLagrangeAt(N, x, w, 1 - 2 * dde->tau[e] / tmax, l);
    else l[0] = 1;
    for (PetscInt k = 0; k <= N; k++) A[dde->row[e] * M + k * m + dde->col[e]] += dde->val[e] * l[k];
  }
  /* the other block rows: u'(theta_k) = (2 / tmax) sum_j D_kj u(theta_j) */
  if (N > 0) NMChebyshevDiff(N, x, D);
  for (PetscInt k = 1; k <= N; k++)
    for (PetscInt j = 0; j <= N; j++)
      for (PetscInt i = 0; i < m; i++) A[(k * m + i) * M + j * m + i] = 2 / tmax * D[k * (N + 1) + j];
  {
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)M, A, (lapack_int)M, re, im, NULL, 1, NULL, 1);
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgeev failed (info %d) on the discretised delay generator", (int)info);
  }
  /* refine the rightmost roots (each pair once, from its upper member) */
  for (PetscInt i = 0; i < M; i++) {
    pairs[2 * i]     = re[i];
    pairs[2 * i + 1] = im[i];
  }
  qsort(pairs, (size_t)M, 2 * sizeof(PetscReal), NMCompareRoot);
  for (PetscInt i = 0; i < PetscMin(nrefine, M) && N > 0; i++) {
    double complex lam = pairs[2 * i] + I * pairs[2 * i + 1];
    PetscBool      ok;
    if (pairs[2 * i + 1] < 0) continue; /* the lower member follows its partner */
    PetscCall(NMDDENewton(dde, &lam, &ok));
    if (!ok) continue;
    pairs[2 * i]     = creal(lam);
    pairs[2 * i + 1] = pairs[2 * i + 1] > 0 ? PetscAbsReal(cimag(lam)) : 0;
    if (pairs[2 * i + 1] > 0 && i + 1 < M && pairs[2 * i + 3] < 0) {
      pairs[2 * i + 2] = pairs[2 * i];
      pairs[2 * i + 3] = -pairs[2 * i + 1];
    }
  }
  qsort(pairs, (size_t)M, 2 * sizeof(PetscReal), NMCompareRoot);
  for (PetscInt i = 0; i < M; i++) {
    re[i] = pairs[2 * i];
    im[i] = pairs[2 * i + 1];
  }
  PetscCall(PetscFree5(x, w, D, l, pairs));
  PetscCall(PetscFree(A));
  PetscFunctionReturn(0);
}
