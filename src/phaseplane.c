/* The phase plane of one node model: its vector field on a grid of two states and its
   fixed points there (include/netmass/phaseplane.h). The grid is small (thousands of
   points), so every rank computes all of it and rank 0 writes it. */
#include <netmass/fixedpoint.h>
#include <netmass/h5file.h>
#include <netmass/phaseplane.h>
#include <netmass/sys.h>

/* Newton: at most this many iterations; converged when the step is below NM_PP_STEP_TOL
   times the grid width and the residual below NM_PP_RES_TOL times the largest |f| on the
   grid (a scale of the field in its own units). Points closer than NM_PP_MERGE_TOL grid
   widths are one. */
#define NM_PP_MAX_IT    50
#define NM_PP_STEP_TOL  1e-13
#define NM_PP_RES_TOL   1e-10
#define NM_PP_MERGE_TOL 1e-6

struct _n_NMPhasePlane {
  MPI_Comm           comm;
  const NMModelType *model;
  PetscReal         *theta, *hold, *input; /* nparam, nstate, ncoupling */
  PetscInt           ix, iy, gx, gy;
  PetscReal          range[4]; /* xlo, xhi, ylo, yhi */
  PetscReal         *x, *y, *fx, *fy;
  PetscInt           npoints;
  PetscReal         *xy, *re, *im; /* npoints x 2 each */
  PetscInt          *cls;
};

PetscErrorCode NMPhasePlaneCreate(MPI_Comm comm, NMPhasePlane *pp)
{
  NMPhasePlane p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  p->comm     = comm;
  p->model    = &NMModelHopf;
  p->ix       = 0;
  p->iy       = 1;
  p->gx       = 41;
  p->gy       = 41;
  p->range[0] = p->range[2] = -2;
  p->range[1] = p->range[3] = 2;
  *pp         = p;
  PetscFunctionReturn(0);
}

/* The model's default parameters and its initial state of an uncoupled node (model.h), no input. */
static PetscErrorCode NMPhasePlaneNodeDefaults(NMPhasePlane p)
{
  const NMModelType *m = p->model;

  PetscFunctionBeginUser;
  PetscCall(PetscFree3(p->theta, p->hold, p->input));
  PetscCall(PetscCalloc3(m->nparam, &p->theta, m->nstate, &p->hold, m->ncoupling, &p->input));
  for (PetscInt k = 0; k < m->nparam; k++) p->theta[k] = m->params[k].value;
  m->initial_state(m->ctx, p->theta, p->hold);
  PetscFunctionReturn(0);
}

/* The node's parameters (-<model>_<name>, one value for the node), the held states
   (-pp_hold, default the model's initial state of an uncoupled node) and the held network input (-pp_input). */
