/* PCA on the process grid (the distributed path of NMAnalysisPCA, src/analysis_spectra.c):
   the eigen-decomposition of the covariance by ScaLAPACK pdsyevr (MRRR).

   When there are more regions than samples (n > t) the n x n covariance
   C = Y^T Y / (t - 1) has rank < t, and its nonzero eigenvalues are those of the t x t
   Gram matrix G = Y Y^T / (t - 1): if G v = l v with l > 0 then C (Y^T v) = l (Y^T v),
   and |Y^T v|^2 = (t - 1) l |v|^2, so u = Y^T v / sqrt((t - 1) l) is a unit eigenvector
   of C. Decomposing G costs O(t^3) instead of O(n^3) (the leading 100 components of
   20 000 regions over 1200 samples: a 1200 x 1200 problem). */
#include "analysis_dist_impl.h"
#include "analysis_impl.h"

/* Symmetric eigen-decomposition s = z diag(w) z^T (ascending w) by pdsyevr (MRRR), s
   destroyed. Not pdsyevd: its divide-and-conquer (pdstedc/pdlasrt) deadlocks in
   ScaLAPACK 2.2 when a process holds no block of the matrix (e.g. n = 94 in blocks of 64
   on a 2 x 2 grid). */
static PetscErrorCode NMDistSymmetricEigen(NMDistMatrix s, PetscReal w[], NMDistMatrix z)
{
  const int  n = (int)s->n, one = 1;
  const double vl = 0, vu = 0;
  int        lwork = -1, liwork = -1, info, iquery, m, nz;
  PetscReal  query, *work;
  int       *iwork;

  PetscFunctionBeginUser;
  pdsyevr_("V", "A", "U", &n, s->a, &one, &one, s->desc, &vl, &vu, &one, &n, &m, &nz, w, z->a, &one, &one, z->desc, &query, &lwork, &iquery, &liwork, &info);
  PetscCheck(!info, s->grid->comm, PETSC_ERR_LIB, "PCA: ScaLAPACK pdsyevr workspace query failed (info %d)", info);
  lwork  = (int)query + 2 * n + 1024;
  liwork = iquery + 64;
  PetscCall(PetscMalloc2(lwork, &work, liwork, &iwork));
  pdsyevr_("V", "A", "U", &n, s->a, &one, &one, s->desc, &vl, &vu, &one, &n, &m, &nz, w, z->a, &one, &one, z->desc, work, &lwork, iwork, &liwork, &info);
  PetscCall(PetscFree2(work, iwork));
  PetscCheck(!info && m == n && nz == n, s->grid->comm, PETSC_ERR_LIB, "PCA: ScaLAPACK pdsyevr failed on the %d x %d covariance (info %d, %d of %d eigenpairs)", n, n, info, nz, n);
  PetscFunctionReturn(0);
}

/* Component order, scale and sign as the LAPACK path: p (k x n, NM_DIST_COLUMNS) holds
   eigenvectors in ascending order of their eigenvalues wk[0..k-1]; row j becomes the
   component of the j-th largest, multiplied by scale[j'] (wk's order), with its largest
   entry in absolute value (the first such in region order) positive. */
