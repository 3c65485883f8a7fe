/* The BLACS process grid and the block-cyclic matrices of the distributed analysis path
   (include/netmass/analysis_dist.h): creation, redistribution (pdgemr2d), the collective
   hyperslab read of a subject's series into its regions' ranks and the row-block write
   of per-region results. */
#include "analysis_dist_impl.h"
#include <stdint.h>
#include <stdio.h>

PetscErrorCode NMDistGridCreate(MPI_Comm comm, NMDistGrid *grid)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(grid));
  (*grid)->comm = comm;
  (*grid)->nb   = 64;
  PetscCall(PetscStrncpy((*grid)->name, "analyze", sizeof((*grid)->name)));
  PetscCallMPI(MPI_Comm_rank(comm, &(*grid)->rank));
  PetscCallMPI(MPI_Comm_size(comm, &(*grid)->size));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistGridSetOptionsName(NMDistGrid grid, const char name[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(grid->name, name, sizeof(grid->name)));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistGridSetShape(NMDistGrid grid, PetscInt p, PetscInt q)
{
  PetscFunctionBeginUser;
  PetscCheck(!grid->setup, grid->comm, PETSC_ERR_ARG_WRONGSTATE, "the grid's shape is set before NMDistGridSetUp()");
  grid->p = p;
  grid->q = q;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistGridSetBlockSize(NMDistGrid grid, PetscInt nb)
{
  PetscFunctionBeginUser;
  grid->nb = nb;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistGridSetFromOptions(NMDistGrid grid)
{
  char      shape[64] = "", gridopt[80], blockopt[80];
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(gridopt, sizeof(gridopt), "-%s_grid", grid->name));
  PetscCall(PetscSNPrintf(blockopt, sizeof(blockopt), "-%s_block", grid->name));
  PetscOptionsBegin(grid->comm, NULL, "Distributed (ScaLAPACK) process grid", "netmass");
  PetscCall(PetscOptionsString(gridopt, "BLACS process grid PxQ, P Q = ranks (default: as square as possible for -analyze_grid, Px1 for -fp_eig_grid)", NULL, shape, shape, sizeof(shape), &set));
  PetscCall(PetscOptionsInt(blockopt, "Block size of the block-cyclic distribution, rows and columns (-fp_eig_block 0: from the problem size)", NULL, grid->nb, &grid->nb, NULL));
  PetscOptionsEnd();
  if (set) {
    int  p = 0, q = 0;
    char extra;
    PetscCheck(sscanf(shape, "%dx%d%c", &p, &q, &extra) == 2 && p >= 1 && q >= 1, grid->comm, PETSC_ERR_ARG_WRONG, "%s %s: give the process grid as PxQ with P, Q >= 1, e.g. %s 2x2", gridopt, shape, gridopt);
    grid->p = p;
    grid->q = q;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistGridSetUp(NMDistGrid grid)
{
  int me, np;

  PetscFunctionBeginUser;
  if (grid->setup) PetscFunctionReturn(0);
  if (!grid->p) {
    /* the most square P x Q = size with P <= Q: P the largest divisor <= sqrt(size) */
    for (grid->p = (PetscInt)PetscSqrtReal((PetscReal)grid->size + 0.5); grid->size % grid->p; grid->p--) { }
    grid->q = grid->size / grid->p;
  }
  PetscCheck(grid->p * grid->q == grid->size, grid->comm, PETSC_ERR_ARG_WRONG, "-%s_grid %" PetscInt_FMT "x%" PetscInt_FMT " has %" PetscInt_FMT " processes but netmass runs on %d MPI ranks: give P x Q = %d (or leave -%s_grid out)", grid->name, grid->p, grid->q, grid->p * grid->q, (int)grid->size, (int)grid->size, grid->name);
  Cblacs_pinfo(&me, &np); /* initialises the BLACS on first use */
  grid->handle    = Csys2blacs_handle(grid->comm);
  grid->ctxt      = grid->handle;
  grid->ctxt_cols = grid->handle;
  grid->ctxt_root = grid->handle;
  Cblacs_gridinit(&grid->ctxt, "Row", (int)grid->p, (int)grid->q);
  Cblacs_gridinit(&grid->ctxt_cols, "Row", 1, (int)grid->size);
  Cblacs_gridinit(&grid->ctxt_root, "Row", 1, 1);
  {
    int p, q;
    Cblacs_gridinfo(grid->ctxt, &p, &q, &grid->myrow, &grid->mycol);
  }
  grid->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistGridGetShape(NMDistGrid grid, PetscInt *p, PetscInt *q, PetscInt *nb)
{
  PetscFunctionBeginUser;
  if (p) *p = grid->p;
  if (q) *q = grid->q;
  if (nb) *nb = grid->nb;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistGridDestroy(NMDistGrid *grid)
{
  PetscFunctionBeginUser;
  if (!*grid) PetscFunctionReturn(0);
  if ((*grid)->setup) {
    Cblacs_gridexit((*grid)->ctxt);
    Cblacs_gridexit((*grid)->ctxt_cols);
    if (!(*grid)->rank) Cblacs_gridexit((*grid)->ctxt_root);
    Cfree_blacs_system_handle((*grid)->handle);
  }
  PetscCall(PetscFree(*grid));
  PetscFunctionReturn(0);
}

/* Global indices of the nloc local entries of a dimension of n in blocks of nb dealt
   over np processes, of process p: block b of p is global block b np + p. */
static void NMDistLocalIndices(PetscInt nloc, PetscInt nb, PetscInt p, PetscInt np, PetscInt idx[])
{
  for (PetscInt l = 0; l < nloc; l++) idx[l] = ((l / nb) * np + p) * nb + l % nb;
}

PetscErrorCode NMDistMatrixCreate(NMDistGrid grid, NMDistLayout layout, PetscInt m, PetscInt n, NMDistMatrix *mat)
{
  NMDistMatrix A;
  int          im = (int)m, in = (int)n, mb, nb, nprow, npcol, myrow, mycol, ctxt, zero = 0, lld, info;

  PetscFunctionBeginUser;
  PetscCheck(grid->setup, grid->comm, PETSC_ERR_ARG_WRONGSTATE, "NMDistGridSetUp() first");
  PetscCheck(grid->nb >= 1, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_block %" PetscInt_FMT ": the block size must be >= 1", grid->name, grid->nb);
  PetscCheck(m >= 1 && n >= 1, grid->comm, PETSC_ERR_ARG_OUTOFRANGE, "distributed matrix of %" PetscInt_FMT " x %" PetscInt_FMT ": both sizes must be >= 1", m, n);
  PetscCall(PetscNew(&A));
  A->grid   = grid;
  A->layout = layout;
  A->m      = m;
  A->n      = n;
  if (layout == NM_DIST_GRID) {
    ctxt  = grid->ctxt;
    mb    = (int)grid->nb;
    nprow = (int)grid->p;
    npcol = (int)grid->q;
    myrow = grid->myrow;
    mycol = grid->mycol;
  } else {
    ctxt  = grid->ctxt_cols;
    mb    = im;
    nprow = 1;
    npcol = (int)grid->size;
    myrow = 0;
    mycol = (int)grid->rank;
  }
  nb      = (int)grid->nb;
  A->mloc = numroc_(&im, &mb, &myrow, &zero, &nprow);
  A->nloc = numroc_(&in, &nb, &mycol, &zero, &npcol);
  lld     = (int)PetscMax(1, A->mloc);
  descinit_(A->desc, &im, &in, &mb, &nb, &zero, &zero, &ctxt, &lld, &info);
  PetscCheck(!info, grid->comm, PETSC_ERR_LIB, "ScaLAPACK descinit failed (info %d) for a %" PetscInt_FMT " x %" PetscInt_FMT " matrix", info, m, n);
  PetscCall(PetscMalloc2(A->mloc, &A->rows, A->nloc, &A->cols));
  NMDistLocalIndices(A->mloc, mb, myrow, nprow, A->rows);
  NMDistLocalIndices(A->nloc, nb, mycol, npcol, A->cols);
  PetscCall(PetscCalloc1(PetscMax(1, A->mloc * A->nloc), &A->a));
  *mat = A;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistMatrixDuplicate(NMDistMatrix mat, NMDistMatrix *dup)
{
  PetscFunctionBeginUser;
  PetscCall(NMDistMatrixCreate(mat->grid, mat->layout, mat->m, mat->n, dup));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistMatrixDestroy(NMDistMatrix *mat)
{
  PetscFunctionBeginUser;
  if (!*mat) PetscFunctionReturn(0);
  PetscCall(PetscFree2((*mat)->rows, (*mat)->cols));
  PetscCall(PetscFree((*mat)->a));
  PetscCall(PetscFree(*mat));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistMatrixGetLocal(NMDistMatrix mat, PetscInt *mloc, const PetscInt **rows, PetscInt *nloc, const PetscInt **cols, PetscReal **a)
{
  PetscFunctionBeginUser;
  if (mloc) *mloc = mat->mloc;
  if (rows) *rows = mat->rows;
  if (nloc) *nloc = mat->nloc;
  if (cols) *cols = mat->cols;
  if (a) *a = mat->a;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistMatrixCopy(NMDistMatrix src, NMDistMatrix dst)
{
  const int m = (int)src->m, n = (int)src->n, one = 1;

  PetscFunctionBeginUser;
  PetscCheck(src->m == dst->m && src->n == dst->n, src->grid->comm, PETSC_ERR_ARG_SIZ, "copy of a %" PetscInt_FMT " x %" PetscInt_FMT " matrix into a %" PetscInt_FMT " x %" PetscInt_FMT " one", src->m, src->n, dst->m, dst->n);
  pdgemr2d_(&m, &n, src->a, &one, &one, src->desc, dst->a, &one, &one, dst->desc, &src->grid->ctxt);
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistMatrixGather(NMDistMatrix mat, PetscReal global[])
{
  NMDistGrid g = mat->grid;
  const int  m = (int)mat->m, n = (int)mat->n, one = 1, zero = 0;
  int        desc[9] = {1, -1, m, n, m, n, 0, 0, m}, info;

  PetscFunctionBeginUser;
  if (!g->rank) {
    descinit_(desc, &m, &n, &m, &n, &zero, &zero, &g->ctxt_root, &m, &info);
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK descinit failed (info %d) for the gathered matrix", info);
  }
  pdgemr2d_(&m, &n, mat->a, &one, &one, mat->desc, global, &one, &one, desc, &g->ctxt);
  PetscFunctionReturn(0);
}

/* The runs of consecutive global columns of a NM_DIST_COLUMNS matrix: *nruns, and the
   first column and length of each (arrays of nloc entries, caller-freed). */
static PetscErrorCode NMDistColumnRuns(NMDistMatrix mat, PetscInt *nruns, PetscInt **first, PetscInt **len)
{
  PetscInt r = -1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(PetscMax(1, mat->nloc), first, PetscMax(1, mat->nloc), len));
  for (PetscInt l = 0; l < mat->nloc; l++) {
    if (l && mat->cols[l] == mat->cols[l - 1] + 1) (*len)[r]++;
    else {
      r++;
      (*first)[r] = mat->cols[l];
      (*len)[r]   = 1;
    }
  }
  *nruns = r + 1;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistMatrixReadSeries(NMDistMatrix series, NMFile file, const char dataset[], PetscInt subject, PetscInt state)
{
  const PetscInt t = series->m, nloc = series->nloc;
  PetscInt       nruns, *first, *len, *start, *count, dims[3];

  PetscFunctionBeginUser;
  PetscCheck(series->layout == NM_DIST_COLUMNS, series->grid->comm, PETSC_ERR_ARG_WRONG, "a series is read into a NM_DIST_COLUMNS matrix (t x n)");
  PetscCall(NMDistColumnRuns(series, &nruns, &first, &len));
  PetscCall(PetscMalloc2(3 * PetscMax(1, nruns), &start, 3 * PetscMax(1, nruns), &count));
  if (subject >= 0) {
    /* cohort bold, S x n x t: region rows of subject s are already this rank's columns */
    PetscCall(NMFileGetShape(file, dataset, 3, dims));
    PetscCheck(subject < dims[0] && dims[1] == series->n && dims[2] == t, series->grid->comm, PETSC_ERR_ARG_SIZ, "dataset '%s' (%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ") has no subject %" PetscInt_FMT " of %" PetscInt_FMT " regions x %" PetscInt_FMT " samples", dataset, dims[0], dims[1], dims[2], subject, series->n, t);
    for (PetscInt r = 0; r < nruns; r++) {
      start[3 * r]     = subject;
      start[3 * r + 1] = first[r];
      start[3 * r + 2] = 0;
      count[3 * r]     = 1;
      count[3 * r + 1] = len[r];
      count[3 * r + 2] = t;
    }
    PetscCall(NMFileReadBlocks(file, dataset, nruns, start, count, series->a));
  } else {
    /* simulation monitor, t x n (x states), time-major: read the rank's region columns
       of one state, then transpose to region-major */
    PetscReal *buf;
    const PetscInt nd = strcmp(dataset, "bold") ? 3 : 2; /* bold: t x n; raw, tavg: t x n x states */
    PetscCall(NMFileGetShape(file, dataset, nd, dims));
    PetscCheck(dims[0] == t && dims[1] == series->n, series->grid->comm, PETSC_ERR_ARG_SIZ, "dataset '%s' is %" PetscInt_FMT " x %" PetscInt_FMT ", expected %" PetscInt_FMT " samples x %" PetscInt_FMT " regions", dataset, dims[0], dims[1], t, series->n);
    for (PetscInt r = 0; r < nruns; r++) {
      start[nd * r]     = 0;
      start[nd * r + 1] = first[r];
      count[nd * r]     = t;
      count[nd * r + 1] = len[r];
      if (nd == 3) {
        start[nd * r + 2] = state;
        count[nd * r + 2] = 1;
      }
    }
    PetscCall(PetscMalloc1(PetscMax(1, t * nloc), &buf));
    PetscCall(NMFileReadBlocks(file, dataset, nruns, start, count, buf));
    /* the union in row-major order: sample j holds every local region, in column order */
    for (PetscInt j = 0; j < t; j++)
      for (PetscInt l = 0; l < nloc; l++) series->a[l * t + j] = buf[j * nloc + l];
    PetscCall(PetscFree(buf));
  }
  PetscCall(PetscFree2(start, count));
  PetscCall(PetscFree2(first, len));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistMatrixWriteRows(NMDistMatrix mat, NMDataset ds, PetscInt s)
{
  const PetscInt q  = mat->m, nd = s >= 0 ? 3 : 2, o = s >= 0 ? 1 : 0;
  PetscInt       nruns, *first, *len, *start, *count;

  PetscFunctionBeginUser;
  PetscCheck(mat->layout == NM_DIST_COLUMNS, mat->grid->comm, PETSC_ERR_ARG_WRONG, "rows are written from a NM_DIST_COLUMNS matrix");
  PetscCall(NMDistColumnRuns(mat, &nruns, &first, &len));
  PetscCall(PetscMalloc2(nd * PetscMax(1, nruns), &start, nd * PetscMax(1, nruns), &count));
  for (PetscInt r = 0; r < nruns; r++) {
    if (o) {
      start[nd * r] = s;
      count[nd * r] = 1;
    }
    start[nd * r + o]     = first[r];
    count[nd * r + o]     = len[r];
    start[nd * r + o + 1] = 0;
    count[nd * r + o + 1] = q;
  }
  PetscCall(NMDatasetWriteBlocks(ds, nruns, start, count, mat->a));
  PetscCall(PetscFree2(start, count));
  PetscCall(PetscFree2(first, len));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistSumVector(NMDistGrid grid, PetscInt n, PetscReal v[])
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, (PetscMPIInt)n, MPIU_REAL, MPIU_SUM, grid->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDistSeriesCheck(NMDistMatrix series, const char what[])
{
  const PetscInt t = series->m;
  PetscInt64     bad = INT64_MAX, first;
  PetscInt       kind = 0; /* 1: not finite, 2: constant */

  PetscFunctionBeginUser;
  for (PetscInt l = 0; l < series->nloc && bad == INT64_MAX; l++) {
    const PetscReal *row = series->a + l * t;
    PetscInt         k   = 1;
    for (PetscInt j = 0; j < t; j++)
      if (PetscIsInfOrNanReal(row[j])) kind = 1;
    while (k < t && row[k] == row[0]) k++;
    if (!kind && k == t) kind = 2;
    if (kind) bad = series->cols[l];
  }
  PetscCallMPI(MPI_Allreduce(&bad, &first, 1, MPIU_INT64, MPI_MIN, series->grid->comm));
  if (first == INT64_MAX) PetscFunctionReturn(0);
  if (bad != first) kind = 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &kind, 1, MPIU_INT, MPI_MAX, series->grid->comm));
  SETERRQ(series->grid->comm, kind == 1 ? PETSC_ERR_FP : PETSC_ERR_ARG_WRONG, "%s: the time series of region %" PetscInt64_FMT " is %s", what, first, kind == 1 ? "not finite: the time series must be finite" : "constant; its correlations are undefined");
}
