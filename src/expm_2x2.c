#include <netmass/expm.h>
#include <complex.h>

/* Closed-form Local Linearization step and noise covariance of two-state nodes: the same
   mathematics as NMLLStep and NMLLNoiseCovariance (src/expm.c) without the two Pade
   exponentials of 4 x 4 matrices.

   Step. With A = h J and b = B du, the LL increment (the last column of the augmented
   exponential in NMLLStep) is
       dx = h [phi_1(A) f0 + phi_2(A) b],   phi_0 = exp, phi_1(z) = (e^z - 1)/z,
                                            phi_2(z) = (e^z - 1 - z)/z^2,
   since y(h) = int_0^h e^{J(h-s)} (f0 + b s/h) ds.

   Cayley-Hamilton. Write A = m I + N with m = tr(A)/2. N is traceless, so
   N^2 = delta I, delta = m^2 - det(A) = ((a11 - a22)/2)^2 + a12 a21, and the eigenvalues of
   A are m +- sigma, sigma^2 = delta (sigma imaginary when delta < 0). For any entire g,
       g(A) = E I + O N,  E = (g(m+sigma) + g(m-sigma))/2,  O = g[m+sigma, m-sigma],
   the even part and the first divided difference, both real entire functions of (m, delta);
   they hold for repeated eigenvalues and non-diagonalisable A too.

   Covariance. Q = int_0^h e^{Js} S e^{J^T s} ds = h phi_1(h L) S with the operator
   L X = J X + X J^T on 2 x 2 matrices. h L = 2m + M with M X = N X + X N^T, and
   M^2 X = 2 delta X + 2 N X N^T, M^3 = 4 delta M (expand with N^2 = delta I). So M has
   eigenvalues 0, +-2 sigma and
       g(c + M) = a0 + a1 M + a2 M^2,  a0 = g(c),  a1 = g[c+s, c-s],
       a2 = ((g(c+s) + g(c-s))/2 - g(c)) / s^2,    c = 2m, s = 2 sigma,
   i.e. Q = h [a0 S + a1 (N S + S N^T) + a2 (2 delta S + 2 N S N^T)] for g = phi_1.
   The step uses the same three numbers at (c, s^2) = (m, delta): E = a0 + delta a2, O = a1.

   The numbers a0, a1, a2 for phi_0, phi_1, phi_2 (NMPhiCoefficients) are computed in one
   of three ways, chosen so that nothing cancels badly (checked against 50-digit values
   for c in +-[1e-6, 1e4], s^2 in +-[1e-14, 1e8]: at most ~1e-13 relative to ||g||, the
   conditioning of g itself for |c| or |s| in the hundreds):
   - |c| + |s| <= 2: the Taylor series of phi_2 by Horner's rule in the basis {1, M, M^2}
     (multiplying by c + M: (a0, a1, a2) -> (c a0, a0 + c a1 + s^2 a2, a1 + c a2)), then
     phi_1 = 1 + (c + M) phi_2 and exp = 1 + (c + M) phi_1.
   - |s| >= |c|/2: the divided differences from the scalar functions at the eigenvalues
     c, c +- s (complex for s^2 < 0); the eigenvalues are well apart, so little cancels.
   - |s| < |c|/2 (so |c| > 4/3, and (c + M) is far from singular): exp in closed form,
     e^c (1, sinh(s)/s, (cosh(s) - 1)/s^2), then phi_{k+1} from phi_k by solving
     (c + M) phi_{k+1} = phi_k - 1/k! in the basis: a0 = (p0 - 1/k!)/c,
     a2 = (p1 - a0 - c p2)/(s^2 - c^2), a1 = p2 - c a2. */

#define NM_PHI_TAYLOR_RHO 2.0
#define NM_PHI_TAYLOR_MAX 24 /* table size; rho <= 2 needs P = 22 terms */

/* 1/k! for k = 0 .. NM_PHI_TAYLOR_MAX + 2 */
static const PetscReal NMInvFactorial[NM_PHI_TAYLOR_MAX + 3] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800., 1.0 / 87178291200., 1.0 / 1307674368000., 1.0 / 20922789888000., 1.0 / 355687428096000., 1.0 / 6402373705728000., 1.0 / 121645100408832000., 1.0 / 2432902008176640000., 1.0 / 51090942171709440000., 1.0 / 1124000727777607680000., 1.0 / 25852016738884976640000., 1.0 / 620448401733239439360000., 1.0 / 15511210043330985984000000., 1.0 / 403291461126605635584000000.};

/* NMTaylorRhoMax[P] = (2^-56 (P + 2)!)^(1/P): the largest spectral radius rho for which
   the terms of phi_2 beyond z^P, led by rho^P / (P + 2)!, are below 2^-56 (values from
   50-digit arithmetic). */
