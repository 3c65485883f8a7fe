/* The Jacobian at a root in ScaLAPACK's block-cyclic layout, and its eigenvalues
   (docs/fixedpoints.md, "Stability"). */
#include "fixedpoint_impl.h"

/* Every rank holds the state and the network, so each evaluates the analytic Jacobian rows
   of its own block rows (NMFPJacobianRows, the rows the AIJ matrix is assembled from) and
   keeps its block columns: the dense matrix is never gathered, and building it needs no
   communication. Ranks of one process row evaluate the same rows: O(m^2) work each, small
   beside the O(m^3) of the eigenvalues. */
PetscErrorCode NMFPEigenvaluesDist(NMFixedPoints f, const PetscReal x[], PetscReal re[], PetscReal im[])
{
  const PetscInt   ns = f->model->nstate, m = f->n * ns;
  NMDistMatrix     J;
  PetscInt         mloc, nloc, last = -1;
  const PetscInt  *rows, *cols;
  PetscReal       *a, *buf;

  PetscFunctionBeginUser;
  PetscCall(NMDistMatrixCreate(f->eig_grid, NM_DIST_GRID, m, m, &J));
  PetscCall(NMDistMatrixGetLocal(J, &mloc, &rows, &nloc, &cols, &a));
  PetscCall(PetscMalloc1(ns * m, &buf));
  for (PetscInt l = 0; l < mloc; l++) {
    const PetscInt g = rows[l] / ns, s = rows[l] % ns;
    if (g != last) PetscCall(NMFPJacobianRows(f, x, g, buf));
    last = g;
    for (PetscInt c = 0; c < nloc; c++) a[c * mloc + l] = buf[s * m + cols[c]];
  }
  PetscCall(PetscFree(buf));
  PetscCall(NMDistMatrixEigenvalues(J, re, im));
  PetscCall(NMDistMatrixDestroy(&J));
  PetscFunctionReturn(0);
}
