#include <netmass/h5file.h>
#include <netmass/sys.h>
#include <lapacke.h>
#include "fixedpoint_impl.h"

const char *const NMFixedPointClasses[] = {"stable node", "stable focus", "saddle", "unstable node", "unstable focus", "non-hyperbolic", NULL};

/* Eigenvalues with |Re| below this are on the imaginary axis (non-hyperbolic). */
#define NM_FP_ZERO 1e-9

PetscErrorCode NMFixedPointsWriteStability(MPI_Comm comm, NMFile file, const char point[], PetscInt R, PetscInt m, const PetscReal re[], const PetscReal im[])
{
  PetscMPIInt       rank;
  PetscReal        *info;
  const PetscInt    edims[2] = {R, m}, idims[2] = {R, 4};
  const char *const enames[] = {point, "eigenvalue"}, *const inames[] = {point, "class_unstable_maxre_frequency"};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMalloc1(4 * R, &info));
  for (PetscInt k = 0; k < R; k++) {
    NMFixedPointClass cls;
    PetscInt          unstable;
    PetscCall(NMFixedPointClassify(m, re + k * m, im + k * m, &cls, &unstable, &info[4 * k + 2], &info[4 * k + 3]));
    info[4 * k]     = cls;
    info[4 * k + 1] = unstable;
  }
  PetscCall(NMFileWriteReal(file, "eigenvalues_real", 2, edims, enames, "1/s", 0, rank ? 0 : R, re));
  PetscCall(NMFileWriteReal(file, "eigenvalues_imag", 2, edims, enames, "1/s", 0, rank ? 0 : R, im));
  PetscCall(NMFileWriteReal(file, "classification", 2, idims, inames, NULL, 0, rank ? 0 : R, info));
  PetscCall(NMFileSetAttributeString(file, "classification", "columns", "class (0 stable node, 1 stable focus, 2 saddle, 3 unstable node, 4 unstable focus, 5 non-hyperbolic), unstable directions, max Re lambda (1/s), leading frequency (Hz)"));
  PetscCall(PetscFree(info));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointClassify(PetscInt m, const PetscReal re[], const PetscReal im[], NMFixedPointClass *cls, PetscInt *unstable, PetscReal *maxre, PetscReal *freq)
{
  PetscInt  lead = 0, zero = 0;
  PetscBool complex_any = PETSC_FALSE;

  PetscFunctionBegin;
  *unstable = 0;
  for (PetscInt i = 0; i < m; i++) {
    if (re[i] > re[lead]) lead = i;
    if (re[i] > NM_FP_ZERO) (*unstable)++;
    if (PetscAbsReal(re[i]) <= NM_FP_ZERO) zero++;
  }
  *maxre = m ? re[lead] : 0;
  *freq  = m ? PetscAbsReal(im[lead]) / (2 * PETSC_PI) : 0;
  /* a focus when the leading (slowest or fastest-growing) eigenvalue is complex */
  complex_any = (PetscBool)(m && im[lead] != 0);
  if (zero) *cls = NM_FP_NONHYPERBOLIC;
  else if (*unstable == 0) *cls = complex_any ? NM_FP_STABLE_FOCUS : NM_FP_STABLE_NODE;
  else if (*unstable == m) *cls = complex_any ? NM_FP_UNSTABLE_FOCUS : NM_FP_UNSTABLE_NODE;
  else *cls = NM_FP_SADDLE;
  PetscFunctionReturn(0);
}

static int NMCompareEig(const void *a, const void *b)
{
  const PetscReal *x = (const PetscReal *)a, *y = (const PetscReal *)b;
  if (x[0] != y[0]) return x[0] < y[0] ? 1 : -1; /* decreasing real part */
  return (x[1] < y[1]) - (x[1] > y[1]);
}

/* Sort m eigenvalues by decreasing real part, then decreasing imaginary part; pairs is
   2 m workspace. */
