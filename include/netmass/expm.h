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
