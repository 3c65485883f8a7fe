#include <netmass/model_mlp.h>

/* The learned node model of Sip et al. (2023), eq. 16-18: a network of nodes
       x_{k+1} = x_k + f([x_k, theta_r, theta_s, u_k, u_ext_k]) + eta_k,  eta ~ N(0, diag(e^slv))
   with one step per observed sample (period Delta, the TR of the training data) and the
   nodes coupled through their predicted observations, u = W (a.x + b) (Methods,
   "posterior predictive simulations"). As a node model of the simulator this is the SDE
       dx/dt = f(x, theta_r, theta_s, u, 0) / Delta + sqrt(e^slv / Delta) dW/dt,
   whose Euler-Maruyama step with dt = Delta is the learned model exactly; other steps and
   integrators give the same drift at a finer time resolution. The coupling output is
   c(x) = a.x + b and the network input arrives as u = G sum_e w_re c_e: G = 1 and the
   subject's connectome reproduce the training's u = sum_j w_ij y_j. u_ext is held at the
   mean of its AR(1) prior (0). f = Dense(hidden, ReLU) -> Dense(ns) with Keras kernels
   (inputs x outputs, row-major). */

typedef struct {
  PetscInt   ns, mr, ms, nfin, hidden, iu, iuext; /* columns of u and u_ext in f's input, -1 if absent */
  PetscReal  delta, uext;                         /* u_ext: 0 (its prior mean) unless set */
  PetscReal *W1, *b1, *W2, *b2, *a, *slv, b;
  char     **names;                        /* parameter and state names */
  NMParamInfo *params;
  const char **state_names, **state_units;
} NMMLP;

/* Hidden pre-activations of f at [x, theta, u] (theta = theta_r then theta_s). */
static void MLPHidden(const NMMLP *n, const PetscReal x[], const PetscReal theta[], PetscReal u, PetscReal pre[])
{
  for (PetscInt h = 0; h < n->hidden; h++) pre[h] = n->b1[h];
  for (PetscInt i = 0; i < n->ns; i++)
    for (PetscInt h = 0; h < n->hidden; h++) pre[h] += x[i] * n->W1[i * n->hidden + h];
  for (PetscInt i = 0; i < n->mr + n->ms; i++)
    for (PetscInt h = 0; h < n->hidden; h++) pre[h] += theta[i] * n->W1[(n->ns + i) * n->hidden + h];
  if (n->iu >= 0)
    for (PetscInt h = 0; h < n->hidden; h++) pre[h] += u * n->W1[n->iu * n->hidden + h];
  if (n->iuext >= 0 && n->uext != 0)
    for (PetscInt h = 0; h < n->hidden; h++) pre[h] += n->uext * n->W1[n->iuext * n->hidden + h];
}

static void MLPRhs(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[])
{
  const NMMLP *n = (const NMMLP *)ctx;
  PetscReal    pre[NM_MLP_MAX_HIDDEN];

  (void)self;
  MLPHidden(n, x, theta, u[0], pre);
  for (PetscInt i = 0; i < n->ns; i++) {
    PetscReal v = n->b2[i];
    for (PetscInt h = 0; h < n->hidden; h++) v += PetscMax(pre[h], 0) * n->W2[h * n->ns + i];
    f[i] = v / n->delta;
  }
}

/* d f_i / d z_col through the active ReLUs, for the columns [col, col + ncol). */
static void MLPJacobianColumns(const NMMLP *n, const PetscReal pre[], PetscInt col, PetscInt ncol, PetscReal J[])
{
  for (PetscInt i = 0; i < n->ns; i++)
    for (PetscInt j = 0; j < ncol; j++) {
      PetscReal v = 0;
      for (PetscInt h = 0; h < n->hidden; h++)
        if (pre[h] > 0) v += n->W2[h * n->ns + i] * n->W1[(col + j) * n->hidden + h];
      J[i * ncol + j] = v / n->delta;
    }
}

static void MLPJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal J[])
{
  const NMMLP *n = (const NMMLP *)ctx;
  PetscReal    pre[NM_MLP_MAX_HIDDEN];

  (void)self;
  MLPHidden(n, x, theta, u[0], pre);
  MLPJacobianColumns(n, pre, 0, n->ns, J);
}

static void MLPInputJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal B[])
{
  const NMMLP *n = (const NMMLP *)ctx;
  PetscReal    pre[NM_MLP_MAX_HIDDEN];

  if (n->iu < 0) {
    for (PetscInt i = 0; i < n->ns; i++) B[i] = 0;
    return;
  }
  MLPHidden(n, x, theta, u[0], pre);
  MLPJacobianColumns(n, pre, n->iu, 1, B);
}

