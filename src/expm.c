#include <netmass/expm.h>

/* Matrix exponential by scaling and squaring with Pade approximants, after
   N. J. Higham, "The scaling and squaring method for the matrix exponential
   revisited", SIAM J. Matrix Anal. Appl. 26(4):1179-1193, 2005 (Algorithm 2.3), and
   the Local Linearization step and noise covariance built on it (J. C. Jimenez,
   Appl. Math. Comput. 2002; C. F. Van Loan, "Computing integrals involving the
   matrix exponential", IEEE Trans. Automat. Control 23(3):395-404, 1978).

   These run per node and per time step for matrices of order ~2-18, so nothing here
   allocates, logs or communicates: all work arrays live on the stack, sized for the
   largest order NM_EXPM_MAX, and are used packed (leading dimension n) so that only
   the first n*n entries of each are touched. */

#define NM_EXPM_WORK (NM_EXPM_MAX * NM_EXPM_MAX)

/* theta_m of Higham (2005), Table 2.3: the largest ||A|| for which the [m/m] Pade
   approximant r_m(A) = exp(A + dA) with ||dA|| <= u ||A|| in IEEE double precision
   (u = 2^-53). The bound holds in any subordinate norm. */
static const PetscReal NMExpmTheta[] = {1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1, 2.097847961257068e0};
#define NM_EXPM_THETA13 5.371920351148152e0

/* Coefficients b_0..b_m of the numerator p_m(x) = sum_k b_k x^k of the [m/m] Pade
   approximant of e^x, scaled to integers as in Higham's Algorithm 2.3; the
   denominator is q_m(x) = p_m(-x). */
static const PetscReal NMPade3[]  = {120., 60., 12., 1.};
static const PetscReal NMPade5[]  = {30240., 15120., 3360., 420., 30., 1.};
static const PetscReal NMPade7[]  = {17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.};
static const PetscReal NMPade9[]  = {17643225600., 8821612800., 2075673600., 302702400., 30270240., 2162160., 110880., 3960., 90., 1.};
static const PetscReal NMPade13[] = {64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.};

/* C = X Y for packed row-major n x n matrices (C must not alias X or Y); row i of C
   accumulates rows of Y, so the inner loop runs over contiguous memory. */
static void NMMatMult(PetscInt n, const PetscReal X[], const PetscReal Y[], PetscReal C[])
{
  for (PetscInt i = 0; i < n; i++) {
    PetscReal *c = C + i * n;
    for (PetscInt j = 0; j < n; j++) c[j] = 0;
    for (PetscInt k = 0; k < n; k++) {
      const PetscReal  x = X[i * n + k];
      const PetscReal *y = Y + k * n;
      if (x == 0) continue; /* the augmented LL and Van Loan matrices are mostly zeros */
      for (PetscInt j = 0; j < n; j++) c[j] += x * y[j];
    }
  }
}

/* The smaller of ||A||_1 (largest column sum) and ||A||_inf (largest row sum), or a
   NaN/Inf when an entry is not finite (PetscMax would silently drop a NaN). */
static PetscReal NMNorm1Inf(PetscInt n, const PetscReal A[])
{
  PetscReal n1 = 0, ninf = 0, total = 0;

  for (PetscInt j = 0; j < n; j++) {
    PetscReal c = 0, r = 0;
    for (PetscInt i = 0; i < n; i++) {
      c += PetscAbsReal(A[i * n + j]);
      r += PetscAbsReal(A[j * n + i]);
    }
    n1   = PetscMax(n1, c);
    ninf = PetscMax(ninf, r);
    total += c;
  }
  return PetscIsInfOrNanReal(total) ? total : PetscMin(n1, ninf);
}

/* E = exp(A).

   Norm: Higham's backward-error bound for r_m holds in any subordinate norm, so
   min(||A||_1, ||A||_inf) is as valid a bound for the theta_m test as his ||A||_1 and
   never asks for more squarings (each squaring can amplify rounding errors). */
/* Solve Q X = P in place (P <- X) for column-major n x n Q and P by LU with partial
   pivoting (Golub & Van Loan, Algorithm 3.4.1). */