static void NMFPSortEigenvalues(PetscInt m, PetscReal re[], PetscReal im[], PetscReal pairs[])
{
  for (PetscInt i = 0; i < m; i++) {
    pairs[2 * i]     = re[i];
    pairs[2 * i + 1] = im[i];
  }
  qsort(pairs, (size_t)m, 2 * sizeof(PetscReal), NMCompareEig);
  for (PetscInt i = 0; i < m; i++) {
    re[i] = pairs[2 * i];
    im[i] = pairs[2 * i + 1];
  }
}

const char *const NMFPEigMethods[] = {"auto", "dgeev", "scalapack", "NMFPEigMethod", "NM_FP_EIG_", NULL};

/* The smallest and largest block of the ScaLAPACK path: pdlahqr needs at least 6; 64
   is the analysis' default. */
#define NM_FP_EIG_MIN_BLOCK 6
#define NM_FP_EIG_MAX_BLOCK 64

/* Whether the eigenvalues of the m x m Jacobians are computed by ScaLAPACK, and its grid
   set up if so. auto: when comm has more than one rank, m >= -fp_eig_scalapack_threshold,
   and every process row and column of the grid can hold a block of >= 6 rows and
   columns (the automatic block size, m / max(P, Q) within [6, 64], gives each one then;
   a rank without a block works too, tested, but does nothing). */
static PetscErrorCode NMFPEigUseScaLAPACK(NMFixedPoints f, PetscInt m, PetscBool *use)
{
  PetscMPIInt size;
  PetscInt    p, q, nb;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(f->comm, &size));
  *use = (PetscBool)(f->eig_method == NM_FP_EIG_SCALAPACK || (f->eig_method == NM_FP_EIG_AUTO && size > 1 && m >= f->eig_threshold));
  if (!*use) PetscFunctionReturn(0);
  PetscCall(NMDistGridSetUp(f->eig_grid));
  PetscCall(NMDistGridGetShape(f->eig_grid, &p, &q, &nb));
  if (f->eig_method == NM_FP_EIG_AUTO && m < NM_FP_EIG_MIN_BLOCK * PetscMax(p, q)) *use = PETSC_FALSE;
  if (nb == 0) PetscCall(NMDistGridSetBlockSize(f->eig_grid, PetscMin(NM_FP_EIG_MAX_BLOCK, PetscMax(NM_FP_EIG_MIN_BLOCK, m / PetscMax(p, q)))));
  PetscFunctionReturn(0);
}

/* The eigenvalues of the Jacobian at each root, sorted by decreasing real part, on every
   rank. Small problems: the dense Jacobian gathered on rank 0 and LAPACK's dgeev. Large
   problems spread over several ranks (NMFPEigUseScaLAPACK): each rank evaluates the rows
   of its blocks of the block-cyclic layout and ScaLAPACK computes the eigenvalues
   together; no rank holds the dense matrix. */
