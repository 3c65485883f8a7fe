/* Eigenvalues of a general (nonsymmetric) block-cyclic matrix. ScaLAPACK has no pdgeev:
   reduce to upper Hessenberg form (pdgehrd, Householder), then the parallel multishift
   Hessenberg QR algorithm with aggressive early deflation (pdhseqr; Granat, Kagstrom &
   Kressner, SIAM J. Sci. Comput. 32, 2010), eigenvalues only. */
#include "analysis_dist_impl.h"

/* The block size pdhseqr needs at least (its PDLAQR1/PDLAQR5 kernels). */
#define NM_DIST_HSEQR_MIN_BLOCK 6

PetscErrorCode NMDistMatrixEigenvalues(NMDistMatrix A, PetscReal wr[], PetscReal wi[])
{
  NMDistGrid g = A->grid;
  const int  n = (int)A->n, one = 1, query = -1, nb = (int)g->nb, zero = 0, q = (int)g->q;
  int        info, lwork, liwork, iq, ntau, *iwork;
  double     wq, *work, *tau, z = 0;

  PetscFunctionBeginUser;
  PetscCheck(A->layout == NM_DIST_GRID && A->m == A->n, g->comm, PETSC_ERR_ARG_WRONG, "eigenvalues of a square NM_DIST_GRID matrix, not a %" PetscInt_FMT " x %" PetscInt_FMT " one", A->m, A->n);
  PetscCheck(nb >= NM_DIST_HSEQR_MIN_BLOCK, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_block %d: ScaLAPACK's pdhseqr needs blocks of at least %d rows and columns", g->name, nb, NM_DIST_HSEQR_MIN_BLOCK);
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
  /* pdgehrd leaves its reflectors below the first subdiagonal: clear them */
  for (PetscInt c = 0; c < A->nloc; c++)
    for (PetscInt l = 0; l < A->mloc; l++)
      if (A->rows[l] > A->cols[c] + 1) A->a[c * A->mloc + l] = 0;
  /* Hessenberg QR, eigenvalues only (JOB = 'E', COMPZ = 'N': Z is not referenced, but
     its descriptor must match H's) */
  pdhseqr_("E", "N", &n, &one, &n, A->a, A->desc, wr, wi, &z, A->desc, &wq, &query, &iq, &query, &info);
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK pdhseqr workspace query failed (info %d)", info);
  lwork  = (int)wq + 1;
  liwork = iq + 1;
  PetscCall(PetscMalloc2(lwork, &work, liwork, &iwork));
  pdhseqr_("E", "N", &n, &one, &n, A->a, A->desc, wr, wi, &z, A->desc, work, &lwork, iwork, &liwork, &info);
  PetscCall(PetscFree2(work, iwork));
  /* -7777/-8888: one QR variant failed and the other finished the job (a warning) */
  if (info == -7777 || info == -8888) PetscCall(PetscInfo(NULL, "pdhseqr: info %d, the alternative QR kernel was used\n", info));
  else PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK pdhseqr failed (info %d): %s", info, info > 0 ? "the QR algorithm did not converge for every eigenvalue" : "illegal argument");
  /* the eigenvalues are global output; rank 0's copy is everyone's */
  PetscCallMPI(MPI_Bcast(wr, n, MPIU_REAL, 0, g->comm));
  PetscCallMPI(MPI_Bcast(wi, n, MPIU_REAL, 0, g->comm));
  PetscFunctionReturn(0);
}