static PetscErrorCode NMSolveLU(PetscInt n, PetscReal Q[], PetscReal P[], PetscReal eta)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < n; k++) {
    PetscInt  piv = k;
    PetscReal big = PetscAbsReal(Q[k + k * n]);
    for (PetscInt i = k + 1; i < n; i++)
      if (PetscAbsReal(Q[i + k * n]) > big) big = PetscAbsReal(Q[i + k * n]), piv = i;
    PetscCheck(big > 0, PETSC_COMM_SELF, PETSC_ERR_MAT_LU_ZRPVT, "matrix exponential: singular Pade denominator of a %" PetscInt_FMT "x%" PetscInt_FMT " matrix (norm %g)", n, n, (double)eta);
    if (piv != k) {
      for (PetscInt j = 0; j < n; j++) {
        PetscReal t = Q[k + j * n];
        Q[k + j * n] = Q[piv + j * n], Q[piv + j * n] = t;
        t = P[k + j * n];
        P[k + j * n] = P[piv + j * n], P[piv + j * n] = t;
      }
    }
    for (PetscInt i = k + 1; i < n; i++) {
      const PetscReal l = Q[i + k * n] / Q[k + k * n];
      if (l == 0) continue;
      for (PetscInt j = k + 1; j < n; j++) Q[i + j * n] -= l * Q[k + j * n];
      for (PetscInt j = 0; j < n; j++) P[i + j * n] -= l * P[k + j * n];
    }
  }
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = n - 1; i >= 0; i--) {
      PetscReal v = P[i + j * n];
      for (PetscInt k = i + 1; k < n; k++) v -= Q[i + k * n] * P[k + j * n];
      P[i + j * n] = v / Q[i + i * n];
    }
  PetscFunctionReturn(0);
}