PetscErrorCode NMFixedPointsStability(NMFixedPoints f)
{
  const PetscInt   ns = f->model->nstate, m = f->n * ns, nl = (f->rend - f->rstart) * ns;
  PetscMPIInt      size, rank, *counts = NULL, *displs = NULL;
  PetscReal       *rows = NULL, *J = NULL, *pairs;
  const PetscReal *x;
  PetscBool        dist = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(f->comm, &size));
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCall(NMFPEigUseScaLAPACK(f, m, &dist));
  PetscCall(PetscFree3(f->roots, f->re, f->im));
  PetscCall(PetscMalloc3(f->nroots * m + 1, &f->roots, f->nroots * m + 1, &f->re, f->nroots * m + 1, &f->im));
  PetscCall(PetscMalloc1(2 * m, &pairs));
  if (!dist) {
    PetscMPIInt mine = (PetscMPIInt)(nl * m);
    PetscCall(PetscMalloc3(nl * m + 1, &rows, size, &counts, size, &displs));
    PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, f->comm));
    if (!rank) {
      displs[0] = 0;
      for (PetscMPIInt r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
      PetscCall(PetscMalloc1(m * m, &J));
    }
  }
  PetscCall(PetscLogEventBegin(NM_EVENT_FPEigenvalues, 0, 0, 0, 0));
  for (PetscInt k = 0; k < f->nroots; k++) {
    PetscReal *re = f->re + k * m, *im = f->im + k * m;
    PetscCall(VecScatterBegin(f->toall, f->rootvecs[k], f->Xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(f->toall, f->rootvecs[k], f->Xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(f->Xall, &x));
    PetscCall(PetscArraycpy(f->roots + k * m, x, m));
    for (PetscInt j = 0; j < f->n; j++) f->model->coupling(f->model->ctx, x + j * ns, f->theta + j * f->model->nparam, f->c + j * f->model->ncoupling);
    if (dist) PetscCall(NMFPEigenvaluesDist(f, x, re, im));
    else {
      for (PetscInt g = f->rstart; g < f->rend; g++) PetscCall(NMFPJacobianRows(f, x, g, rows + (g - f->rstart) * ns * m));
      PetscCallMPI(MPI_Gatherv(rows, (PetscMPIInt)(nl * m), MPIU_REAL, J, counts, displs, MPIU_REAL, 0, f->comm));
      if (!rank) {
        lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)m, J, (lapack_int)m, re, im, NULL, 1, NULL, 1);
        PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgeev failed (info %d) at root %" PetscInt_FMT, (int)info, k);
      }
    }
    PetscCall(VecRestoreArrayRead(f->Xall, &x));
    if (!rank) NMFPSortEigenvalues(m, re, im, pairs);
    PetscCallMPI(MPI_Bcast(re, (PetscMPIInt)m, MPIU_REAL, 0, f->comm));
    PetscCallMPI(MPI_Bcast(im, (PetscMPIInt)m, MPIU_REAL, 0, f->comm));
  }
  PetscCall(PetscLogEventEnd(NM_EVENT_FPEigenvalues, 0, 0, 0, 0));
  PetscCall(PetscFree3(rows, counts, displs));
  PetscCall(PetscFree(pairs));
  PetscCall(PetscFree(J));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsView(NMFixedPoints f, PetscViewer viewer)
{
  const PetscInt m = f->n * f->model->nstate;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "fixed points of %" PetscInt_FMT " %s nodes (G %g): %" PetscInt_FMT " roots from %" PetscInt_FMT " solves (%" PetscInt_FMT " converged, %.1f Newton iterations each), deflation %s\n", f->n, f->model->name, (double)f->G, f->nroots, f->solves, f->converged, f->solves ? (double)f->iterations / f->solves : 0.0, f->deflate ? "on" : "off"));
  for (PetscInt k = 0; k < f->nroots && k < 20; k++) {
    NMFixedPointClass cls;
    PetscInt          unstable;
    PetscReal         maxre, freq;
    PetscCall(NMFixedPointClassify(m, f->re + k * m, f->im + k * m, &cls, &unstable, &maxre, &freq));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  root %" PetscInt_FMT ": %s, %" PetscInt_FMT " unstable directions, max Re lambda %.4g, leading frequency %.4g Hz\n", k, NMFixedPointClasses[cls], unstable, (double)maxre, (double)freq));
    if (f->delay_check) {
      const PetscReal *d = f->delay + k * (4 + 2 * f->delay_nroots);
      PetscCall(PetscViewerASCIIPrintf(viewer, "    with delays: %s, %" PetscInt_FMT " unstable roots, max Re lambda %.4g, frequency %.4g Hz\n", NMFixedPointClasses[(PetscInt)d[0]], (PetscInt)d[1], (double)d[2], (double)d[3]));
    }
  }
  for (PetscInt k = 0; k < f->nspecial; k++) {
    if (f->special[5 * k] == 0) PetscCall(PetscViewerASCIIPrintf(viewer, "  fold at %s = %.10g\n", f->cont_param, (double)f->special[5 * k + 2]));
    else PetscCall(PetscViewerASCIIPrintf(viewer, "  Hopf point at %s = %.10g, frequency %.4g Hz\n", f->cont_param, (double)f->special[5 * k + 2], (double)f->special[5 * k + 3]));
  }
  if (f->dynamics) {
    static const char *const classes[] = {"monostable", "multistable", "unsteady"};
    PetscInt                 count[3] = {0, 0, 0};
    for (PetscInt s = 0; s < f->dyn_starts; s++) count[(PetscInt)f->dyn[4 * s]]++;
    PetscCall(PetscViewerASCIIPrintf(viewer, "  dynamics from %" PetscInt_FMT " starts: %" PetscInt_FMT " to a fixed point, %" PetscInt_FMT " periodic, %" PetscInt_FMT " unsteady: %s\n", f->dyn_starts, count[0], count[1], count[2], classes[f->dyn_class]));
  }
  if (f->exhausted) PetscCall(PetscViewerASCIIPrintf(viewer, "  stopped: %" PetscInt_FMT " consecutive starts found nothing new (the set is not proven complete)\n", f->patience));
  else PetscCall(PetscViewerASCIIPrintf(viewer, "  stopped after all %" PetscInt_FMT " starts; more starts may find more roots\n", f->starts));
  PetscCall(PetscViewerASCIIPrintf(viewer, f->delay_check ? "  stability of the delay-free system, and with the network's mean delays (-fp_delay_stability)\n" : "  stability is that of the delay-free system (-fp_delay_stability checks it with the delays)\n"));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsWrite(NMFixedPoints f, const char path[])
{
  const PetscInt    ns = f->model->nstate, m = f->n * ns, R = f->nroots;
  NMFile            file;
  PetscMPIInt       rank;
  const PetscInt    rdims[3] = {R, f->n, ns};
  const char *const rnames[] = {"root", "region", "state"};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCall(NMFileCreate(f->comm, path, NM_FORMAT_FIXEDPOINTS, &file));
  PetscCall(NMFileSetAttributeString(file, "/", "model", f->model->name));
  PetscCall(NMFileSetAttributeReal(file, "/", "G", f->G));
  PetscCall(NMFileSetAttributeInt(file, "/", "n_roots", R));
  PetscCall(NMFileSetAttributeInt(file, "/", "solves", f->solves));
  PetscCall(NMFileSetAttributeInt(file, "/", "converged", f->converged));
  PetscCall(NMFileSetAttributeInt(file, "/", "newton_iterations", f->iterations));
  PetscCall(NMFileSetAttributeInt(file, "/", "deflation", f->deflate));
  PetscCall(NMFileSetAttributeString(file, "/", "completeness", f->exhausted ? "search stopped after consecutive starts found nothing new; not proven complete" : "all starts used; not proven complete"));
  PetscCall(NMFileSetAttributeString(file, "/", "stability", "eigenvalues of the Jacobian of the delay-free system"));
  if (R > 0) {
    /* small results: rank 0 writes every row */
    PetscCall(NMFileWriteReal(file, "roots", 3, rdims, rnames, NULL, 0, rank ? 0 : R, f->roots));
    PetscCall(NMFixedPointsWriteStability(f->comm, file, "root", R, m, f->re, f->im));
    if (f->delay_check) PetscCall(NMFixedPointsWriteDelayStability(f, file));
  }
  if (f->cont) PetscCall(NMFixedPointsWriteBranches(f, file));
  if (f->dynamics) {
    const PetscInt    ddims[2] = {f->dyn_starts, 4};
    const char *const dnames[] = {"start", "outcome_root_period_spread"};
    static const char *const classes[] = {"monostable", "multistable", "unsteady"};
    PetscCall(NMFileWriteReal(file, "dynamics", 2, ddims, dnames, NULL, 0, rank ? 0 : f->dyn_starts, f->dyn));
    PetscCall(NMFileSetAttributeString(file, "dynamics", "columns", "outcome (0 fixed point, 1 periodic, 2 unsteady), root reached (-1: none of the roots found), period (s), largest distance to the end point over the last 10 %"));
    PetscCall(NMFileSetAttributeString(file, "/", "dynamics_class", classes[f->dyn_class]));
  }
  PetscCall(NMFileCommit(&file));
  PetscFunctionReturn(0);
}