static const PetscReal NMTaylorRhoMax[NM_PHI_TAYLOR_MAX + 1] = {0, 8.3266726846886741e-17, 1.8250120749944284e-08, 1.1853151344123303e-05, 0.00031616455860734269, 0.0023385688247983343, 0.009077650565872673, 0.024322706347848447, 0.051613155249866045, 0.093647746031301118, 0.1521478153044325, 0.22796741681863364, 0.32128766300512701, 0.43181113275140776, 0.55892411196969194, 0.70182028588184753, 0.85958994940584821, 1.0312817798844394, 1.215944081877727, 1.4126512415266665, 1.6205198000777827, 1.8387173935430525, 2.0664668871786964, 2.3030473453941407, 2.5477929775297565};

/* a <- a (c + M) in the basis {1, M, M^2}, M^3 = s2 M. */
static inline void NMPhiMultiply(PetscReal c, PetscReal s2, PetscReal a[3])
{
  const PetscReal a0 = a[0], a1 = a[1], a2 = a[2];

  a[0] = c * a0;
  a[1] = a0 + c * a1 + s2 * a2;
  a[2] = a1 + c * a2;
}

/* phi_0, phi_1, phi_2 of a complex scalar: the series for |z| < 1, else from e^z by
   phi_{k+1} = (phi_k - 1/k!)/z (which loses at most a digit for |z| >= 1). */
static void NMPhiScalar(double complex z, double complex phi[3])
{
  if (cabs(z) < 1) {
    double complex t = NMInvFactorial[20];
    for (int p = 17; p >= 0; p--) t = t * z + NMInvFactorial[p + 2];
    phi[2] = t;
    phi[1] = 1 + z * phi[2];
    phi[0] = 1 + z * phi[1];
  } else {
    phi[0] = cexp(z);
    phi[1] = (phi[0] - 1) / z;
    phi[2] = (phi[1] - 1) / z;
  }
}

/* a[k] = (a0, a1, a2) of phi_k(c + M), k = 0, 1, 2, for M^3 = s2 M (see the top). */
static void NMPhiCoefficients(PetscReal c, PetscReal s2, PetscReal a[3][3])
{
  const PetscReal s = PetscSqrtReal(PetscAbsReal(s2)), rho = PetscAbsReal(c) + s;

  if (rho <= NM_PHI_TAYLOR_RHO) {
    PetscInt P = 0;
    while (rho > NMTaylorRhoMax[P]) P++;
    a[2][0] = NMInvFactorial[P + 2];
    a[2][1] = a[2][2] = 0;
    for (PetscInt p = P - 1; p >= 0; p--) {
      NMPhiMultiply(c, s2, a[2]);
      a[2][0] += NMInvFactorial[p + 2];
    }
    for (int k = 1; k >= 0; k--) {
      for (int j = 0; j < 3; j++) a[k][j] = a[k + 1][j];
      NMPhiMultiply(c, s2, a[k]);
      a[k][0] += 1;
    }
  } else if (s >= 0.5 * PetscAbsReal(c)) {
    double complex g0[3], gp[3], gm[3];
    NMPhiScalar(c, g0);
    if (s2 > 0) {
      NMPhiScalar(c + s, gp);
      NMPhiScalar(c - s, gm);
      for (int k = 0; k < 3; k++) {
        a[k][0] = creal(g0[k]);
        a[k][1] = (creal(gp[k]) - creal(gm[k])) / (2 * s);
        a[k][2] = (0.5 * (creal(gp[k]) + creal(gm[k])) - a[k][0]) / s2;
      }
    } else { /* g(c - i s) = conj(g(c + i s)) */
      NMPhiScalar(CMPLX(c, s), gp);
      for (int k = 0; k < 3; k++) {
        a[k][0] = creal(g0[k]);
        a[k][1] = cimag(gp[k]) / s;
        a[k][2] = (creal(gp[k]) - a[k][0]) / s2;
      }
    }
  } else {
    const PetscReal ec = PetscExpReal(c);
    a[0][0]            = ec;
    if (s2 > 0) {
      /* e^c sinh(s)/s and e^c (cosh(s) - 1)/s^2 through e^{c-s}, without overflow of
         sinh alone; expm1 where s is small */
      const PetscReal em = PetscExpReal(c - s);
      if (s <= 1) {
        const PetscReal q = expm1(s) / s;
        a[0][1]           = em * expm1(2 * s) / (2 * s);
        a[0][2]           = 0.5 * em * q * q;
      } else {
        const PetscReal ep = PetscExpReal(c + s);
        a[0][1]            = (ep - em) / (2 * s);
        a[0][2]            = (ep + em - 2 * ec) / (2 * s2);
      }
    } else if (s2 < 0) {
      const PetscReal q = PetscSinReal(0.5 * s) / (0.5 * s);
      a[0][1]           = ec * PetscSinReal(s) / s;
      a[0][2]           = 0.5 * ec * q * q;
    } else {
      a[0][1] = ec;
      a[0][2] = 0.5 * ec;
    }
    for (int k = 0; k < 2; k++) {
      const PetscReal *p = a[k];
      a[k + 1][0]        = (p[0] - NMInvFactorial[k]) / c;
      a[k + 1][2]        = (p[1] - a[k + 1][0] - c * p[2]) / (s2 - c * c);
      a[k + 1][1]        = p[2] - c * a[k + 1][2];
    }
  }
}