PetscErrorCode NMExpm(PetscInt n, const PetscReal A[], PetscReal E[])
{
  PetscReal       X[NM_EXPM_WORK], A2[NM_EXPM_WORK], A4[NM_EXPM_WORK], A6[NM_EXPM_WORK], T[NM_EXPM_WORK], U[NM_EXPM_WORK], V[NM_EXPM_WORK];
  PetscReal      *Qc = A4, *Pc = A6; /* column-major q_m and p_m, reusing free arrays */
  PetscReal      *cur, *other, *Up = U; /* Up: where U = odd part of p_m ends up */
  const PetscInt  nn = n * n;
  PetscReal       eta;
  PetscInt        s = 0;

  PetscFunctionBeginUser;
  PetscCheck(n >= 0 && n <= NM_EXPM_MAX, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "matrix exponential of order %" PetscInt_FMT ": the order must be in [0, %d] (NM_EXPM_MAX)", n, NM_EXPM_MAX);
  if (n == 0) PetscFunctionReturn(0);
  eta = NMNorm1Inf(n, A);
  PetscCheck(!PetscIsInfOrNanReal(eta), PETSC_COMM_SELF, PETSC_ERR_FP, "matrix exponential of a %" PetscInt_FMT "x%" PetscInt_FMT " matrix with NaN or infinite entries", n, n);
  if (n == 1) {
    E[0] = PetscExpReal(A[0]);
    PetscFunctionReturn(0);
  }
  if (eta == 0) { /* exp(0) = I; also keeps frexp below away from 0 */
    for (PetscInt k = 0; k < nn; k++) E[k] = 0;
    for (PetscInt i = 0; i < n; i++) E[i * n + i] = 1;
    PetscFunctionReturn(0);
  }
  /* Copy first: E may alias A. */
  for (PetscInt k = 0; k < nn; k++) X[k] = A[k];
  NMMatMult(n, X, X, A2);

  if (eta <= NMExpmTheta[3]) {
    /* Degree m in {3, 5, 7, 9}, no scaling (Algorithm 2.3, first branch):
       U = A sum_k b_{2k+1} A^{2k}, V = sum_k b_{2k} A^{2k}. For m = 9 the A^8 term
       is folded in as A^8 = A4 A4 (kept in A6's slot after A6 is used). */
    const PetscReal *b;
    PetscInt         m;
    if (eta <= NMExpmTheta[0]) {
      b = NMPade3;
      m = 3;
    } else if (eta <= NMExpmTheta[1]) {
      b = NMPade5;
      m = 5;
    } else if (eta <= NMExpmTheta[2]) {
      b = NMPade7;
      m = 7;
    } else {
      b = NMPade9;
      m = 9;
    }
    if (m >= 5) NMMatMult(n, A2, A2, A4);
    if (m >= 7) NMMatMult(n, A4, A2, A6);
    for (PetscInt k = 0; k < nn; k++) {
      PetscReal t = b[3] * A2[k], v = b[2] * A2[k];
      if (m >= 5) {
        t += b[5] * A4[k];
        v += b[4] * A4[k];
      }
      if (m >= 7) {
        t += b[7] * A6[k];
        v += b[6] * A6[k];
      }
      T[k] = t;
      V[k] = v;
    }
    if (m == 9) {
      NMMatMult(n, A4, A4, A6); /* A^8 */
      for (PetscInt k = 0; k < nn; k++) {
        T[k] += b[9] * A6[k];
        V[k] += b[8] * A6[k];
      }
    }
    for (PetscInt i = 0; i < n; i++) {
      T[i * n + i] += b[1];
      V[i * n + i] += b[0];
    }
    NMMatMult(n, X, T, U);
  } else {
    /* Degree 13 with scaling A <- A / 2^s, s = max(0, ceil(log2(eta / theta_13)))
       (Algorithm 2.3, second branch). frexp gives eta/theta_13 = f 2^e with
       f in [1/2, 1), so ceil(log2) = e, or e - 1 when f = 1/2 exactly. Scaling by a
       power of two is exact. */
    const PetscReal *b = NMPade13;
    int              e;
    const PetscReal  f = frexp(eta / NM_EXPM_THETA13, &e);
    s                  = PetscMax(0, (PetscInt)e - (f == 0.5 ? 1 : 0));
    if (s > 0) {
      const PetscReal c = ldexp(1.0, -(int)s), c2 = c * c;
      for (PetscInt k = 0; k < nn; k++) {
        X[k] *= c;
        A2[k] *= c2; /* (cA)^2 = c^2 A^2 exactly: saves recomputing the product */
      }
    }
    NMMatMult(n, A2, A2, A4);
    NMMatMult(n, A4, A2, A6);
    /* U = A [A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2 + b1 I]
       V =    A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I   (Higham's
       evaluation scheme: 6 products in all for degree 13). */
    for (PetscInt k = 0; k < nn; k++) T[k] = b[13] * A6[k] + b[11] * A4[k] + b[9] * A2[k];
    NMMatMult(n, A6, T, U);
    for (PetscInt k = 0; k < nn; k++) U[k] += b[7] * A6[k] + b[5] * A4[k] + b[3] * A2[k];
    for (PetscInt i = 0; i < n; i++) U[i * n + i] += b[1];
    NMMatMult(n, X, U, T);
    for (PetscInt k = 0; k < nn; k++) U[k] = b[12] * A6[k] + b[10] * A4[k] + b[8] * A2[k];
    NMMatMult(n, A6, U, V);
    for (PetscInt k = 0; k < nn; k++) V[k] += b[6] * A6[k] + b[4] * A4[k] + b[2] * A2[k];
    for (PetscInt i = 0; i < n; i++) V[i * n + i] += b[0];
    Up = T;
  }

  /* r_m(A) = q_m(A)^{-1} p_m(A) with p_m = V + U, q_m = V - U: solve q X = p by LU
     with partial pivoting. q_m(2^-s A) is well conditioned for ||2^-s A|| <= theta_m
     (Higham 2005 bounds its condition number), so a zero pivot means the input was not
     a usable matrix. The LU is written here rather than called from LAPACK: these are
     matrices of order 2 to 34 solved once per node and step, where OpenBLAS's dgesv
     spends most of its time in thread locks (measured: 33 % of a run). Column-major
     copies of p and q; factoring q itself (not q^T) keeps LU from pivoting across
     structural zeros of a (block) upper triangular A, such as the augmented LL and Van
     Loan matrices, so those zeros stay exact. */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      const PetscReal u = Up[i * n + j], v = V[i * n + j];
      Pc[i + j * n]     = v + u;
      Qc[i + j * n]     = v - u;
    }
  PetscCall(NMSolveLU(n, Qc, Pc, eta));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) E[i * n + j] = Pc[i + j * n];

  /* Undo the scaling: exp(A) = (r_m(2^-s A))^(2^s), squaring between E and T. */
  cur   = E;
  other = T;
  for (PetscInt k = 0; k < s; k++) {
    PetscReal *tmp;
    NMMatMult(n, cur, cur, other);
    tmp   = cur;
    cur   = other;
    other = tmp;
  }
  if (cur != E)
    for (PetscInt k = 0; k < nn; k++) E[k] = cur[k];
  PetscFunctionReturn(0);
}