static void MLPCoupling(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal c[])
{
  const NMMLP *n = (const NMMLP *)ctx;

  (void)theta;
  c[0] = n->b;
  for (PetscInt i = 0; i < n->ns; i++) c[0] += n->a[i] * x[i];
}

static void MLPCouplingJacobian(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal C[])
{
  const NMMLP *n = (const NMMLP *)ctx;

  (void)x;
  (void)theta;
  for (PetscInt i = 0; i < n->ns; i++) C[i] = n->a[i];
}

static void MLPNoise(const void *ctx, const PetscReal theta[], PetscReal sigma[])
{
  const NMMLP *n = (const NMMLP *)ctx;

  (void)theta;
  for (PetscInt i = 0; i < n->ns; i++) sigma[i] = PetscSqrtReal(PetscExpReal(n->slv[i]) / n->delta);
}

static void MLPInitialState(const void *ctx, const PetscReal theta[], PetscReal x0[])
{
  const NMMLP *n = (const NMMLP *)ctx;

  (void)theta;
  for (PetscInt i = 0; i < n->ns; i++) x0[i] = 0;
}

/* A copy of parameter block `name` of the trained model. */
static PetscErrorCode MLPBlock(NMInferModel im, const char name[], size_t want, PetscReal **out)
{
  PetscInt           nb;
  const char *const *names;
  const size_t      *off, *size;
  size_t             n;
  double            *theta;

  PetscFunctionBegin;
  PetscCall(NMInferModelGetParams(im, &n, &theta));
  PetscCall(NMInferModelGetBlocks(im, &nb, &names, &off, &size));
  for (PetscInt k = 0; k < nb; k++)
    if (!strcmp(names[k], name)) {
      PetscCheck(size[k] == want, PETSC_COMM_SELF, PETSC_ERR_PLIB, "block %s has %zu entries, expected %zu", name, size[k], want);
      PetscCall(PetscMalloc1(want, out));
      PetscCall(PetscArraycpy(*out, theta + off[k], want));
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "the trained model has no block %s", name);
}