/* A = h J = m I + N: m, the entries of N (n11 = -n00) and delta = -det(N). delta cancels
   when the eigenvalues (nearly) coincide; the rounding error of n01 n10 is recovered with
   an fma (Dekker's two-product) so that delta is accurate relative to its own size. */
static void NMSplit2x2(const PetscReal J[4], PetscReal h, PetscReal *m, PetscReal N[4], PetscReal *delta)
{
  PetscReal p, e;

  *m     = 0.5 * h * (J[0] + J[3]);
  N[0]   = 0.5 * h * (J[0] - J[3]);
  N[1]   = h * J[1];
  N[2]   = h * J[2];
  N[3]   = -N[0];
  p      = N[1] * N[2];
  e      = fma(N[1], N[2], -p);
  *delta = fma(N[0], N[0], p) + e;
}

void NMLLStep2x2(PetscInt m, const PetscReal J[4], const PetscReal f0[2], const PetscReal B[], const PetscReal du[], PetscReal h, PetscReal dx[2])
{
  PetscReal mid, N[4], delta, a[3][3], b[2] = {0, 0}, v[2], w[2];

  for (PetscInt i = 0; i < 2; i++)
    if (du)
      for (PetscInt k = 0; k < m; k++) b[i] += B[i * m + k] * du[k];
  NMSplit2x2(J, h, &mid, N, &delta);
  NMPhiCoefficients(mid, delta, a);
  /* phi_k(A) = E_k I + O_k N, E_k = a0 + delta a2, O_k = a1;
     dx = h [(E_1 f0 + E_2 b) + N (O_1 f0 + O_2 b)] */
  for (PetscInt i = 0; i < 2; i++) {
    v[i] = (a[1][0] + delta * a[1][2]) * f0[i] + (a[2][0] + delta * a[2][2]) * b[i];
    w[i] = a[1][1] * f0[i] + a[2][1] * b[i];
  }
  dx[0] = h * (v[0] + N[0] * w[0] + N[1] * w[1]);
  dx[1] = h * (v[1] + N[2] * w[0] + N[3] * w[1]);
}

void NMLLNoiseCovariance2x2(const PetscReal J[4], const PetscReal sigma[2], PetscReal h, PetscReal Q[4], PetscReal L[4])
{
  PetscReal       mid, N[4], delta, a[3][3];
  const PetscReal s0 = sigma[0] * sigma[0], s1 = sigma[1] * sigma[1];

  NMSplit2x2(J, h, &mid, N, &delta);
  NMPhiCoefficients(2 * mid, 4 * delta, a);
  /* Q = h [a0 S + a1 (N S + S N^T) + a2 (2 delta S + 2 N S N^T)] with a = a[1] (phi_1) */
  Q[0] = h * (a[1][0] * s0 + a[1][1] * 2 * N[0] * s0 + a[1][2] * 2 * (delta * s0 + N[0] * N[0] * s0 + N[1] * N[1] * s1));
  Q[3] = h * (a[1][0] * s1 + a[1][1] * 2 * N[3] * s1 + a[1][2] * 2 * (delta * s1 + N[2] * N[2] * s0 + N[3] * N[3] * s1));
  Q[1] = Q[2] = h * (a[1][1] * (N[1] * s1 + N[2] * s0) + a[1][2] * 2 * (N[0] * N[2] * s0 + N[1] * N[3] * s1));
  if (L) {
    /* NMCholeskySemidefinite(2, Q, L) written out: the same operations in the same
       order (so the same bits; tests/unit/test_expm_2x2.c), without its loops */
    const PetscReal tol = NM_CHOL_TINY * PetscMax(Q[0] + Q[3], 0);
    PetscReal       d;
    L[0] = L[1] = L[2] = L[3] = 0;
    if (Q[0] > tol) {
      L[0] = PetscSqrtReal(Q[0]);
      L[2] = Q[2] / L[0];
    }
    d = Q[3] - L[2] * L[2];
    if (d > tol) L[3] = PetscSqrtReal(d);
  }
}