/* LL step (Jimenez 2002). With the affine/first-order-hold model of the vector field
   on [0, h],
     f(x0 + y, u(t)) ~ f0 + J y + B (u1 - u0) t/h,
   the increment y(t) = x(t) - x0 solves the linear system for z = [y; t; 1]:
     dz/dt = M z,  M = [[J, B du/h, f0], [0, 0, 1], [0, 0, 0]],  z(0) = [0; 0; 1],
   so y(h) = exp(M h) z(0) = column n+1 of exp(M h), rows 0..n-1 (Van Loan 1978's
   augmented-matrix trick). Scaling M by h, the du/h entry becomes B du itself, so h
   never divides anything. */
PetscErrorCode NMLLStep(PetscInt n, PetscInt m, const PetscReal J[], const PetscReal f0[], const PetscReal B[], const PetscReal du[], PetscReal h, PetscReal dx[])
{
  const PetscInt N = n + 2;
  PetscReal      Mh[NM_EXPM_WORK], E[NM_EXPM_WORK];

  PetscFunctionBeginUser;
  PetscCheck(n >= 0 && N <= NM_EXPM_MAX, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "LL step of %" PetscInt_FMT " states: at most %d (NM_EXPM_MAX - 2) are supported", n, NM_EXPM_MAX - 2);
  PetscCheck(m >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "LL step with %" PetscInt_FMT " inputs: must be >= 0", m);
  PetscCheck(h >= 0 && !PetscIsInfOrNanReal(h), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "LL step size %g must be finite and >= 0", (double)h);
  PetscCheck(!du || m == 0 || B, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "LL step with an input change du needs the input Jacobian B (%" PetscInt_FMT "x%" PetscInt_FMT ")", n, m);
  if (n == 0) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < N * N; k++) Mh[k] = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal bdu = 0;
    for (PetscInt j = 0; j < n; j++) Mh[i * N + j] = J[i * n + j] * h;
    if (du)
      for (PetscInt k = 0; k < m; k++) bdu += B[i * m + k] * du[k];
    Mh[i * N + n]     = bdu; /* (B du / h) h */
    Mh[i * N + n + 1] = f0[i] * h;
  }
  Mh[n * N + n + 1] = h;
  PetscCall(NMExpm(N, Mh, E));
  for (PetscInt i = 0; i < n; i++) dx[i] = E[i * N + n + 1];
  PetscFunctionReturn(0);
}

/* Van Loan's formula loses accuracy when ||J h|| is large: F12 = exp(-J h) Q carries
   the growing modes exp(+|lambda| h) and Q = F22^T F12 cancels them again, so the
   rounding error of F12 is amplified by up to ~exp(2 ||J h||). Steps with
   ||J h|| > NM_VANLOAN_MAXNORM are therefore split into 2^k equal parts, Van Loan is
   applied to h / 2^k (amplification <= e^2), and the covariance is doubled back up
   with Q(2t) = Q(t) + Phi(t) Q(t) Phi(t)^T, Phi(t) = exp(J t) (split the integral at
   t), which only adds positive semi-definite terms and so is stable. */
#define NM_VANLOAN_MAXNORM 1.0

/* Rows of L keep their off-diagonal entries: a dependent state (e.g. x_j = x_i) still
   gets the noise of the states it depends on. */
