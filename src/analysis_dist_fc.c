/* Covariance and functional connectivity on the process grid (the distributed path of
   src/analysis_fc.c and the covariance of src/analysis_spectra.c):
   C = Y^T Y / (t - 1) with Y the t x n centred series (PBLAS pdgemm), and Pearson's
   r_ij = c_ij / sqrt(c_ii c_jj). */
#include "analysis_dist_impl.h"

PetscErrorCode NMDistAnalysisCentre(NMDistMatrix series, NMDistMatrix y)
{
  const PetscInt t = series->m;
  NMDistMatrix   centred;

  PetscFunctionBeginUser;
  PetscCheck(series->layout == NM_DIST_COLUMNS && y->layout == NM_DIST_GRID, series->grid->comm, PETSC_ERR_ARG_WRONG, "centring takes a NM_DIST_COLUMNS series to a NM_DIST_GRID matrix");
  PetscCall(NMDistMatrixDuplicate(series, &centred));
  for (PetscInt l = 0; l < series->nloc; l++) {
    const PetscReal *row  = series->a + l * t;
    PetscReal       *yl   = centred->a + l * t, mean = 0;
    for (PetscInt j = 0; j < t; j++) mean += row[j];
    mean /= t;
    for (PetscInt j = 0; j < t; j++) yl[j] = row[j] - mean;
  }
  PetscCall(NMDistMatrixCopy(centred, y));
  PetscCall(NMDistMatrixDestroy(&centred));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistAnalysisCovariance(NMDistMatrix y, NMDistMatrix cov)
{
  const int    n = (int)y->n, t = (int)y->m, one = 1;
  const double alpha = 1.0 / (t - 1), beta = 0;

  PetscFunctionBeginUser;
  PetscCheck(y->layout == NM_DIST_GRID && cov->layout == NM_DIST_GRID && cov->m == y->n && cov->n == y->n, y->grid->comm, PETSC_ERR_ARG_SIZ, "covariance of a %" PetscInt_FMT " x %" PetscInt_FMT " series needs a %" PetscInt_FMT " x %" PetscInt_FMT " grid matrix", y->m, y->n, y->n, y->n);
  PetscCheck(t >= 2, y->grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "covariance of %d samples: need at least 2", t);
  /* pdgemm rather than pdsyrk: FC and the output want both triangles */
  pdgemm_("T", "N", &n, &n, &t, &alpha, y->a, &one, &one, y->desc, y->a, &one, &one, y->desc, &beta, cov->a, &one, &one, cov->desc);
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistAnalysisFC(NMDistMatrix cov, NMDistMatrix fc)
{
  const PetscInt n = cov->n;
  PetscReal     *sd;

  PetscFunctionBeginUser;
  PetscCheck(cov->layout == NM_DIST_GRID && fc->layout == NM_DIST_GRID && fc->m == n && fc->n == n && cov->m == n, cov->grid->comm, PETSC_ERR_ARG_SIZ, "FC of an n x n covariance into an n x n grid matrix");
  /* the diagonal (variances) on every rank: each entry is held by one rank */
  PetscCall(PetscCalloc1(n, &sd));
  for (PetscInt jl = 0; jl < cov->nloc; jl++)
    for (PetscInt il = 0; il < cov->mloc; il++)
      if (cov->rows[il] == cov->cols[jl]) sd[cov->rows[il]] = cov->a[jl * cov->mloc + il];
  PetscCall(NMDistSumVector(cov->grid, n, sd));
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(sd[i] > 0, cov->grid->comm, PETSC_ERR_ARG_WRONG, "FC: region %" PetscInt_FMT " has zero variance; its correlations are undefined", i);
    sd[i] = PetscSqrtReal(sd[i]);
  }
  for (PetscInt jl = 0; jl < cov->nloc; jl++)
    for (PetscInt il = 0; il < cov->mloc; il++) {
      const PetscInt i = cov->rows[il], j = cov->cols[jl], o = jl * cov->mloc + il;
      /* as the LAPACK path: r_ii = 1 exactly, rounding clamped to [-1, 1] */
      fc->a[o] = i == j ? 1 : PetscMax(-1, PetscMin(1, cov->a[o] / (sd[i] * sd[j])));
    }
  PetscCall(PetscFree(sd));
  PetscFunctionReturn(0);
}
