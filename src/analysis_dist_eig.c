/* Eigenvalues of a general (nonsymmetric) block-cyclic matrix. ScaLAPACK has no pdgeev:
   reduce to upper Hessenberg form (pdgehrd, Householder), then run the parallel
   multishift Hessenberg QR algorithm of pdlahqr (Henry, Watkins & Dongarra, SIAM J. Sci.
   Comput. 24, 2002), eigenvalues only. Not pdhseqr: in ScaLAPACK 2.2.1 (Debian) its
   workspace query is too small (PDLAQR1 rejects LWORK, and the run then loops in PDTRORD)
   and, given more workspace, it returns wrong eigenvalues (errors up to 0.15 of the
   spectral radius on a 300 x 300 rWW Jacobian whose eigenvalue condition numbers are
   below 8, from a Hessenberg form that is right),
   at one rank as at several; see Reference-ScaLAPACK issue #69 on its AED reordering.
   pdlahqr itself is right on P x 1 process grids (any block size >= 6) and on 1 x Q grids
   with one block per process column, but wrong (errors up to 0.35 of the spectral radius)
   on grids of several process columns each holding several blocks: callers use P x 1
   grids (NMDistMatrixEigenvalues refuses others). */
#include "analysis_dist_impl.h"

/* The block size pdlahqr needs at least. */
#define NM_DIST_LAHQR_MIN_BLOCK 6

PetscErrorCode NMDistMatrixEigenvalues(NMDistMatrix A, PetscReal wr[], PetscReal wi[])
{
  NMDistGrid g = A->grid;
  const int  n = (int)A->n, one = 1, query = -1, nb = (int)g->nb, zero = 0, q = (int)g->q, no = 0;
  int        info, lwork, ntau, iwork[1] = {0}, nblocks = (n + nb - 1) / nb, lld = (int)PetscMax(1, A->mloc);
  double     wq, *work, *tau, z = 0;

  PetscFunctionBeginUser;
  PetscCheck(A->layout == NM_DIST_GRID && A->m == A->n, g->comm, PETSC_ERR_ARG_WRONG, "eigenvalues of a square NM_DIST_GRID matrix, not a %" PetscInt_FMT " x %" PetscInt_FMT " one", A->m, A->n);
  PetscCheck(g->q == 1, g->comm, PETSC_ERR_SUP, "-%s_grid %" PetscInt_FMT "x%" PetscInt_FMT ": ScaLAPACK 2.2.1's pdlahqr returns wrong eigenvalues on grids of more than one process column; give a Px1 grid (the default), e.g. -%s_grid %dx1", g->name, g->p, g->q, g->name, (int)g->size);
  PetscCheck(nb >= NM_DIST_LAHQR_MIN_BLOCK, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_block %d: ScaLAPACK's pdlahqr needs blocks of at least %d rows and columns", g->name, nb, NM_DIST_LAHQR_MIN_BLOCK);
  /* Hessenberg reduction, workspace query first; tau holds LOCc(n - 1) scalars */
  ntau = numroc_(&n, &nb, &g->mycol, &zero, &q);
  PetscCall(PetscMalloc1(PetscMax(1, ntau), &tau));
  pdgehrd_(&n, &one, &n, A->a, &one, &one, A->desc, tau, &wq, &query, &info);
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK pdgehrd workspace query failed (info %d)", info);
  lwork = (int)wq + 1;
  PetscCall(PetscMalloc1(lwork, &work));
  pdgehrd_(&n, &one, &n, A->a, &one, &one, A->desc, tau, work, &lwork, &info);
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK pdgehrd failed (info %d)", info);
  PetscCall(PetscFree(work));
  PetscCall(PetscFree(tau));
  /* pdgehrd leaves its reflectors below the first subdiagonal; pdlahqr needs them zero
     (its note 6: otherwise the transformations are not similarities) */
  for (PetscInt c = 0; c < A->nloc; c++)
    for (PetscInt l = 0; l < A->mloc; l++)
      if (A->rows[l] > A->cols[c] + 1) A->a[c * A->mloc + l] = 0;
  /* Hessenberg QR, eigenvalues only (WANTT = WANTZ = .FALSE.: Z is not referenced, but
     its descriptor must match A's). pdlahqr has no workspace query; its documented size:
     3 n + max(2 max(LLD_A, LLD_Z) + 2 LOCc(n), 7 ceil(n / nb) / lcm(P, Q)), bounded here
     by 7 ceil(n / nb) */
  lwork = 3 * n + PetscMax(4 * lld + 2 * (int)A->nloc, 7 * nblocks) + 1;
  PetscCall(PetscMalloc1(lwork, &work));
  pdlahqr_(&no, &no, &n, &one, &n, A->a, A->desc, wr, wi, &one, &n, &z, A->desc, work, &lwork, iwork, &no, &info);
  PetscCall(PetscFree(work));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK pdlahqr failed (info %d): %s", info, info > 0 ? "the QR algorithm did not converge for every eigenvalue" : "illegal argument");
  /* the eigenvalues are replicated on every process; rank 0's copy makes them bitwise
     the same everywhere */
  PetscCallMPI(MPI_Bcast(wr, n, MPIU_REAL, 0, g->comm));
  PetscCallMPI(MPI_Bcast(wi, n, MPIU_REAL, 0, g->comm));
  PetscFunctionReturn(0);
}