void NMCholeskySemidefinite(PetscInt n, const PetscReal Q[], PetscReal L[])
{
  PetscReal trace = 0, tol;

  for (PetscInt i = 0; i < n; i++) trace += Q[i * n + i];
  tol = NM_CHOL_TINY * PetscMax(trace, 0);
  for (PetscInt k = 0; k < n * n; k++) L[k] = 0;
  for (PetscInt j = 0; j < n; j++) {
    PetscReal d = Q[j * n + j], ljj;
    for (PetscInt k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > tol)) continue; /* column j stays zero; also catches NaN */
    ljj          = PetscSqrtReal(d);
    L[j * n + j] = ljj;
    for (PetscInt i = j + 1; i < n; i++) {
      PetscReal v = Q[i * n + j];
      for (PetscInt k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / ljj;
    }
  }
}

/* Q = int_0^h exp(J s) S exp(J^T s) ds, S = diag(sigma^2) (Van Loan 1978):
     exp([[-J, S], [0, J^T]] h) = [[F11, F12], [0, F22]],  F22 = exp(J^T h),
     F12 = exp(-J h) Q, hence Q = F22^T F12. */
PetscErrorCode NMLLNoiseCovariance(PetscInt n, const PetscReal J[], const PetscReal sigma[], PetscReal h, PetscReal Q[], PetscReal L[])
{
  const PetscInt N = 2 * n;
  PetscReal      C[NM_EXPM_WORK], F[NM_EXPM_WORK], Phi[NM_EXPM_WORK / 4], T[NM_EXPM_WORK / 4], hk, eta;
  PetscInt       k = 0;

  PetscFunctionBeginUser;
  PetscCheck(n >= 0 && N <= NM_EXPM_MAX, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "LL noise covariance of %" PetscInt_FMT " states: at most %d (NM_EXPM_MAX / 2) are supported", n, NM_EXPM_MAX / 2);
  PetscCheck(h >= 0 && !PetscIsInfOrNanReal(h), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "LL step size %g must be finite and >= 0", (double)h);
  if (n == 0) PetscFunctionReturn(0);
  eta = NMNorm1Inf(n, J) * h;
  PetscCheck(!PetscIsInfOrNanReal(eta), PETSC_COMM_SELF, PETSC_ERR_FP, "LL noise covariance: the %" PetscInt_FMT "x%" PetscInt_FMT " Jacobian has NaN or infinite entries", n, n);
  if (eta > NM_VANLOAN_MAXNORM) {
    int             e;
    const PetscReal f = frexp(eta / NM_VANLOAN_MAXNORM, &e);
    k                 = (PetscInt)e - (f == 0.5 ? 1 : 0); /* ceil(log2(eta / max)) */
  }
  hk = ldexp(h, -(int)k);

  for (PetscInt i = 0; i < N * N; i++) C[i] = 0;
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt j = 0; j < n; j++) {
      C[i * N + j]           = -J[i * n + j] * hk;
      C[(n + i) * N + n + j] = J[j * n + i] * hk;
    }
    C[i * N + n + i] = sigma[i] * sigma[i] * hk;
  }
  PetscCall(NMExpm(N, C, F));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      PetscReal q = 0;
      for (PetscInt l = 0; l < n; l++) q += F[(n + l) * N + n + i] * F[l * N + n + j];
      Q[i * n + j]   = q;
      Phi[i * n + j] = F[(n + j) * N + n + i]; /* exp(J hk) = F22^T */
    }
  for (PetscInt d = 0; d < k; d++) {
    /* Q <- Q + Phi Q Phi^T, Phi <- Phi^2 */
    NMMatMult(n, Phi, Q, T);
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt j = 0; j < n; j++) {
        PetscReal t = 0;
        for (PetscInt l = 0; l < n; l++) t += T[i * n + l] * Phi[j * n + l];
        C[i * n + j] = t;
      }
    for (PetscInt i = 0; i < n * n; i++) Q[i] += C[i];
    if (d + 1 < k) {
      NMMatMult(n, Phi, Phi, T);
      for (PetscInt i = 0; i < n * n; i++) Phi[i] = T[i];
    }
  }
  /* Symmetrise: rounding leaves Q - Q^T ~ u ||Q||, which Cholesky must not see. */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) Q[i * n + j] = Q[j * n + i] = 0.5 * (Q[i * n + j] + Q[j * n + i]);
  if (L) NMCholeskySemidefinite(n, Q, L);
  PetscFunctionReturn(0);
}