static PetscErrorCode NMPhasePlaneNodeOptions(NMPhasePlane p)
{
  const NMModelType *m = p->model;
  PetscInt           nhold = m->nstate + 1, ninput = m->ncoupling + 1; /* room for one too many */
  PetscReal         *hold, *input;
  PetscBool          sethold, setinput;

  PetscFunctionBeginUser;
  PetscCall(NMPhasePlaneNodeDefaults(p));
  PetscCall(PetscMalloc2(nhold, &hold, ninput, &input));
  PetscOptionsBegin(p->comm, NULL, "Node model parameters", "netmass");
  for (PetscInt k = 0; k < m->nparam; k++) {
    char opt[96], help[256];
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s_%s", m->name, m->params[k].name));
    PetscCall(PetscSNPrintf(help, sizeof(help), "%s (%s)", m->params[k].description, m->params[k].units));
    PetscCall(PetscOptionsReal(opt, help, NULL, p->theta[k], &p->theta[k], NULL));
  }
  m->initial_state(m->ctx, p->theta, p->hold); /* the initial state for the parameters given */
  PetscCall(PetscArraycpy(hold, p->hold, m->nstate));
  PetscCall(PetscArraycpy(input, p->input, m->ncoupling));
  PetscCall(PetscOptionsRealArray("-pp_hold", "Values of all states (the plotted two are ignored); default: the model's initial state of an uncoupled node", NULL, hold, &nhold, &sethold));
  PetscCall(PetscOptionsRealArray("-pp_input", "Network input u held constant (one value per coupling channel)", NULL, input, &ninput, &setinput));
  PetscOptionsEnd();
  if (sethold && nhold == m->nstate) PetscCall(PetscArraycpy(p->hold, hold, nhold));
  if (setinput && ninput == m->ncoupling) PetscCall(PetscArraycpy(p->input, input, ninput));
  PetscCall(PetscFree2(hold, input));
  PetscCheck(!sethold || nhold == m->nstate, p->comm, PETSC_ERR_ARG_WRONG, "-pp_hold needs one value per state of model %s (%" PetscInt_FMT " values)", m->name, m->nstate);
  PetscCheck(!setinput || ninput == m->ncoupling, p->comm, PETSC_ERR_ARG_WRONG, "-pp_input needs one value per coupling channel of model %s (%" PetscInt_FMT " values)", m->name, m->ncoupling);
  PetscCall(NMModelCheckParams(p->comm, m, p->theta, "netmass phaseplane"));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneSetFromOptions(NMPhasePlane p)
{
  char      model[64];
  PetscInt  n = 5, grid[3] = {p->gx, p->gy, 0}; /* room for one value too many */
  PetscReal range[5];
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(model, p->model->name, sizeof(model)));
  PetscOptionsBegin(p->comm, NULL, "netmass phaseplane", "netmass");
  PetscCall(PetscOptionsString("-model", "Node model: zjr, hopf, pmfm, rww2, linear", NULL, model, model, sizeof(model), NULL));
  PetscCall(PetscOptionsInt("-pp_x", "Index of the state on the horizontal axis", NULL, p->ix, &p->ix, NULL));
  PetscCall(PetscOptionsInt("-pp_y", "Index of the state on the vertical axis", NULL, p->iy, &p->iy, NULL));
  PetscCall(PetscArraycpy(range, p->range, 4));
  PetscCall(PetscOptionsRealArray("-pp_range", "Plotted box xlo,xhi,ylo,yhi (units of the states)", NULL, range, &n, &set));
  PetscCheck(!set || (n == 4 && range[0] < range[1] && range[2] < range[3]), p->comm, PETSC_ERR_ARG_WRONG, "-pp_range needs four values xlo,xhi,ylo,yhi with xlo < xhi and ylo < yhi");
  PetscCall(PetscArraycpy(p->range, range, 4));
  n = 3;
  PetscCall(PetscOptionsIntArray("-pp_grid", "Grid points per axis: n (both axes) or nx,ny", NULL, grid, &n, &set));
  PetscCheck(!set || n <= 2, p->comm, PETSC_ERR_ARG_WRONG, "-pp_grid has %" PetscInt_FMT " values; give n or nx,ny", n);
  if (set && n == 1) grid[1] = grid[0];
  PetscCheck(grid[0] >= 3 && grid[1] >= 3, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "-pp_grid %" PetscInt_FMT ",%" PetscInt_FMT ": give at least 3 points per axis", grid[0], grid[1]);
  PetscOptionsEnd();
  p->gx = grid[0];
  p->gy = grid[1];
  PetscCall(NMModelFind(p->comm, model, &p->model));
  PetscCheck(p->model->nstate >= 2, p->comm, PETSC_ERR_ARG_WRONG, "-model %s has one state; a phase plane needs a model with two or more (hopf, rww2, zjr, linear)", p->model->name);
  PetscCheck(p->ix >= 0 && p->ix < p->model->nstate && p->iy >= 0 && p->iy < p->model->nstate && p->ix != p->iy, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "-pp_x %" PetscInt_FMT " -pp_y %" PetscInt_FMT ": model %s has states 0..%" PetscInt_FMT "; choose two different ones", p->ix, p->iy, p->model->name, p->model->nstate - 1);
  PetscCall(NMPhasePlaneNodeOptions(p));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneSetUp(NMPhasePlane p)
{
  PetscFunctionBeginUser;
  if (!p->theta) PetscCall(NMPhasePlaneNodeDefaults(p));
  PetscCall(PetscFree4(p->x, p->y, p->fx, p->fy));
  PetscCall(PetscMalloc4(p->gx, &p->x, p->gy, &p->y, p->gx * p->gy, &p->fx, p->gx * p->gy, &p->fy));
  for (PetscInt i = 0; i < p->gx; i++) p->x[i] = p->range[0] + (p->range[1] - p->range[0]) * i / (p->gx - 1);
  for (PetscInt j = 0; j < p->gy; j++) p->y[j] = p->range[2] + (p->range[3] - p->range[2]) * j / (p->gy - 1);
  PetscFunctionReturn(0);
}

/* f of the plane at (a, b): the node's rhs with the plotted states set to (a, b), the
   others held, the input held, no self-coupling (an isolated node); with J, the plane's
   2 x 2 block of the analytic Jacobian (row-major). state and full are scratch arrays of
   nstate and nstate^2 values. */
static void NMPhasePlaneEval(NMPhasePlane p, PetscReal a, PetscReal b, PetscReal state[], PetscReal full[], PetscReal f[2], PetscReal J[4])
{
  const NMModelType *m = p->model;
  const PetscInt     ns = m->nstate;

  for (PetscInt k = 0; k < ns; k++) state[k] = p->hold[k];
  state[p->ix] = a;
  state[p->iy] = b;
  m->rhs(m->ctx, state, p->input, 0, p->theta, full);
  f[0] = full[p->ix];
  f[1] = full[p->iy];
  if (!J) return;
  m->jacobian(m->ctx, state, p->input, 0, p->theta, full);
  J[0] = full[p->ix * ns + p->ix];
  J[1] = full[p->ix * ns + p->iy];
  J[2] = full[p->iy * ns + p->ix];
  J[3] = full[p->iy * ns + p->iy];
}

/* Eigenvalues of the 2 x 2 matrix J, decreasing real part (of a complex pair, the one
   with positive imaginary part first). Real roots by the cancellation-free formula. */
static void NMEigen2(const PetscReal J[4], PetscReal re[2], PetscReal im[2])
{
  const PetscReal h = 0.5 * (J[0] + J[3]), det = J[0] * J[3] - J[1] * J[2], disc = h * h - det;

  if (disc < 0) {
    re[0] = re[1] = h;
    im[0]         = PetscSqrtReal(-disc);
    im[1]         = -im[0];
    return;
  }
  {
    const PetscReal q = h + (h >= 0 ? 1 : -1) * PetscSqrtReal(disc), other = q != 0 ? det / q : 0;
    re[0] = PetscMax(q, other);
    re[1] = PetscMin(q, other);
    im[0] = im[1] = 0;
  }
}

/* 2-D Newton from (xy[0], xy[1]); returns whether it converged. */
static PetscBool NMPhasePlaneNewton(NMPhasePlane p, PetscReal fscale, PetscReal xy[2], PetscReal state[], PetscReal full[])
{
  const PetscReal wx = p->range[1] - p->range[0], wy = p->range[3] - p->range[2];

  for (PetscInt it = 0; it < NM_PP_MAX_IT; it++) {
    PetscReal f[2], J[4], det, dx, dy;
    NMPhasePlaneEval(p, xy[0], xy[1], state, full, f, J);
    if (PetscIsInfOrNanReal(f[0]) || PetscIsInfOrNanReal(f[1])) return PETSC_FALSE;
    det = J[0] * J[3] - J[1] * J[2];
    if (det == 0 || PetscIsInfOrNanReal(det)) return PETSC_FALSE;
    dx = (J[3] * f[0] - J[1] * f[1]) / det;
    dy = (J[0] * f[1] - J[2] * f[0]) / det;
    xy[0] -= dx;
    xy[1] -= dy;
    if (PetscAbsReal(dx) <= NM_PP_STEP_TOL * wx && PetscAbsReal(dy) <= NM_PP_STEP_TOL * wy) {
      NMPhasePlaneEval(p, xy[0], xy[1], state, full, f, NULL);
      return (PetscBool)(PetscMax(PetscAbsReal(f[0]), PetscAbsReal(f[1])) <= NM_PP_RES_TOL * fscale);
    }
  }
  return PETSC_FALSE;
}

/* Keep xy if it lies in the plotted box and is not a point already found (p->xy has
   room for one point per grid cell, the most there can be). */
static void NMPhasePlaneAddPoint(NMPhasePlane p, const PetscReal xy[2])
{
  const PetscReal wx = p->range[1] - p->range[0], wy = p->range[3] - p->range[2];

  if (xy[0] < p->range[0] - NM_PP_MERGE_TOL * wx || xy[0] > p->range[1] + NM_PP_MERGE_TOL * wx) return;
  if (xy[1] < p->range[2] - NM_PP_MERGE_TOL * wy || xy[1] > p->range[3] + NM_PP_MERGE_TOL * wy) return;
  for (PetscInt k = 0; k < p->npoints; k++)
    if (PetscAbsReal(p->xy[2 * k] - xy[0]) <= NM_PP_MERGE_TOL * wx && PetscAbsReal(p->xy[2 * k + 1] - xy[1]) <= NM_PP_MERGE_TOL * wy) return;
  p->xy[2 * p->npoints]     = xy[0];
  p->xy[2 * p->npoints + 1] = xy[1];
  p->npoints++;
}

/* Does the grid cell with lower-left corner (i, j) contain a zero of g (a sign change
   over its corners, a zero corner included)? */
static PetscBool NMCellHasZero(const PetscReal g[], PetscInt gx, PetscInt i, PetscInt j)
{
  const PetscReal c[4] = {g[j * gx + i], g[j * gx + i + 1], g[(j + 1) * gx + i], g[(j + 1) * gx + i + 1]};
  PetscReal       lo = c[0], hi = c[0];

  for (PetscInt k = 1; k < 4; k++) {
    lo = PetscMin(lo, c[k]);
    hi = PetscMax(hi, c[k]);
  }
  return (PetscBool)(lo <= 0 && hi >= 0);
}

PetscErrorCode NMPhasePlaneCompute(NMPhasePlane p)
{
  const NMModelType *m = p->model;
  PetscReal         *state, *full, fscale = 0;

  PetscFunctionBeginUser;
  PetscCheck(p->x, p->comm, PETSC_ERR_ORDER, "call NMPhasePlaneSetUp() before NMPhasePlaneCompute()");
  PetscCall(PetscMalloc2(m->nstate, &state, m->nstate * m->nstate, &full));
  for (PetscInt j = 0; j < p->gy; j++)
    for (PetscInt i = 0; i < p->gx; i++) {
      PetscReal f[2];
      NMPhasePlaneEval(p, p->x[i], p->y[j], state, full, f, NULL);
      PetscCheck(!PetscIsInfOrNanReal(f[0]) && !PetscIsInfOrNanReal(f[1]), p->comm, PETSC_ERR_FP, "model %s: the vector field at (%g, %g) is not finite; choose a smaller -pp_range", m->name, (double)p->x[i], (double)p->y[j]);
      p->fx[j * p->gx + i] = f[0];
      p->fy[j * p->gx + i] = f[1];
      fscale               = PetscMax(fscale, PetscMax(PetscAbsReal(f[0]), PetscAbsReal(f[1])));
    }
  if (fscale == 0) fscale = 1; /* a field vanishing everywhere on the grid */
  PetscCall(PetscFree(p->xy));
  PetscCall(PetscMalloc1(2 * (p->gx - 1) * (p->gy - 1), &p->xy));
  p->npoints = 0;
  for (PetscInt j = 0; j + 1 < p->gy; j++)
    for (PetscInt i = 0; i + 1 < p->gx; i++) {
      PetscReal xy[2] = {0.5 * (p->x[i] + p->x[i + 1]), 0.5 * (p->y[j] + p->y[j + 1])};
      if (!NMCellHasZero(p->fx, p->gx, i, j) || !NMCellHasZero(p->fy, p->gx, i, j)) continue;
      if (NMPhasePlaneNewton(p, fscale, xy, state, full)) NMPhasePlaneAddPoint(p, xy);
    }
  PetscCall(PetscFree3(p->re, p->im, p->cls));
  PetscCall(PetscMalloc3(2 * p->npoints, &p->re, 2 * p->npoints, &p->im, p->npoints, &p->cls));
  for (PetscInt k = 0; k < p->npoints; k++) {
    PetscReal         f[2], J[4], maxre, freq;
    PetscInt          unstable;
    NMFixedPointClass cls;
    NMPhasePlaneEval(p, p->xy[2 * k], p->xy[2 * k + 1], state, full, f, J);
    NMEigen2(J, p->re + 2 * k, p->im + 2 * k);
    PetscCall(NMFixedPointClassify(2, p->re + 2 * k, p->im + 2 * k, &cls, &unstable, &maxre, &freq));
    p->cls[k] = cls;
  }
  PetscCall(PetscFree2(state, full));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneView(NMPhasePlane p, PetscViewer viewer)
{
  const NMModelType *m = p->model;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "phase plane of one %s node: %s in [%g, %g] x %s in [%g, %g], grid %" PetscInt_FMT " x %" PetscInt_FMT "\n", m->name, m->state_names[p->ix], (double)p->range[0], (double)p->range[1], m->state_names[p->iy], (double)p->range[2], (double)p->range[3], p->gx, p->gy));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  %" PetscInt_FMT " fixed point(s) in the box (Newton from the cells both nullclines cross):\n", p->npoints));
  for (PetscInt k = 0; k < p->npoints; k++)
    PetscCall(PetscViewerASCIIPrintf(viewer, "    (%.10g, %.10g): %s, eigenvalues %.10g%+.10gi, %.10g%+.10gi (1/s)\n", (double)p->xy[2 * k], (double)p->xy[2 * k + 1], NMFixedPointClasses[p->cls[k]], (double)p->re[2 * k], (double)p->im[2 * k], (double)p->re[2 * k + 1], (double)p->im[2 * k + 1]));
  PetscFunctionReturn(0);
}

