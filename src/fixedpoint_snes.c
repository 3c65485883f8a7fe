#include <netmass/fixedpoint.h>
#include <netmass/h5file.h>
#include <netmass/rng.h>
#include <netmass/simulator.h>
#include <netmass/sys.h>
#include "fixedpoint_impl.h"

const char *const NMFPStartKinds[] = {"box", "uncoupled", "relax", "NMFPStartKind", "NM_FP_START_", NULL};

PetscErrorCode NMFixedPointsCreate(MPI_Comm comm, NMFixedPoints *fp)
{
  NMFixedPoints f;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&f));
  f->comm     = comm;
  f->starts   = 100;
  f->box[0]   = -2;
  f->box[1]   = 2;
  f->patience = 20;
  f->node_starts = 20;
  f->nkinds   = 1;
  f->kinds[0] = NM_FP_START_BOX;
  f->max_solves = 1000;
  f->power    = 2;
  f->shift    = 1;
  f->deflate  = PETSC_TRUE;
  f->merge    = 1e-4;
  f->cont_ds     = 1e-3;
  f->cont_ds_max = 0.05;
  f->cont_tol    = 1e-8;
  f->cont_steps  = 2000;
  f->cont_search_starts = 10;
  f->cont_max_branches  = 100;
  f->dyn_starts     = 20;
  f->dyn_dt         = 0.05;
  f->relax_dt       = 1e-3;
  f->dyn_t[0]       = 400;
  f->dyn_t[1]       = 1200;
  f->dyn_tol        = 1e-3;
  f->dyn_period_tol = 0.1;
  f->dyn_integrator = NM_INTEGRATOR_HEUN;
  f->eig_threshold  = 5000;
  f->delay_points   = 16;
  f->delay_max_size = 4000;
  f->delay_nroots   = 6;
  *fp         = f;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsDestroy(NMFixedPoints *fp)
{
  NMFixedPoints f = *fp;

  PetscFunctionBeginUser;
  if (!f) PetscFunctionReturn(0);
  PetscCall(SNESDestroy(&f->snes));
  PetscCall(MatDestroy(&f->J));
  PetscCall(VecDestroy(&f->X));
  PetscCall(VecDestroy(&f->R));
  PetscCall(VecDestroy(&f->Xall));
  PetscCall(VecScatterDestroy(&f->toall));
  PetscCall(VecDestroyVecs(f->nroots, &f->rootvecs));
  PetscCall(PetscFree3(f->roots, f->re, f->im));
  PetscCall(PetscFree2(f->c, f->scale));
  PetscCall(PetscFree(f->rowsum));
  PetscCall(PetscFree(f->theta));
  PetscCall(PetscFree(f->node_off));
  PetscCall(PetscFree(f->node_roots));
  for (PetscInt k = 0; k < f->grid.np; k++) PetscCall(PetscFree(f->grid.names[k]));
  PetscCall(PetscFree(f->pts)); /* allocated and grown separately, so freed separately */
  PetscCall(PetscFree(f->special));
  PetscCall(PetscFree(f->dyn));
  PetscCall(PetscFree(f->delay));
  PetscCall(NMSimulatorDestroy(&f->sim));
  PetscCall(NMDistGridDestroy(&f->eig_grid));
  PetscCall(PetscFree(*fp));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsSetFromOptions(NMFixedPoints f)
{
  PetscInt  nbox = 2, nrange = 2, nhor = 2;
  PetscInt  nkinds = 3;
  PetscBool kindset, boxset, rangeset = PETSC_FALSE, horset = PETSC_FALSE, maxset = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(NMSimulatorCreate(f->comm, &f->sim));
  PetscCall(NMSimulatorSetFromOptions(f->sim));
  PetscCall(NMGetSeed(&f->seed));
  PetscOptionsBegin(f->comm, NULL, "netmass fixedpoints: search", "netmass");
  PetscCall(PetscOptionsInt("-fp_starts", "Largest number of start points", NULL, f->starts, &f->starts, NULL));
  PetscCall(PetscOptionsRealArray("-fp_box", "Starts uniform in [lo, hi] per state, times the state's scale", NULL, f->box, &nbox, &boxset));
  PetscCall(PetscOptionsInt("-fp_max_solves", "Largest number of SNES solves", NULL, f->max_solves, &f->max_solves, NULL));
  PetscCall(PetscOptionsReal("-fp_start_relax", "Relax each start by this much noise-free, delay-free dynamics before Newton (s; 0: solve from the box)", NULL, f->relax, &f->relax, NULL));
  PetscCall(PetscOptionsReal("-fp_start_relax_dt", "Time step of that relaxation (s)", NULL, f->relax_dt, &f->relax_dt, NULL));
  PetscCall(PetscOptionsEnumArray("-fp_start_kinds", "Kinds of start, used in turn: box (uniform in -fp_box), uncoupled (a combination of the uncoupled nodes' equilibria), relax (a box start after -fp_start_relax s of dynamics)", NULL, NMFPStartKinds, (PetscEnum *)f->kinds, &nkinds, &kindset));
  PetscCall(PetscOptionsInt("-fp_node_starts", "Starts of the deflated search for the equilibria of one uncoupled node", NULL, f->node_starts, &f->node_starts, NULL));
  PetscCall(PetscOptionsInt("-fp_patience", "Stop after this many consecutive starts that find nothing new", NULL, f->patience, &f->patience, NULL));
  PetscCall(PetscOptionsBool("-fp_deflation", "Deflate the roots already found (Farrell et al. 2015)", NULL, f->deflate, &f->deflate, NULL));
  PetscCall(PetscOptionsReal("-fp_deflation_power", "p of the deflation operator prod(|x - r|^-p + alpha)", NULL, f->power, &f->power, NULL));
  PetscCall(PetscOptionsReal("-fp_deflation_shift", "alpha of the deflation operator", NULL, f->shift, &f->shift, NULL));
  PetscCall(PetscOptionsString("-cont_parameter", "Continue every root in G or in a model parameter (e.g. w, I_o, mu_ste); empty: no continuation", NULL, f->cont_param, f->cont_param, sizeof(f->cont_param), &f->cont));
  PetscCall(PetscOptionsRealArray("-cont_range", "Range lo,hi of the continued parameter", NULL, f->cont_range, &nrange, &rangeset));
  PetscCall(PetscOptionsReal("-cont_ds", "First pseudo-arclength step", NULL, f->cont_ds, &f->cont_ds, NULL));
  PetscCall(PetscOptionsReal("-cont_ds_max", "Largest pseudo-arclength step", NULL, f->cont_ds_max, &f->cont_ds_max, NULL));
  PetscCall(PetscOptionsInt("-cont_steps", "Largest number of steps per branch and direction", NULL, f->cont_steps, &f->cont_steps, NULL));
  PetscCall(PetscOptionsInt("-cont_search_every", "Every this many steps of a branch, a deflated search for roots off the branches (0: none)", NULL, f->cont_search_every, &f->cont_search_every, NULL));
  PetscCall(PetscOptionsInt("-cont_search_starts", "Starts of each search during continuation", NULL, f->cont_search_starts, &f->cont_search_starts, NULL));
  PetscCall(PetscOptionsInt("-cont_max_branches", "Largest number of roots followed (initial roots and those the searches find)", NULL, f->cont_max_branches, &f->cont_max_branches, NULL));
  PetscCall(PetscOptionsReal("-cont_tol", "Folds and Hopf points are located to this accuracy in the parameter", NULL, f->cont_tol, &f->cont_tol, NULL));
  PetscCall(PetscOptionsBool("-fp_dynamics", "Check the dynamics from random starts by noise-free simulation (Sip et al.)", NULL, f->dynamics, &f->dynamics, NULL));
  PetscCall(PetscOptionsInt("-fp_dynamics_starts", "Starts of the dynamics check", NULL, f->dyn_starts, &f->dyn_starts, NULL));
  PetscCall(PetscOptionsReal("-fp_dynamics_dt", "Time step of the dynamics check (s)", NULL, f->dyn_dt, &f->dyn_dt, NULL));
  PetscCall(PetscOptionsRealArray("-fp_dynamics_horizons", "First and longer horizon T1,T2 (s)", NULL, f->dyn_t, &nhor, &horset));
  PetscCall(PetscOptionsReal("-fp_dynamics_tol", "Converged if the last 10 % stays this close to the end point", NULL, f->dyn_tol, &f->dyn_tol, NULL));
  PetscCall(PetscOptionsReal("-fp_dynamics_period_tol", "A record repeating itself this closely is a periodic orbit", NULL, f->dyn_period_tol, &f->dyn_period_tol, NULL));
  PetscCall(PetscOptionsEnum("-fp_dynamics_integrator", "Integrator of the dynamics check", NULL, NMIntegratorTypes, (PetscEnum)f->dyn_integrator, (PetscEnum *)&f->dyn_integrator, NULL));
  PetscCall(PetscOptionsReal("-fp_max_step", "Largest Newton step, max norm (0: none; default half the box width times the state scale)", NULL, f->max_step, &f->max_step, &maxset));
  PetscCall(PetscOptionsReal("-fp_merge_tol", "Roots closer than this (scaled max norm) are one root", NULL, f->merge, &f->merge, NULL));
  PetscCall(PetscOptionsEnum("-fp_eig", "Eigenvalues at the roots: auto (ScaLAPACK for large problems on several ranks), dgeev (LAPACK on rank 0), scalapack", NULL, NMFPEigMethods, (PetscEnum)f->eig_method, (PetscEnum *)&f->eig_method, NULL));
  PetscCall(PetscOptionsInt("-fp_eig_scalapack_threshold", "-fp_eig auto: ScaLAPACK from this many unknowns on when the problem has more than one rank (0: always)", NULL, f->eig_threshold, &f->eig_threshold, NULL));
  PetscCall(PetscOptionsBool("-fp_delay_stability", "Also the stability with the network's delays: rightmost roots of the delay characteristic equation", NULL, f->delay_check, &f->delay_check, NULL));
  PetscCall(PetscOptionsInt("-fp_delay_points", "Chebyshev collocation intervals on [-max delay, 0] of the delay check", NULL, f->delay_points, &f->delay_points, NULL));
  PetscCall(PetscOptionsInt("-fp_delay_max_size", "Largest discretised delay generator (unknowns x (points + 1)) the delay check builds", NULL, f->delay_max_size, &f->delay_max_size, NULL));
  PetscCall(PetscOptionsInt("-fp_delay_roots", "Rightmost characteristic roots written per equilibrium", NULL, f->delay_nroots, &f->delay_nroots, NULL));
  PetscOptionsEnd();
  PetscCheck(f->delay_points >= 2 && f->delay_max_size >= 1 && f->delay_nroots >= 1, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_delay_points must be >= 2, -fp_delay_max_size and -fp_delay_roots >= 1");
  PetscCheck(f->eig_threshold >= 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_eig_scalapack_threshold %" PetscInt_FMT " must be >= 0", f->eig_threshold);
  /* the process grid of the ScaLAPACK eigenvalues: -fp_eig_grid Px1 (all ranks in one
     process column: pdlahqr is wrong on more), -fp_eig_block (default 0: chosen at SetUp
     from the problem's size) */
  PetscCall(NMDistGridCreate(f->comm, &f->eig_grid));
  PetscCall(NMDistGridSetOptionsName(f->eig_grid, "fp_eig"));
  {
    PetscMPIInt size;
    PetscCallMPI(MPI_Comm_size(f->comm, &size));
    PetscCall(NMDistGridSetShape(f->eig_grid, size, 1));
  }
  PetscCall(NMDistGridSetBlockSize(f->eig_grid, 0));
  PetscCall(NMDistGridSetFromOptions(f->eig_grid));
  PetscCheck(f->relax >= 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_start_relax %g s must be >= 0", (double)f->relax);
  PetscCheck(f->relax_dt > 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_start_relax_dt %g s must be positive", (double)f->relax_dt);
  if (kindset) f->nkinds = nkinds;
  else if (f->relax > 0) f->kinds[0] = NM_FP_START_RELAX; /* -fp_start_relax alone: relax every start */
  PetscCheck(!kindset || nkinds >= 1, f->comm, PETSC_ERR_ARG_WRONG, "-fp_start_kinds needs a list of box, uncoupled, relax");
  for (PetscInt k = 0; k < f->nkinds; k++) PetscCheck(f->kinds[k] != NM_FP_START_RELAX || f->relax > 0, f->comm, PETSC_ERR_ARG_WRONG, "-fp_start_kinds relax needs -fp_start_relax T > 0 (seconds of dynamics)");
  PetscCheck(f->node_starts >= 1, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_node_starts %" PetscInt_FMT " must be >= 1", f->node_starts);
  PetscCheck(f->starts >= 1, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_starts %" PetscInt_FMT " must be >= 1", f->starts);
  PetscCheck(!boxset || (nbox == 2 && f->box[0] < f->box[1]), f->comm, PETSC_ERR_ARG_WRONG, "-fp_box needs lo,hi with lo < hi");
  PetscCheck(f->patience >= 1, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_patience %" PetscInt_FMT " must be >= 1", f->patience);
  PetscCheck(f->power > 0 && f->shift >= 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_deflation_power must be > 0 and -fp_deflation_shift >= 0");
  PetscCheck(f->merge > 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_merge_tol %g must be positive", (double)f->merge);
  f->cont = (PetscBool)(f->cont && f->cont_param[0]);
  if (!maxset) f->max_step = 0.5 * (f->box[1] - f->box[0]);
  PetscCheck(f->max_step >= 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_max_step %g must be >= 0", (double)f->max_step);
  PetscCheck(!horset || (nhor == 2 && f->dyn_t[0] > 0 && f->dyn_t[1] >= f->dyn_t[0]), f->comm, PETSC_ERR_ARG_WRONG, "-fp_dynamics_horizons needs T1,T2 with 0 < T1 <= T2");
  PetscCheck(f->dyn_starts >= 1 && f->dyn_dt > 0 && f->dyn_tol > 0 && f->dyn_period_tol > 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_dynamics_starts, _dt, _tol and _period_tol must be positive");
  PetscCheck(!f->cont || (rangeset && nrange == 2 && f->cont_range[0] < f->cont_range[1]), f->comm, PETSC_ERR_ARG_WRONG, "-cont_range needs lo,hi with lo < hi (the G or parameter range to follow the roots over)");
  PetscCheck(f->cont_search_every >= 0 && f->cont_search_starts >= 1 && f->cont_max_branches >= 1, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-cont_search_every must be >= 0, -cont_search_starts and -cont_max_branches >= 1");
  PetscCheck(f->cont_ds > 0 && f->cont_ds_max >= f->cont_ds && f->cont_tol > 0 && f->cont_steps > 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-cont_ds, -cont_ds_max (>= -cont_ds), -cont_tol and -cont_steps must be positive");
  PetscCall(NMFPNodeGridFromOptions(f));
  /* the solver's own options (-fp_snes_*, -fp_ksp_*, -fp_pc_*), read now so that -help
     lists them and unknown ones are caught before any work; tolerances tighter than the
     1e-6 of Sip et al. by default */
  {
    SNESLineSearch ls;
    PetscCall(SNESCreate(f->comm, &f->snes));
    PetscCall(SNESSetOptionsPrefix(f->snes, "fp_"));
    PetscCall(SNESSetTolerances(f->snes, 1e-12, 1e-10, 1e-12, 50, 10000));
    PetscCall(SNESGetLineSearch(f->snes, &ls));
    /* the l2 line search (a secant minimisation of the residual along the step) keeps
       Newton from cycling (e.g. around a Stuart-Landau limit cycle) and, unlike
       backtracking, does not undo the deflated step */
    PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHL2));
    /* direct solves with pivoting (MUMPS): node Jacobians have structural zeros on the
       diagonal (y' = z) that break ILU and PETSc's unpivoted LU */
    {
      KSP ksp;
      PC  pc;
      PetscCall(SNESGetKSP(f->snes, &ksp));
      PetscCall(KSPSetType(ksp, KSPPREONLY));
      PetscCall(KSPGetPC(ksp, &pc));
      PetscCall(PCSetType(pc, PCLU));
      PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
    }
    PetscCall(SNESSetFromOptions(f->snes));
  }
  PetscFunctionReturn(0);
}

/* c(x) of every node from the full state. */
static void NMFPCouplingAll(NMFixedPoints f, const PetscReal x[])
{
  const NMModelType *m = f->model;
  for (PetscInt j = 0; j < f->n; j++) m->coupling(m->ctx, x + j * m->nstate, f->theta + j * m->nparam, f->c + j * m->ncoupling);
}

/* u_g = G sum_j W[g,j] c(x_j). */
static void NMFPInput(NMFixedPoints f, PetscInt g, PetscReal u[])
{
  const PetscInt nc = f->model->ncoupling;
  for (PetscInt k = 0; k < nc; k++) u[k] = 0;
  for (PetscInt j = 0; j < f->n; j++) {
    PetscReal w = f->W[g * f->n + j];
    if (w == 0) continue;
    for (PetscInt k = 0; k < nc; k++) u[k] += f->G * w * f->c[j * nc + k];
  }
}

static PetscErrorCode NMFPGather(NMFixedPoints f, Vec X, const PetscReal **xall)
{
  PetscFunctionBegin;
  PetscCall(VecScatterBegin(f->toall, X, f->Xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(f->toall, X, f->Xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(f->Xall, xall));
  PetscFunctionReturn(0);
}

/* F(X)_g = f(x_g, u_g; theta_g, self_g) for the owned nodes. */
static PetscErrorCode NMFPResidual(SNES snes, Vec X, Vec F, void *ctx)
{
  NMFixedPoints      f = (NMFixedPoints)ctx;
  const NMModelType *m = f->model;
  const PetscReal   *x;
  PetscReal         *r, u[16];

  PetscFunctionBegin;
  (void)snes;
  PetscCall(NMFPGather(f, X, &x));
  NMFPCouplingAll(f, x);
  PetscCall(VecGetArray(F, &r));
  for (PetscInt g = f->rstart; g < f->rend; g++) {
    NMFPInput(f, g, u);
    m->rhs(m->ctx, x + g * m->nstate, u, f->G * f->rowsum[g], f->theta + g * m->nparam, r + (g - f->rstart) * m->nstate);
  }
  PetscCall(VecRestoreArray(F, &r));
  PetscCall(VecRestoreArrayRead(f->Xall, &x));
  PetscFunctionReturn(0);
}

/* Row block g of dF/dX in two parts: the node's own df/dx (ns x ns, `local`, which
   carries no delay: the node's self term included) and the coupling blocks
   df/du G W[g,j] dc/dx_j of every emitter j, the self-connection included (ns x N, `row`,
   the part delayed by the tracts). */
PetscErrorCode NMFPJacobianParts(NMFixedPoints f, const PetscReal x[], PetscInt g, PetscReal local[], PetscReal row[])
{
  const NMModelType *m = f->model;
  const PetscInt     ns = m->nstate, nc = m->ncoupling, N = f->n * ns;
  PetscReal          u[16], B[256], C[256];

  PetscFunctionBegin;
  NMFPInput(f, g, u);
  PetscCall(PetscArrayzero(row, ns * N));
  m->jacobian(m->ctx, x + g * ns, u, f->G * f->rowsum[g], f->theta + g * m->nparam, local);
  m->input_jacobian(m->ctx, x + g * ns, u, f->theta + g * m->nparam, B);
  for (PetscInt j = 0; j < f->n; j++) {
    PetscReal w = f->W[g * f->n + j];
    if (w == 0) continue;
    m->coupling_jacobian(m->ctx, x + j * ns, f->theta + j * m->nparam, C);
    for (PetscInt a = 0; a < ns; a++)
      for (PetscInt b = 0; b < ns; b++) {
        PetscReal v = 0;
        for (PetscInt k = 0; k < nc; k++) v += B[a * nc + k] * C[k * ns + b];
        row[a * N + j * ns + b] += f->G * w * v;
      }
  }
  PetscFunctionReturn(0);
}

/* Block row g of dF/dX: both parts of NMFPJacobianParts summed. */
PetscErrorCode NMFPJacobianRows(NMFixedPoints f, const PetscReal x[], PetscInt g, PetscReal row[])
{
  const PetscInt ns = f->model->nstate, N = f->n * ns;
  PetscReal      A[256];

  PetscFunctionBegin;
  PetscCall(NMFPJacobianParts(f, x, g, A, row));
  for (PetscInt a = 0; a < ns; a++)
    for (PetscInt b = 0; b < ns; b++) row[a * N + g * ns + b] += A[a * ns + b];
  PetscFunctionReturn(0);
}

/* The whole network on every rank (continuation works on small dense systems). */
PetscErrorCode NMFPResidualDense(NMFixedPoints f, const PetscReal x[], PetscReal F[])
{
  const NMModelType *m = f->model;
  PetscReal          u[16];

  PetscFunctionBegin;
  NMFPCouplingAll(f, x);
  for (PetscInt g = 0; g < f->n; g++) {
    NMFPInput(f, g, u);
    m->rhs(m->ctx, x + g * m->nstate, u, f->G * f->rowsum[g], f->theta + g * m->nparam, F + g * m->nstate);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPJacobianDense(NMFixedPoints f, const PetscReal x[], PetscReal J[])
{
  const PetscInt ns = f->model->nstate, m = f->n * ns;

  PetscFunctionBegin;
  NMFPCouplingAll(f, x);
  for (PetscInt g = 0; g < f->n; g++) PetscCall(NMFPJacobianRows(f, x, g, J + g * ns * m));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFPJacobian(SNES snes, Vec X, Mat J, Mat P, void *ctx)
{
  NMFixedPoints      f  = (NMFixedPoints)ctx;
  const PetscInt     ns = f->model->nstate, N = f->n * ns;
  const PetscReal   *x;
  PetscReal         *row;
  PetscInt          *cols;

  PetscFunctionBegin;
  (void)snes;
  (void)J;
  PetscCall(NMFPGather(f, X, &x));
  NMFPCouplingAll(f, x);
  PetscCall(PetscMalloc2(ns * N, &row, N, &cols));
  for (PetscInt g = f->rstart; g < f->rend; g++) {
    PetscCall(NMFPJacobianRows(f, x, g, row));
    for (PetscInt a = 0; a < ns; a++) {
      PetscInt nz = 0, r = g * ns + a;
      /* the pattern of the preallocation: blocks where W[g,j] != 0 or j = g */
      for (PetscInt j = 0; j < f->n; j++) {
        if (j != g && f->W[g * f->n + j] == 0) continue;
        for (PetscInt b = 0; b < ns; b++) {
          cols[nz]       = j * ns + b;
          row[a * N + nz] = row[a * N + j * ns + b];
          nz++;
        }
      }
      PetscCall(MatSetValues(P, 1, &r, nz, cols, row + a * N, INSERT_VALUES));
    }
  }
  PetscCall(PetscFree2(row, cols));
  PetscCall(VecRestoreArrayRead(f->Xall, &x));
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* Deflation through the line-search pre-check (Farrell et al. 2015, eq. 3.7): for the
   deflated residual M(x) F(x), M = prod_i (|x - r_i|^-p + alpha), the Newton step is the
   Newton step of F scaled by 1 / (1 + grad(log M) . Y) (PETSc updates X <- X - Y). The
   basic (undamped) line search keeps the scaled step as it is. */
static PetscErrorCode NMFPDeflate(SNESLineSearch ls, Vec X, Vec Y, PetscBool *changed, void *ctx)
{
  NMFixedPoints f   = (NMFixedPoints)ctx;
  PetscReal     dot = 0;

  PetscFunctionBegin;
  (void)ls;
  *changed = PETSC_FALSE;
  if (!f->deflate_now || !f->nroots) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < f->nroots; i++) {
    PetscReal   dist;
    PetscScalar t;
    PetscCall(VecWAXPY(f->R, -1.0, f->rootvecs[i], X)); /* d = x - r_i */
    PetscCall(VecNorm(f->R, NORM_2, &dist));
    PetscCall(VecDot(f->R, Y, &t));
    dot += NMFPDeflationTerm(dist, PetscRealPart(t), f->power, f->shift);
  }
  if (1 + dot != 0) {
    PetscCall(VecScale(Y, 1 / (1 + dot)));
    *changed = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

/* The pre-check: deflation, then a cap on the step (a crude trust region: Newton from far
   starts otherwise leaves for regions where the models saturate and never returns). */
static PetscErrorCode NMFPPreCheck(SNESLineSearch ls, Vec X, Vec Y, PetscBool *changed, void *ctx)
{
  NMFixedPoints f = (NMFixedPoints)ctx;
  PetscReal     ymax;

  PetscFunctionBegin;
  PetscCall(NMFPDeflate(ls, X, Y, changed, ctx));
  PetscCall(VecNorm(Y, NORM_INFINITY, &ymax));
  if (f->max_step > 0 && ymax > f->max_step) {
    PetscCall(VecScale(Y, f->max_step / ymax));
    *changed = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsSetSubject(NMFixedPoints f, PetscInt subject, PetscReal eps)
{
  PetscFunctionBeginUser;
  PetscCheck(f->sim && !f->setup, f->comm, PETSC_ERR_ARG_WRONGSTATE, "NMFixedPointsSetSubject() goes between SetFromOptions() and SetUp()");
  PetscCall(NMSimulatorSetSubject(f->sim, subject, PETSC_DEFAULT, eps));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsSetUp(NMFixedPoints f)
{
  const NMModelType *m;
  NMConnectome       conn;
  PetscInt           ns, nlocal, *dnz, *onz;
  SNESLineSearch     ls;

  PetscFunctionBeginUser;
  if (f->setup) PetscFunctionReturn(0);
  PetscCall(NMSimulatorSetUp(f->sim));
  {
    const PetscReal *theta;
    PetscCall(NMSimulatorGetNetwork(f->sim, &m, &conn, &theta, &f->G));
    PetscCall(NMConnectomeGetSize(conn, &f->n));
    PetscCall(PetscMalloc1(f->n * m->nparam, &f->theta));
    PetscCall(PetscArraycpy(f->theta, theta, f->n * m->nparam));
  }
  f->model = m;
  ns       = m->nstate;
  PetscCheck(m->jacobian && m->input_jacobian && m->coupling_jacobian, f->comm, PETSC_ERR_SUP, "model %s has no analytic Jacobian; fixed points need one", m->name);
  PetscCheck(ns <= 16 && m->ncoupling <= 16, f->comm, PETSC_ERR_SUP, "model %s is too large for the fixed-point search", m->name);
  PetscCall(NMConnectomeGetArrays(conn, &f->W, NULL, NULL));
  PetscCall(PetscMalloc1(f->n, &f->rowsum));
  for (PetscInt g = 0; g < f->n; g++) {
    f->rowsum[g] = 0;
    for (PetscInt j = 0; j < f->n; j++) f->rowsum[g] += f->W[g * f->n + j];
  }
  PetscCall(PetscMalloc2(f->n * m->ncoupling, &f->c, ns, &f->scale));
  /* per-state scale of the start box: the magnitude of the uncoupled resting state */
  for (PetscInt k = 0; k < ns; k++) f->scale[k] = 1;

  /* nodes in contiguous blocks, as in the simulator */
  PetscCall(VecCreate(f->comm, &f->X));
  PetscCall(VecSetSizes(f->X, PETSC_DECIDE, f->n * ns));
  PetscCall(VecSetBlockSize(f->X, ns));
  PetscCall(VecSetFromOptions(f->X));
  PetscCall(VecGetLocalSize(f->X, &nlocal));
  PetscCheck(nlocal % ns == 0, f->comm, PETSC_ERR_PLIB, "a node's states were split between ranks");
  PetscCall(VecGetOwnershipRange(f->X, &f->rstart, &f->rend));
  f->rstart /= ns;
  f->rend /= ns;
  PetscCall(VecDuplicate(f->X, &f->R));
  PetscCall(VecScatterCreateToAll(f->X, &f->toall, &f->Xall));

  /* AIJ preallocated from the connectome: block (g, j) for W[g,j] != 0 and j = g */
  PetscCall(PetscCalloc2(nlocal, &dnz, nlocal, &onz));
  for (PetscInt g = f->rstart; g < f->rend; g++)
    for (PetscInt j = 0; j < f->n; j++)
      if (j == g || f->W[g * f->n + j] != 0)
        for (PetscInt a = 0; a < ns; a++) {
          if (j >= f->rstart && j < f->rend) dnz[(g - f->rstart) * ns + a] += ns;
          else onz[(g - f->rstart) * ns + a] += ns;
        }
  PetscCall(MatCreateAIJ(f->comm, nlocal, nlocal, PETSC_DETERMINE, PETSC_DETERMINE, 0, dnz, 0, onz, &f->J));
  PetscCall(PetscFree2(dnz, onz));

  PetscCall(SNESSetFunction(f->snes, f->R, NMFPResidual, f));
  PetscCall(SNESSetJacobian(f->snes, f->J, f->J, NMFPJacobian, f));
  PetscCall(SNESGetLineSearch(f->snes, &ls));
  PetscCall(SNESLineSearchSetPreCheck(ls, NMFPPreCheck, f));
  f->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsGetSNES(NMFixedPoints f, SNES *snes)
{
  PetscFunctionBegin;
  *snes = f->snes;
  PetscFunctionReturn(0);
}

/* Start s of every node: uniform in the box per state, keyed by (seed, start, node). */
void NMFPStartDense(NMFixedPoints f, PetscInt s, PetscReal x[])
{
  const PetscInt ns = f->model->nstate;

  for (PetscInt g = 0; g < f->n; g++) {
    NMRandomStream rs;
    NMRandomStreamInit(&rs, (uint64_t)f->seed, (uint32_t)g, (uint32_t)(NM_FP_STREAM + 256 * s));
    for (PetscInt k = 0; k < ns; k += 4) {
      double u[4];
      NMRandomUniform4(&rs, (uint64_t)(k / 4), u);
      for (PetscInt j = k; j < PetscMin(k + 4, ns); j++) x[g * ns + j] = f->scale[j] * (f->box[0] + (f->box[1] - f->box[0]) * u[j - k]);
    }
  }
}

/* Start s on the owned rows of X, of kind kinds[s % nkinds]. A relaxed start is relaxed
   for the first solve from it only: it sits on a root already found, from which a
   deflated re-solve cannot move. */
static PetscErrorCode NMFPStart(NMFixedPoints f, PetscInt s, PetscBool first)
{
  const PetscInt      ns   = f->model->nstate;
  const NMFPStartKind kind = f->kinds[s % f->nkinds];
  PetscReal          *x, *all;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(f->n * ns, &all));
  NMFPStartDense(f, s, all);
  if (kind == NM_FP_START_UNCOUPLED) NMFPStartUncoupled(f, s, all);
  if (kind == NM_FP_START_RELAX && first) PetscCall(NMFPRelaxStart(f, all));
  PetscCall(VecGetArray(f->X, &x));
  PetscCall(PetscArraycpy(x, all + f->rstart * ns, (f->rend - f->rstart) * ns));
  PetscCall(VecRestoreArray(f->X, &x));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

/* Index of the found root within the merge tolerance of X (scaled max norm), or -1. */
static PetscErrorCode NMFPFind(NMFixedPoints f, PetscInt *which)
{
  PetscFunctionBegin;
  *which = -1;
  for (PetscInt i = 0; i < f->nroots && *which < 0; i++) {
    PetscReal d, r;
    PetscCall(VecWAXPY(f->R, -1.0, f->rootvecs[i], f->X));
    PetscCall(VecNorm(f->R, NORM_INFINITY, &d));
    PetscCall(VecNorm(f->rootvecs[i], NORM_INFINITY, &r));
    if (d <= f->merge * PetscMax(1, r)) *which = i;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFPAddRoot(NMFixedPoints f)
{
  Vec *grown;

  PetscFunctionBegin;
  PetscCall(VecDuplicateVecs(f->X, f->nroots + 1, &grown));
  for (PetscInt i = 0; i < f->nroots; i++) PetscCall(VecCopy(f->rootvecs[i], grown[i]));
  PetscCall(VecCopy(f->X, grown[f->nroots]));
  PetscCall(VecDestroyVecs(f->nroots, &f->rootvecs));
  f->rootvecs = grown;
  f->nroots++;
  PetscFunctionReturn(0);
}

/* The search (Farrell et al.'s use of deflation): from each start, solve; after a new
   root, deflate it and solve again from the same start, until that start yields nothing
   new; then take the next start. Without deflation every start is solved once. Stops
   after -fp_patience starts in a row found nothing new, or -fp_max_solves solves. */
PetscErrorCode NMFixedPointsSolve(NMFixedPoints f)
{
  PetscInt idle = 0;

  PetscFunctionBeginUser;
  PetscCall(NMFixedPointsSetUp(f));
  for (PetscInt k = 0; k < f->nkinds; k++)
    if (f->kinds[k] == NM_FP_START_UNCOUPLED) PetscCall(NMFPUncoupledRoots(f));
  for (PetscInt s = 0; s < f->starts && idle < f->patience && f->solves < f->max_solves; s++) {
    PetscBool found = PETSC_FALSE, again = PETSC_TRUE, first = PETSC_TRUE;
    while (again && f->solves < f->max_solves) {
      SNESConvergedReason reason;
      PetscInt            which = -1, its;
      PetscCall(NMFPStart(f, s, first));
      /* a relaxed start lies in the basin of an attractor: its first solve is plain Newton
         (deflating the attractor already found would only push it out of its basin);
         the re-solves after a new root, from the raw start, are deflated */
      f->deflate_now = (PetscBool)(f->deflate && !(first && f->kinds[s % f->nkinds] == NM_FP_START_RELAX));
      first          = PETSC_FALSE;
      PetscCall(SNESSolve(f->snes, NULL, f->X));
      PetscCall(SNESGetConvergedReason(f->snes, &reason));
      PetscCall(SNESGetIterationNumber(f->snes, &its));
      f->solves++;
      f->iterations += its;
      again = PETSC_FALSE;
      if (reason == SNES_DIVERGED_LINEAR_SOLVE) {
        /* a singular Jacobian: this start fails. The failed MUMPS factorisation must be
           redone from its analysis, or the next solve reuses it and MUMPS stops. */
        KSP ksp;
        PC  pc;
        PetscCall(SNESGetKSP(f->snes, &ksp));
        PetscCall(KSPGetPC(ksp, &pc));
        PetscCall(PCReset(pc));
        f->singular++;
      }
      if (reason <= 0) continue;
      f->converged++;
      PetscCall(NMFPFind(f, &which));
      if (which >= 0) continue;
      PetscCall(NMFPAddRoot(f));
      found = PETSC_TRUE;
      again = f->deflate;
    }
    idle = found ? 0 : idle + 1;
  }
  f->exhausted = (PetscBool)(idle >= f->patience);
  PetscCheck(f->nroots || f->singular < f->solves, f->comm, PETSC_ERR_NOT_CONVERGED, "the Jacobian of model %s was singular at every one of the %" PetscInt_FMT " solves, and no root was found: its equilibria are not isolated (a continuum of them) or the model is degenerate at these parameters (e.g. a zero row in its Jacobian); change the model's parameters (or G), or the starts (-fp_box)", f->model->name, f->solves);
  PetscCall(NMFixedPointsStability(f));
  if (f->delay_check) PetscCall(NMFixedPointsDelayStability(f));
  if (f->dynamics) PetscCall(NMFixedPointsDynamics(f));
  if (f->cont) PetscCall(NMFixedPointsContinue(f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsGetSolves(NMFixedPoints f, PetscInt *solves)
{
  PetscFunctionBegin;
  *solves = f->solves;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsGetRoots(NMFixedPoints f, PetscInt *nroots, PetscInt *size)
{
  PetscFunctionBegin;
  *nroots = f->nroots;
  *size   = f->n * f->model->nstate;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsGetRoot(NMFixedPoints f, PetscInt k, const PetscReal **x, const PetscReal **re, const PetscReal **im)
{
  const PetscInt m = f->n * f->model->nstate;

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < f->nroots, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "root %" PetscInt_FMT " of %" PetscInt_FMT, k, f->nroots);
  if (x) *x = f->roots + k * m;
  if (re) *re = f->re + k * m;
  if (im) *im = f->im + k * m;
  PetscFunctionReturn(0);
}
