#pragma once
/* The rightmost characteristic roots of a linear delay differential equation
     x'(t) = A0 x(t) + sum_e a_e x_{col_e}(t - tau_e) e_{row_e},
   i.e. the roots of det(lambda I - A0 - sum_e a_e e^{-lambda tau_e} E_{row_e, col_e}) = 0
   (each delayed entry has its own delay, so the delays need no grouping; the A_k of
   x' = A0 x + sum_k A_k x(t - tau_k) are the entries sharing tau_k). Method: Chebyshev
   collocation of the infinitesimal generator of the solution semigroup on
   [-tau_max, 0] (Breda, Maset & Vermiglio, SIAM J. Sci. Comput. 27, 2005): the state is
   sampled at the N + 1 Chebyshev extremal points, the generator becomes the
   m (N + 1) x m (N + 1) matrix [A0 + interpolated delayed terms; D (x) I] whose
   eigenvalues (LAPACK dgeev) approximate the rightmost roots with spectral accuracy; each
   of the rightmost ones is then refined by Newton's method on the exact characteristic
   equation, lambda <- lambda - 1 / tr(T(lambda)^-1 T'(lambda)) (Lancaster 1964). */
#include <petscsys.h>

typedef struct {
  PetscInt         m;        /* unknowns */
  const PetscReal *A0;       /* m x m, row-major: the undelayed part */
  PetscInt         ne;       /* delayed entries */
  const PetscInt  *row, *col;
  const PetscReal *val, *tau; /* entry value and its delay (s, >= 0) */
} NMLinearDDE;

/* The size of the discretised generator: m (npoints + 1), or m without any delay > 0. */
PETSC_EXTERN PetscInt NMLinearDDESize(const NMLinearDDE *dde, PetscInt npoints);
/* All NMLinearDDESize() eigenvalues of the discretised generator with npoints >= 2
   collocation intervals, sorted by decreasing real part (then decreasing imaginary part);
   the first nrefine of them refined by Newton on the exact characteristic equation (a
   refinement that does not converge to within 1e-12 leaves the collocation value). Without
   any delay > 0 they are the eigenvalues of A0 + sum_e a_e E_{row_e, col_e}. */
PETSC_EXTERN PetscErrorCode NMLinearDDERoots(const NMLinearDDE *dde, PetscInt npoints, PetscInt nrefine, PetscReal re[], PetscReal im[]);