/* "1/s" for a dimensionless state, "<units>/s" otherwise: the units of dx/dt. */
static PetscErrorCode NMRateUnits(const char units[], char rate[], size_t len)
{
  PetscFunctionBeginUser;
  if (!strcmp(units, "1")) PetscCall(NMFormat(rate, len, "1/s"));
  else PetscCall(NMFormat(rate, len, "%s/s", units));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneWrite(NMPhasePlane p, const char path[])
{
  const NMModelType *m = p->model;
  const PetscInt     R = p->npoints, fdims[2] = {p->gy, p->gx}, pdims[2] = {R, 2};
  const char *const  fnames[] = {"y", "x"}, *const pnames[] = {"point", "xy"};
  const char *const  xname[] = {"x"}, *const yname[] = {"y"}, *const sname[] = {"state"}, *const tname[] = {"parameter"}, *const uname[] = {"channel"};
  const char       **names;
  char               rate_x[64], rate_y[64];
  NMFile             file;
  PetscMPIInt        rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(p->comm, &rank));
  PetscCall(NMRateUnits(m->state_units[p->ix], rate_x, sizeof(rate_x)));
  PetscCall(NMRateUnits(m->state_units[p->iy], rate_y, sizeof(rate_y)));
  PetscCall(NMFileCreate(p->comm, path, NM_FORMAT_PHASEPLANE, &file));
  PetscCall(NMFileSetAttributeString(file, "/", "model", m->name));
  PetscCall(NMFileSetAttributeInt(file, "/", "x_index", p->ix));
  PetscCall(NMFileSetAttributeInt(file, "/", "y_index", p->iy));
  PetscCall(NMFileSetAttributeString(file, "/", "x_state", m->state_names[p->ix]));
  PetscCall(NMFileSetAttributeString(file, "/", "y_state", m->state_names[p->iy]));
  PetscCall(NMFileSetAttributeInt(file, "/", "n_fixed_points", R));
  PetscCall(NMFileSetAttributeString(file, "/", "stability", "eigenvalues of the 2 x 2 Jacobian of the plane (other states held), isolated node (no self-coupling)"));
  /* small results: rank 0 writes every row */
  PetscCall(NMFileWriteReal(file, "x", 1, &p->gx, xname, m->state_units[p->ix], 0, rank ? 0 : p->gx, p->x));
  PetscCall(NMFileWriteReal(file, "y", 1, &p->gy, yname, m->state_units[p->iy], 0, rank ? 0 : p->gy, p->y));
  PetscCall(NMFileWriteReal(file, "fx", 2, fdims, fnames, rate_x, 0, rank ? 0 : p->gy, p->fx));
  PetscCall(NMFileWriteReal(file, "fy", 2, fdims, fnames, rate_y, 0, rank ? 0 : p->gy, p->fy));
  PetscCall(NMFileSetAttributeString(file, "fx", "meaning", "d(x_state)/dt at (x[i], y[j]) = fx[j, i]"));
  PetscCall(NMFileSetAttributeString(file, "fy", "meaning", "d(y_state)/dt at (x[i], y[j]) = fy[j, i]"));
  PetscCall(NMFileWriteReal(file, "hold", 1, &m->nstate, sname, NULL, 0, rank ? 0 : m->nstate, p->hold));
  PetscCall(NMFileSetAttributeString(file, "hold", "meaning", "values of the states not plotted (units: state_units)"));
  PetscCall(NMFileWriteStrings(file, "state_names", m->nstate, m->state_names, "state"));
  PetscCall(NMFileWriteStrings(file, "state_units", m->nstate, m->state_units, "state"));
  PetscCall(PetscMalloc1(m->nparam, &names));
  for (PetscInt k = 0; k < m->nparam; k++) names[k] = m->params[k].name;
  PetscCall(NMFileWriteReal(file, "parameters", 1, &m->nparam, tname, NULL, 0, rank ? 0 : m->nparam, p->theta));
  PetscCall(NMFileWriteStrings(file, "parameter_names", m->nparam, names, "parameter"));
  PetscCall(PetscFree(names));
  if (m->ncoupling > 0) PetscCall(NMFileWriteReal(file, "input", 1, &m->ncoupling, uname, NULL, 0, rank ? 0 : m->ncoupling, p->input));
  if (R > 0) {
    PetscCall(NMFileWriteReal(file, "fixed_points", 2, pdims, pnames, NULL, 0, rank ? 0 : R, p->xy));
    PetscCall(NMFixedPointsWriteStability(p->comm, file, "point", R, 2, p->re, p->im));
  }
  PetscCall(NMFileCommit(&file));
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneGetModel(NMPhasePlane p, const NMModelType **model, const PetscReal **theta)
{
  PetscFunctionBegin;
  if (model) *model = p->model;
  if (theta) *theta = p->theta;
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneGetField(NMPhasePlane p, PetscInt *gx, PetscInt *gy, const PetscReal **x, const PetscReal **y, const PetscReal **fx, const PetscReal **fy)
{
  PetscFunctionBegin;
  if (gx) *gx = p->gx;
  if (gy) *gy = p->gy;
  if (x) *x = p->x;
  if (y) *y = p->y;
  if (fx) *fx = p->fx;
  if (fy) *fy = p->fy;
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneGetFixedPoints(NMPhasePlane p, PetscInt *n, const PetscReal **xy, const PetscReal **re, const PetscReal **im, const PetscInt **cls)
{
  PetscFunctionBegin;
  if (n) *n = p->npoints;
  if (xy) *xy = p->xy;
  if (re) *re = p->re;
  if (im) *im = p->im;
  if (cls) *cls = p->cls;
  PetscFunctionReturn(0);
}

PetscErrorCode NMPhasePlaneDestroy(NMPhasePlane *pp)
{
  NMPhasePlane p = *pp;

  PetscFunctionBeginUser;
  if (!p) PetscFunctionReturn(0);
  PetscCall(PetscFree3(p->theta, p->hold, p->input));
  PetscCall(PetscFree4(p->x, p->y, p->fx, p->fy));
  PetscCall(PetscFree(p->xy));
  PetscCall(PetscFree3(p->re, p->im, p->cls));
  PetscCall(PetscFree(*pp));
  PetscFunctionReturn(0);
}
