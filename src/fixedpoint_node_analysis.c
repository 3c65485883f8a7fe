#include <netmass/h5file.h>
#include <netmass/model_mlp.h>
#include <netmass/sys.h>
#include <petsctime.h>
#include "fixedpoint_impl.h"

/* The node-level analysis of Sip et al. (2023, "Noisy dynamics around a single fixed
   point", Fig. 6B): the equilibria of one uncoupled node and their stability over a grid
   of its parameters (theta^r of the learned model, each in [-2, 2] by default, or any
   parameter of an analytic model) and of its inputs u (network) and u_ext (external, the
   learned model only) in {-1, 0, 1}. Each grid point is a small dense deflated search
   (fixedpoint_dense.c) with its own starts, keyed by the point, so the file does not
   depend on the rank count; the points are dealt out to the ranks in blocks. */

/* The grid as given (read with the other options, before any work; checked against the
   model in NMNodeGridCheck); without -fp_node_params, the regional parameters theta_r1..
   of a learned model. */
PetscErrorCode NMFPNodeGridFromOptions(NMFixedPoints f)
{
  NMNodeGrid        *grid = &f->grid;
  const NMModelType *m;
  PetscBool          uset, uextset;

  PetscFunctionBegin;
  grid->np    = NM_NODE_MAXP;
  grid->nu    = 16;
  grid->nuext = 16;
  PetscOptionsBegin(f->comm, NULL, "netmass fixedpoints: node-level analysis (-fp_node_analysis)", "netmass");
  PetscCall(PetscOptionsStringArray("-fp_node_params", "Node parameters spanning the grid (default: theta_r1.. of the learned model, none otherwise)", NULL, grid->names, &grid->np, &grid->given));
  PetscCall(NMSimulatorGetModel(f->sim, &m)); /* known from the options already */
  if (!grid->given) grid->np = 0;
  for (PetscInt p = 0; !grid->given && m && p < m->nparam && grid->np < NM_NODE_MAXP; p++)
    if (!strncmp(m->params[p].name, "theta_r", 7)) PetscCall(PetscStrallocpy(m->params[p].name, &grid->names[grid->np++]));
  for (PetscInt k = 0; k < grid->np; k++) {
    char      opt[96];
    PetscInt  two = 2;
    PetscBool rset;
    grid->range[k][0] = -2;
    grid->range[k][1] = 2;
    grid->points[k]   = 5;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-fp_node_range_%s", grid->names[k]));
    PetscCall(PetscOptionsRealArray(opt, "Range lo,hi of this grid parameter", NULL, grid->range[k], &two, &rset));
    PetscCheck(!rset || (two == 2 && grid->range[k][0] <= grid->range[k][1]), f->comm, PETSC_ERR_ARG_WRONG, "%s needs lo,hi with lo <= hi", opt);
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-fp_node_points_%s", grid->names[k]));
    PetscCall(PetscOptionsInt(opt, "Grid points of this parameter", NULL, grid->points[k], &grid->points[k], NULL));
    PetscCheck(grid->points[k] >= 1, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %" PetscInt_FMT " must be >= 1", opt, grid->points[k]);
  }
  PetscCall(PetscOptionsRealArray("-fp_node_u", "Values of the network input u (every coupling channel); default -1,0,1", NULL, grid->u, &grid->nu, &uset));
  PetscCall(PetscOptionsRealArray("-fp_node_uext", "Values of the external input u_ext (learned models with u_ext; default -1,0,1 for them, 0 otherwise)", NULL, grid->uext, &grid->nuext, &uextset));
  PetscOptionsEnd();
  PetscCheck((!uset || grid->nu >= 1) && (!uextset || grid->nuext >= 1), f->comm, PETSC_ERR_ARG_WRONG, "-fp_node_u and -fp_node_uext need at least one value");
  if (!uset) grid->nu = 0;
  if (!uextset) grid->nuext = 0;
  PetscFunctionReturn(0);
}

/* Defaults that depend on the model's run-time data (u_ext over -1,0,1 for a learned model
   with u_ext), and the checks against the model. */
static PetscErrorCode NMNodeGridCheck(NMFixedPoints f)
{
  const NMModelType *m    = f->model;
  NMNodeGrid        *grid = &f->grid;
  const PetscBool    ext  = NMModelMLPHasExternalInput(m);

  PetscFunctionBegin;
  for (PetscInt k = 0; k < grid->np; k++) {
    grid->idx[k] = NMModelParamIndex(m, grid->names[k]);
    PetscCheck(grid->idx[k] >= 0, f->comm, PETSC_ERR_ARG_WRONG, "-fp_node_params: %s is not a parameter of model %s", grid->names[k], m->name);
  }
  if (!grid->nu) {
    grid->nu = 3;
    for (PetscInt k = 0; k < 3; k++) grid->u[k] = k - 1;
  }
  if (!grid->nuext) {
    grid->nuext = ext ? 3 : 1;
    for (PetscInt k = 0; k < grid->nuext; k++) grid->uext[k] = ext ? k - 1 : 0;
  }
  for (PetscInt k = 0; k < grid->nuext; k++) PetscCheck(ext || grid->uext[k] == 0, f->comm, PETSC_ERR_ARG_WRONG, "-fp_node_uext: model %s has no external input u_ext (only learned models trained with it); give -fp_node_uext 0", m->name);
  grid->P = grid->nu * grid->nuext;
  for (PetscInt k = 0; k < grid->np; k++) grid->P *= grid->points[k];
  PetscFunctionReturn(0);
}

/* Grid point p: parameter values (the first grid parameter varies slowest), then u, u_ext. */
static void NMNodeGridPoint(const NMNodeGrid *grid, PetscInt p, PetscReal vals[])
{
  PetscInt r = p;

  vals[grid->np + 1] = grid->uext[r % grid->nuext];
  r /= grid->nuext;
  vals[grid->np] = grid->u[r % grid->nu];
  r /= grid->nu;
  for (PetscInt k = grid->np - 1; k >= 0; k--) {
    const PetscInt i = r % grid->points[k], n = grid->points[k];
    r /= n;
    vals[k] = n == 1 ? grid->range[k][0] : grid->range[k][0] + (grid->range[k][1] - grid->range[k][0]) * i / (n - 1);
  }
}

/* Row of one grid point: the values, counts (roots, stable, unstable), then per root slot
   (up to maxr) its state and (class, unstable directions, max Re, frequency); NaN when
   fewer roots were found. */
static PetscErrorCode NMNodeSolvePoint(NMFixedPoints f, const NMNodeGrid *grid, PetscInt p, PetscInt maxr, PetscReal row[], PetscInt *found)
{
  const NMModelType *m = f->model;
  const PetscInt     ns = m->nstate, nv = grid->np + 2, w = nv + 3 + maxr * (ns + 4);
  NMFPNode           nd = {0};
  NMFPDense          d;
  PetscReal         *theta, J[256], re[16], im[16];

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(m->nparam, &theta));
  PetscCall(PetscArraycpy(theta, f->theta, m->nparam));
  NMNodeGridPoint(grid, p, row);
  for (PetscInt k = 0; k < grid->np; k++) theta[grid->idx[k]] = row[k];
  for (PetscInt k = 0; k < m->ncoupling; k++) nd.u[k] = row[grid->np];
  if (NMModelMLPHasExternalInput(m)) PetscCall(NMModelMLPSetExternalInput(m, row[grid->np + 1]));
  nd.model = m;
  nd.theta = theta;
  PetscCall(NMFPDenseSetUp(&d, ns, NMFPNodeResidual, &nd, f->power, f->shift, f->merge, f->max_step));
  PetscCall(NMFPDenseSearch(&d, f->seed, p, f->node_starts, ns, f->box, f->scale, NULL));
  *found = d.nroots;
  for (PetscInt k = nv; k < w; k++) row[k] = NAN;
  row[nv] = d.nroots;
  row[nv + 1] = row[nv + 2] = 0;
  for (PetscInt i = 0; i < d.nroots; i++) {
    NMFixedPointClass cls;
    PetscInt          unstable;
    PetscReal        *slot = row + nv + 3 + i * (ns + 4), maxre, freq;
    lapack_int        info;
    m->jacobian(m->ctx, d.roots + i * ns, nd.u, 0, theta, J);
    info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)ns, J, (lapack_int)ns, re, im, NULL, 1, NULL, 1);
    PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgeev failed (info %d) at grid point %" PetscInt_FMT, (int)info, p);
    PetscCall(NMFixedPointClassify(ns, re, im, &cls, &unstable, &maxre, &freq));
    row[nv + (unstable ? 2 : 1)] += 1;
    if (i >= maxr) continue; /* counted, not stored: the caller grows maxr and solves again */
    PetscCall(PetscArraycpy(slot, d.roots + i * ns, ns));
    slot[ns]     = cls;
    slot[ns + 1] = unstable;
    slot[ns + 2] = maxre;
    slot[ns + 3] = freq;
  }
  if (NMModelMLPHasExternalInput(m)) PetscCall(NMModelMLPSetExternalInput(m, 0));
  PetscCall(NMFPDenseDestroy(&d));
  PetscCall(PetscFree(theta));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsNodeAnalysis(NMFixedPoints f, const char path[])
{
  NMNodeGrid    *g = &f->grid;
  PetscMPIInt    rank, size;
  PetscInt       ns, nv, w, lo, hi, maxr = 4, most = 0, *tally = NULL;
  PetscReal     *rows, *all = NULL;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&t0));
  PetscCall(NMFixedPointsSetUp(f));
  PetscCall(NMNodeGridCheck(f));
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCallMPI(MPI_Comm_size(f->comm, &size));
  ns = f->model->nstate;
  nv = g->np + 2;
  lo = g->P * rank / size;
  hi = g->P * (rank + 1) / size;
  /* solve with room for maxr roots per point; if a point has more, once more with room */
  for (;;) {
    w = nv + 3 + maxr * (ns + 4);
    PetscCall(PetscMalloc1((hi - lo) * w + 1, &rows));
    most = 0;
    for (PetscInt p = lo; p < hi; p++) {
      PetscInt found;
      PetscCall(NMNodeSolvePoint(f, g, p, maxr, rows + (p - lo) * w, &found));
      most = PetscMax(most, found);
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &most, 1, MPIU_INT, MPI_MAX, f->comm));
    if (most <= maxr) break;
    PetscCall(PetscFree(rows));
    maxr = most;
  }
  /* every row to rank 0, which writes the file */
  {
    PetscMPIInt *counts = NULL, *displs = NULL, mine = (PetscMPIInt)((hi - lo) * w);
    if (!rank) {
      PetscCall(PetscMalloc2(size, &counts, size, &displs));
      PetscCall(PetscMalloc1(g->P * w + 1, &all));
      for (PetscMPIInt r = 0; r < size; r++) {
        displs[r] = (PetscMPIInt)(g->P * r / size * w);
        counts[r] = (PetscMPIInt)((g->P * (r + 1) / size - g->P * r / size) * w);
      }
    }
    PetscCallMPI(MPI_Gatherv(rows, mine, MPIU_REAL, all, counts, displs, MPIU_REAL, 0, f->comm));
    if (!rank) PetscCall(PetscFree2(counts, displs));
  }
  PetscCall(PetscCalloc1(most + 1, &tally));
  if (!rank)
    for (PetscInt p = 0; p < g->P; p++) tally[(PetscInt)all[p * w + nv]]++;
  PetscCallMPI(MPI_Bcast(tally, (PetscMPIInt)(most + 1), MPIU_INT, 0, f->comm));
  {
    NMFile            file;
    char              cols[1024] = "";
    PetscReal        *table, *roots, *cls;
    const PetscInt    tdims[2] = {g->P, nv + 3}, rdims[3] = {g->P, maxr, ns}, cdims[3] = {g->P, maxr, 4};
    const char *const tnames[] = {"point", "values_counts"}, *const rnames[] = {"point", "root", "state"}, *const cnames[] = {"point", "root", "class_unstable_maxre_frequency"};
    const PetscInt    R = rank ? 0 : g->P;
    PetscCall(PetscMalloc3(R * (nv + 3) + 1, &table, R * maxr * ns + 1, &roots, R * maxr * 4 + 1, &cls));
    for (PetscInt p = 0; p < R; p++) {
      PetscCall(PetscArraycpy(table + p * (nv + 3), all + p * w, nv + 3));
      for (PetscInt i = 0; i < maxr; i++) {
        PetscCall(PetscArraycpy(roots + (p * maxr + i) * ns, all + p * w + nv + 3 + i * (ns + 4), ns));
        PetscCall(PetscArraycpy(cls + (p * maxr + i) * 4, all + p * w + nv + 3 + i * (ns + 4) + ns, 4));
      }
    }
    for (PetscInt k = 0; k < g->np; k++) {
      PetscCall(PetscStrlcat(cols, g->names[k], sizeof(cols)));
      PetscCall(PetscStrlcat(cols, ", ", sizeof(cols)));
    }
    PetscCall(PetscStrlcat(cols, "u, u_ext, roots found, stable roots, unstable roots", sizeof(cols)));
    PetscCall(NMFileCreate(f->comm, path, NM_FORMAT_FIXEDPOINTS, &file));
    PetscCall(NMFileSetAttributeString(file, "/", "model", f->model->name));
    PetscCall(NMFileSetAttributeString(file, "/", "mode", "node-level analysis: one uncoupled node over a grid of parameters and inputs"));
    PetscCall(NMFileSetAttributeInt(file, "/", "n_points", g->P));
    PetscCall(NMFileSetAttributeInt(file, "/", "node_starts", f->node_starts));
    PetscCall(NMFileSetAttributeString(file, "/", "completeness", "deflated search per grid point; not proven complete"));
    PetscCall(NMFileWriteReal(file, "node_analysis", 2, tdims, tnames, NULL, 0, R, table));
    PetscCall(NMFileSetAttributeString(file, "node_analysis", "columns", cols));
    PetscCall(NMFileWriteReal(file, "node_roots", 3, rdims, rnames, NULL, 0, R, roots));
    PetscCall(NMFileSetAttributeString(file, "node_roots", "padding", "NaN where a point has fewer roots"));
    PetscCall(NMFileWriteReal(file, "node_classification", 3, cdims, cnames, NULL, 0, R, cls));
    PetscCall(NMFileSetAttributeString(file, "node_classification", "columns", "class (0 stable node, 1 stable focus, 2 saddle, 3 unstable node, 4 unstable focus, 5 non-hyperbolic), unstable directions, max Re lambda (1/s), leading frequency (Hz); NaN padding"));
    PetscCall(NMFileCommit(&file));
    PetscCall(PetscFree3(table, roots, cls));
  }
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(f->comm, "node-level analysis of %s: %" PetscInt_FMT " grid points (%" PetscInt_FMT " parameters x %" PetscInt_FMT " u x %" PetscInt_FMT " u_ext) in %.2f s\n", f->model->name, g->P, g->np, g->nu, g->nuext, t1 - t0));
  for (PetscInt k = 0; k <= most; k++)
    if (tally[k]) PetscCall(PetscPrintf(f->comm, "  %" PetscInt_FMT " points with %" PetscInt_FMT " equilibria\n", tally[k], k));
  PetscCall(PetscFree(tally));
  if (!rank) PetscCall(PetscFree(all));
  PetscCall(PetscFree(rows));
  PetscFunctionReturn(0);
}