PetscErrorCode NMModelMLPCreate(NMInferModel im, PetscReal delta, PetscInt subject, NMModelType **model)
{
  const NMInferDims *d;
  NMInferGenerative  g;
  NMModelType       *m;
  NMMLP             *n;
  PetscReal         *b;

  PetscFunctionBeginUser;
  PetscCall(NMInferModelGetDims(im, &d));
  PetscCall(NMInferModelGetGenerative(im, &g));
  PetscCheck(delta > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "the learned model's time step %g s must be positive", (double)delta);
  PetscCheck(d->hidden_f <= NM_MLP_MAX_HIDDEN, PETSC_COMM_SELF, PETSC_ERR_SUP, "f has %" PetscInt_FMT " hidden units; at most %d are supported", d->hidden_f, NM_MLP_MAX_HIDDEN);
  PetscCheck(subject >= 0 && subject < d->nsub, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-mlp_subject %" PetscInt_FMT ": the model was trained on %" PetscInt_FMT " subjects", subject, d->nsub);
  PetscCall(PetscNew(&n));
  n->ns     = d->ns;
  n->mr     = d->mr;
  n->ms     = g.ms_eff;
  n->hidden = d->hidden_f;
  n->delta  = delta;
  n->iu     = d->variant == NM_INFER_AS ? -1 : d->ns + d->mr + g.ms_eff;
  n->nfin   = d->ns + d->mr + g.ms_eff + (d->variant == NM_INFER_AS ? 0 : 1) + (d->variant == NM_INFER_AN ? 0 : 1);
  n->iuext  = d->variant == NM_INFER_AN ? -1 : n->nfin - 1;
  PetscCall(MLPBlock(im, "f/dense0/kernel", (size_t)(n->nfin * n->hidden), &n->W1));
  PetscCall(MLPBlock(im, "f/dense0/bias", (size_t)n->hidden, &n->b1));
  PetscCall(MLPBlock(im, "f/dense1/kernel", (size_t)(n->hidden * n->ns), &n->W2));
  PetscCall(MLPBlock(im, "f/dense1/bias", (size_t)n->ns, &n->b2));
  PetscCall(MLPBlock(im, "obs/a", (size_t)n->ns, &n->a));
  PetscCall(MLPBlock(im, "obs/b", 1, &b));
  n->b = b[0];
  PetscCall(PetscFree(b));
  PetscCall(MLPBlock(im, "state/slv", (size_t)n->ns, &n->slv));
  /* parameters theta_r1.. (prior mean 0) and theta_s1.. (the subject's posterior mean) */
  PetscCall(PetscCalloc1(n->mr + n->ms + 2 * n->ns, &n->names));
  PetscCall(PetscCalloc1(n->mr + n->ms, &n->params));
  PetscCall(PetscCalloc2(n->ns, &n->state_names, n->ns, &n->state_units));
  for (PetscInt i = 0; i < n->mr + n->ms; i++) {
    char name[32];
    PetscCall(PetscSNPrintf(name, sizeof(name), i < n->mr ? "theta_r%" PetscInt_FMT : "theta_s%" PetscInt_FMT, (i < n->mr ? i : i - n->mr) + 1));
    PetscCall(PetscStrallocpy(name, &n->names[i]));
    n->params[i].name        = n->names[i];
    n->params[i].units       = "1";
    n->params[i].description = i < n->mr ? "regional parameter (prior N(0,1); posterior means from netmass encode)" : "subject parameter (the subject's posterior mean)";
    n->params[i].value       = i < n->mr ? 0 : g.ths_mu[subject * g.ms_eff + (i - n->mr)];
    n->params[i].lower       = -PETSC_MAX_REAL;
    n->params[i].upper       = PETSC_MAX_REAL;
  }
  for (PetscInt i = 0; i < n->ns; i++) {
    char name[32];
    PetscCall(PetscSNPrintf(name, sizeof(name), "x%" PetscInt_FMT, i + 1));
    PetscCall(PetscStrallocpy(name, &n->names[n->mr + n->ms + i]));
    n->state_names[i] = n->names[n->mr + n->ms + i];
    n->state_units[i] = "1";
  }
  PetscCall(PetscNew(&m));
  m->name              = "mlp";
  m->description       = "learned node model (Sip et al. 2023, eq. 16-18): dx/dt = f(x, theta_r, theta_s, u)/Delta, coupled through a.x + b";
  m->nstate            = n->ns;
  m->state_names       = n->state_names;
  m->state_units       = n->state_units;
  m->ncoupling         = 1;
  m->nparam            = n->mr + n->ms;
  m->params            = n->params;
  m->diffusive         = PETSC_FALSE;
  m->rhs               = MLPRhs;
  m->jacobian          = MLPJacobian;
  m->input_jacobian    = MLPInputJacobian;
  m->coupling          = MLPCoupling;
  m->coupling_jacobian = MLPCouplingJacobian;
  m->noise             = MLPNoise;
  m->initial_state     = MLPInitialState;
  m->ctx               = n;
  *model               = m;
  PetscFunctionReturn(0);
}

PetscErrorCode NMModelMLPSetExternalInput(const NMModelType *model, PetscReal uext)
{
  NMMLP *n = (NMMLP *)model->ctx; /* run-time data of the model: its inputs may be set */

  PetscFunctionBegin;
  PetscCheck(!strcmp(model->name, "mlp"), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "model %s has no external input u_ext", model->name);
  PetscCheck(n->iuext >= 0 || uext == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "this learned model (variant without u_ext) has no external input: u_ext must be 0");
  n->uext = uext;
  PetscFunctionReturn(0);
}

PetscBool NMModelMLPHasExternalInput(const NMModelType *model)
{
  return (PetscBool)(!strcmp(model->name, "mlp") && ((const NMMLP *)model->ctx)->iuext >= 0);
}

PetscErrorCode NMModelMLPDestroy(NMModelType **model)
{
  NMMLP *n;

  PetscFunctionBegin;
  if (!*model) PetscFunctionReturn(0);
  n = (NMMLP *)(*model)->ctx;
  for (PetscInt i = 0; i < n->mr + n->ms + n->ns; i++) PetscCall(PetscFree(n->names[i]));
  PetscCall(PetscFree(n->names));
  PetscCall(PetscFree(n->params));
  PetscCall(PetscFree2(n->state_names, n->state_units));
  PetscCall(PetscFree(n->W1));
  PetscCall(PetscFree(n->b1));
  PetscCall(PetscFree(n->W2));
  PetscCall(PetscFree(n->b2));
  PetscCall(PetscFree(n->a));
  PetscCall(PetscFree(n->slv));
  PetscCall(PetscFree(n));
  PetscCall(PetscFree(*model));
  PetscFunctionReturn(0);
}