static PetscErrorCode NMDistComponentsFinish(NMDistMatrix p, const PetscReal scale[])
{
  const PetscInt k = p->m;
  PetscReal     *col, *sign;
  struct {
    double v;
    int    i;
  } *best;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(k, &col, k, &sign, k, &best));
  for (PetscInt l = 0; l < p->nloc; l++) {
    PetscReal *a = p->a + l * k;
    for (PetscInt j = 0; j < k; j++) col[j] = a[k - 1 - j] * scale[k - 1 - j];
    PetscCall(PetscArraycpy(a, col, k));
  }
  for (PetscInt j = 0; j < k; j++) {
    best[j].v = -1;
    best[j].i = 0;
    for (PetscInt l = 0; l < p->nloc; l++)
      if (PetscAbsReal(p->a[l * k + j]) > best[j].v) {
        best[j].v = PetscAbsReal(p->a[l * k + j]);
        best[j].i = (int)p->cols[l];
      }
  }
  /* MPI_MAXLOC keeps the lower region index on ties, as the LAPACK path's scan */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, best, (PetscMPIInt)k, MPI_DOUBLE_INT, MPI_MAXLOC, p->grid->comm));
  for (PetscInt j = 0; j < k; j++) {
    sign[j] = 0;
    for (PetscInt l = 0; l < p->nloc; l++)
      if (p->cols[l] == best[j].i) sign[j] = p->a[l * k + j] < 0 ? -1 : 1;
  }
  PetscCall(NMDistSumVector(p->grid, k, sign));
  for (PetscInt l = 0; l < p->nloc; l++)
    for (PetscInt j = 0; j < k; j++) p->a[l * k + j] *= sign[j];
  PetscCall(PetscFree3(col, sign, best));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistAnalysisPCA(NMDistMatrix y, NMDistMatrix cov, PetscInt k, PetscReal eigenvalues[], PetscReal explained[], NMDistMatrix components)
{
  const PetscInt n = y->n, t = y->m;
  const PetscBool gram = (PetscBool)(n > t);
  const PetscInt m = gram ? t : n; /* order of the symmetric eigenproblem */
  NMDistMatrix   s, z, p;
  PetscReal     *w, *scale;

  PetscFunctionBeginUser;
  PetscCheck(k >= 0 && k <= n, y->grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "PCA: %" PetscInt_FMT " components requested of %" PetscInt_FMT " regions", k, n);
  PetscCheck(!gram || k < t, y->grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "-pca_components %" PetscInt_FMT ": with more regions (%" PetscInt_FMT ") than samples (%" PetscInt_FMT ") the covariance has at most t - 1 = %" PetscInt_FMT " nonzero eigenvalues: ask for fewer components", k, n, t, t - 1);
  PetscCheck(!components || (components->layout == NM_DIST_COLUMNS && components->m == k && components->n == n), y->grid->comm, PETSC_ERR_ARG_SIZ, "PCA components go to a k x n NM_DIST_COLUMNS matrix");
  PetscCall(NMDistMatrixCreate(y->grid, NM_DIST_GRID, m, m, &s));
  PetscCall(NMDistMatrixDuplicate(s, &z));
  if (gram) {
    const int    it = (int)t, in = (int)n, one = 1;
    const double alpha = 1.0 / (t - 1), beta = 0;
    pdgemm_("N", "T", &it, &it, &in, &alpha, y->a, &one, &one, y->desc, y->a, &one, &one, y->desc, &beta, s->a, &one, &one, s->desc);
  } else {
    PetscCheck(cov && cov->m == n && cov->n == n, y->grid->comm, PETSC_ERR_ARG_NULL, "PCA of %" PetscInt_FMT " regions over %" PetscInt_FMT " samples needs the covariance", n, t);
    PetscCall(NMDistMatrixCopy(cov, s));
  }
  PetscCall(PetscMalloc2(m, &w, PetscMax(1, k), &scale));
  PetscCall(NMDistSymmetricEigen(s, w, z));
  NMPCASpectrum(n, m, w, eigenvalues, explained);
  if (components && k > 0) {
    const int    ik = (int)k, in = (int)n, it = (int)t, jz = (int)(m - k + 1), one = 1;
    const double done = 1, dzero = 0;
    PetscCall(NMDistMatrixCreate(y->grid, NM_DIST_GRID, k, n, &p));
    if (gram) {
      /* rows of P = V_k^T Y: u_j^T sqrt((t - 1) l_j) */
      pdgemm_("T", "N", &ik, &in, &it, &done, z->a, &one, &jz, z->desc, y->a, &one, &one, y->desc, &dzero, p->a, &one, &one, p->desc);
      for (PetscInt j = 0; j < k; j++) {
        const PetscReal l = w[m - k + j];
        PetscCheck(l > 0, y->grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "-pca_components %" PetscInt_FMT ": the covariance has only %" PetscInt_FMT " nonzero eigenvalues", k, k - j - 1);
        scale[j] = 1 / PetscSqrtReal((t - 1) * l);
      }
    } else {
      pdtran_(&ik, &in, &done, z->a, &one, &jz, z->desc, &dzero, p->a, &one, &one, p->desc);
      for (PetscInt j = 0; j < k; j++) scale[j] = 1;
    }
    PetscCall(NMDistMatrixCopy(p, components));
    PetscCall(NMDistMatrixDestroy(&p));
    PetscCall(NMDistComponentsFinish(components, scale));
  }
  PetscCall(PetscFree2(w, scale));
  PetscCall(NMDistMatrixDestroy(&s));
  PetscCall(NMDistMatrixDestroy(&z));
  PetscFunctionReturn(0);
}
