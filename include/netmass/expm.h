#pragma once
/* Dense matrix exponential of small matrices and the Local Linearization (LL) step
   built on it. All matrices are row-major. No allocation: callers pass workspace. */
#include <petscsys.h>

#define NM_EXPM_MAX 32 /* largest matrix order handled (augmented LL systems included) */

/* E = exp(A) for an n x n matrix, n <= NM_EXPM_MAX: Pade approximant with scaling and
   squaring (Higham, SIAM J. Matrix Anal. Appl. 26, 2005). */
PETSC_EXTERN PetscErrorCode NMExpm(PetscInt n, const PetscReal A[], PetscReal E[]);

/* One LL step of dx/dt = f(x) + B u(t) over [0, h], with u varying linearly from u0 to
   u1 (first-order hold), linearised at x0 (Jimenez 2002; Van Loan 1978 augmented matrix):
     x1 = x0 + [exp(M h)]_{0:n, n+1},  M = [[J, B(u1-u0)/h, f0], [0, 0, 1], [0, 0, 0]],
   f0 = f(x0, u0), J = df/dx(x0, u0), B = df/du (n x m). Exact for linear systems with
   linear inputs. dx = x1 - x0 on return. */
PETSC_EXTERN PetscErrorCode NMLLStep(PetscInt n, PetscInt m, const PetscReal J[], const PetscReal f0[], const PetscReal B[], const PetscReal du[], PetscReal h, PetscReal dx[]);

/* Covariance over one step of dx = J x dt + diag(sigma) dW (Van Loan 1978):
   Q = int_0^h exp(J s) S exp(J^T s) ds, S = diag(sigma^2), from
   exp([[-J, S], [0, J^T]] h) = [[., F12], [0, F22]], Q = F22^T F12; and its lower
   Cholesky factor L (Q = L L^T; zero rows/columns where Q is singular). */
PETSC_EXTERN PetscErrorCode NMLLNoiseCovariance(PetscInt n, const PetscReal J[], const PetscReal sigma[], PetscReal h, PetscReal Q[], PetscReal L[]);

/* Lower Cholesky factor L (Q = L L^T) of a symmetric positive semi-definite n x n Q;
   columns whose pivot is below 100 eps trace(Q) (rounding noise of a singular Q) are zero. */
/* Pivots <= NM_CHOL_TINY trace(Q) are rounding noise of a semi-definite Q (some
   sigma_i = 0): their column of L is set to zero instead of taking the square root of
   a tiny or negative number. */
#define NM_CHOL_TINY (100 * PETSC_MACHINE_EPSILON)
PETSC_EXTERN void NMCholeskySemidefinite(PetscInt n, const PetscReal Q[], PetscReal L[]);

/* The same LL step and noise covariance for two states (n = 2) in closed form
   (src/expm_2x2.c: Cayley-Hamilton with divided differences of exp, phi_1, phi_2 at the
   eigenvalues, series where they cancel); equal to NMLLStep / NMLLNoiseCovariance to
   rounding. No checks and no error codes: they run per node and step, and non-finite
   input gives non-finite output, which the simulator reports. */
PETSC_EXTERN void NMLLStep2x2(PetscInt m, const PetscReal J[4], const PetscReal f0[2], const PetscReal B[], const PetscReal du[], PetscReal h, PetscReal dx[2]);
PETSC_EXTERN void NMLLNoiseCovariance2x2(const PetscReal J[4], const PetscReal sigma[2], PetscReal h, PetscReal Q[4], PetscReal L[4]);
