#include <netmass/cohort.h>
#include <netmass/h5file.h>
#include <netmass/infer_modelfile.h>
#include <netmass/model_mlp.h>
#include <netmass/import.h>
#include <netmass/sys.h>
#include "simulator_impl.h"
#include <math.h>

const char *const NMInitialTypes[] = {"default", "normal", "uniform", "gaussian", "NMInitialType", "NM_INITIAL_", NULL};

PetscErrorCode NMSimulatorCreate(MPI_Comm comm, NMSimulator *sim)
{
  NMSimulator s;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&s));
  s->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &s->rank));
  PetscCallMPI(MPI_Comm_size(comm, &s->size));
  s->model        = &NMModelZJR;
  s->itype        = NM_INTEGRATOR_LL;
  s->ll_closed_form = PETSC_TRUE;
  s->dt           = 1e-3;
  s->duration     = 1;
  s->G            = 1;
  s->max_delay    = 0.5;
  s->dm.type      = NM_DELAY_INSTANT;
  s->dm.velocity  = 7.5;
  s->dm.peak      = 7.5;
  s->dm.halfwidth = 3;
  s->dm.tail      = 1e-6;
  s->initial_sd   = 0.1;
  s->initial_low  = 0;
  s->initial_high = 1;
  *sim            = s;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorDestroy(NMSimulator *sim)
{
  NMSimulator s = *sim;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(0);
  PetscCall(NMTensorDestroy(&s->tensor));
  PetscCall(NMIntegratorDestroy(&s->integ));
  PetscCall(NMConnectomeDestroy(&s->conn));
  PetscCall(NMDelayModelDestroy(&s->dm));
  PetscCall(PetscFree2(s->theta_global, s->draw));
  PetscCall(PetscFree(s->theta));
  PetscCall(NMModelMLPDestroy(&s->mlp));
  PetscCall(PetscFree(*sim));
  PetscFunctionReturn(0);
}

/* -model mlp: the node model netmass train learned (-mlp_model model.h5), in its time unit
   the sample period of the training data, theta_s of subject -mlp_subject. */
static PetscErrorCode NMSimulatorLearnedModel(NMSimulator s)
{
  char               path[PETSC_MAX_PATH_LEN] = "";
  PetscInt           subject = 0;
  NMInferTrained     tm;
  const NMInferDims *dims;

  PetscFunctionBegin;
  PetscOptionsBegin(s->comm, NULL, "netmass simulate: the learned node model", "netmass");
  PetscCall(PetscOptionsString("-mlp_model", "Model file of netmass train", NULL, path, path, sizeof(path), NULL));
  PetscCall(PetscOptionsInt("-mlp_subject", "Subject whose theta_s posterior mean the nodes take (0-based)", NULL, subject, &subject, NULL));
  PetscOptionsEnd();
  PetscCheck(path[0], s->comm, PETSC_ERR_ARG_WRONG, "-model mlp needs -mlp_model: the model file written by netmass train");
  PetscCall(NMCheckReadable(s->comm, "-mlp_model", path));
  PetscCall(NMInferTrainedLoad(s->comm, path, &tm));
  PetscCheck(tm.sample_period > 0, s->comm, PETSC_ERR_FILE_UNEXPECTED, "-mlp_model %s has no sample_period: retrain it with this netmass", path);
  PetscCall(NMInferModelGetDims(tm.model, &dims));
  PetscCheck(subject >= 0 && subject < dims->nsub, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-mlp_subject %" PetscInt_FMT ": %s was trained on %" PetscInt_FMT " subjects (0-based index)", subject, path, dims->nsub);
  PetscCall(NMModelMLPDestroy(&s->mlp));
  PetscCall(NMModelMLPCreate(tm.model, tm.sample_period, subject, &s->mlp));
  PetscCall(NMInferTrainedDestroy(&tm));
  s->model = s->mlp;
  PetscFunctionReturn(0);
}

/* The model's parameters as options: -<model>_<name> v (every node), or drawn per node
   (keyed by seed, subject and node) with -<model>_<name>_uniform lo,hi or
   -<model>_<name>_normal mean,sd[,floor] (Sip et al.'s pMFM noise: N(0.04, 0.01^2) >= 0.001). */
static PetscErrorCode NMSimulatorParamOptions(NMSimulator s)
{
  const NMModelType *m = s->model;

  PetscFunctionBegin;
  PetscCall(PetscFree2(s->theta_global, s->draw));
  PetscCall(PetscMalloc2(m->nparam, &s->theta_global, m->nparam, &s->draw));
  PetscOptionsBegin(s->comm, NULL, "Node model parameters", "netmass");
  for (PetscInt p = 0; p < m->nparam; p++) {
    char      opt[96], opt2[112], help[256];
    PetscReal v[3];
    PetscInt  nv = 2;
    PetscBool set, set2;
    s->theta_global[p] = m->params[p].value;
    PetscCall(PetscMemzero(&s->draw[p], sizeof(s->draw[p])));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s_%s", m->name, m->params[p].name));
    PetscCall(PetscSNPrintf(help, sizeof(help), "%s (%s)", m->params[p].description, m->params[p].units));
    PetscCall(PetscOptionsReal(opt, help, NULL, s->theta_global[p], &s->theta_global[p], NULL));
    PetscCall(PetscSNPrintf(opt2, sizeof(opt2), "%s_uniform", opt));
    PetscCall(PetscOptionsRealArray(opt2, "Draw per node uniformly in [lo, hi]", NULL, v, &nv, &set));
    PetscCheck(!set || (nv == 2 && v[0] <= v[1]), s->comm, PETSC_ERR_ARG_WRONG, "%s needs two values lo,hi with lo <= hi", opt2);
    if (set) s->draw[p] = (NMParamDraw){NM_DRAW_UNIFORM, v[0], v[1], 0};
    nv = 3;
    PetscCall(PetscSNPrintf(opt2, sizeof(opt2), "%s_normal", opt));
    PetscCall(PetscOptionsRealArray(opt2, "Draw per node from N(mean, sd^2), floored at an optional third value", NULL, v, &nv, &set2));
    PetscCheck(!set2 || ((nv == 2 || nv == 3) && v[1] >= 0), s->comm, PETSC_ERR_ARG_WRONG, "%s needs mean,sd[,floor] with sd >= 0", opt2);
    PetscCheck(!(set && set2), s->comm, PETSC_ERR_ARG_WRONG, "%s: give either _uniform or _normal", opt);
    if (set2) s->draw[p] = (NMParamDraw){NM_DRAW_NORMAL, v[0], v[1], nv == 3 ? v[2] : -PETSC_MAX_REAL};
  }
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorSetFromOptions(NMSimulator s)
{
  char      model[64];
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(model, s->model->name, sizeof(model)));
  PetscCall(NMGetSeed(&s->seed));
  PetscCall(NMGeneratorOptionsRead(s->comm, "-connectome_type", "-connectome_n", &s->gen));
  PetscOptionsBegin(s->comm, NULL, "netmass simulate", "netmass");
  PetscCall(PetscOptionsString("-model", "Node model: zjr, hopf, pmfm, rww2, linear", NULL, model, model, sizeof(model), NULL));
  PetscCall(PetscOptionsString("-connectome", "Connectome file (netmass HDF5; or generate one with -connectome_type)", NULL, s->conn_path, s->conn_path, sizeof(s->conn_path), NULL));
  PetscCall(PetscOptionsInt("-connectome_subject", "With a cohort file as -connectome: simulate this subject (0-based; it also keys the random streams, as in a synthetic cohort)", NULL, s->subject, &s->subject, NULL));
  PetscCall(PetscOptionsReal("-G", "Global coupling scale G", NULL, s->G, &s->G, NULL));
  PetscCall(PetscOptionsEnum("-delay", "Delay kernel: instant (D1), single velocity (D2), gamma velocities (D3), velocity density from a file", NULL, NMDelayTypes, (PetscEnum)s->dm.type, (PetscEnum *)&s->dm.type, NULL));
  PetscCall(PetscOptionsReal("-velocity", "Conduction velocity of the single kernel (m/s)", NULL, s->dm.velocity, &s->dm.velocity, NULL));
  PetscCall(PetscOptionsReal("-velocity_peak", "Mode of the gamma velocity density (m/s; Nunez: 6-9)", NULL, s->dm.peak, &s->dm.peak, NULL));
  PetscCall(PetscOptionsReal("-velocity_halfwidth", "Half width at half maximum of the gamma velocity density (m/s)", NULL, s->dm.halfwidth, &s->dm.halfwidth, NULL));
  PetscCall(PetscOptionsString("-velocity_file", "Velocity density file: two columns, m/s and density", NULL, s->delay_file, s->delay_file, sizeof(s->delay_file), NULL));
  PetscCall(PetscOptionsReal("-max_delay", "Truncate delay kernels beyond this delay (s)", NULL, s->max_delay, &s->max_delay, NULL));
  PetscCall(PetscOptionsReal("-delay_tail", "Mass of a distributed kernel that may be dropped from its tails (renormalised, reported)", NULL, s->dm.tail, &s->dm.tail, NULL));
  PetscCall(PetscOptionsReal("-dt", "Time step (s)", NULL, s->dt, &s->dt, NULL));
  PetscCall(PetscOptionsReal("-duration", "Simulated time including the transient (s)", NULL, s->duration, &s->duration, NULL));
  PetscCall(PetscOptionsReal("-transient", "Initial time not recorded (s)", NULL, s->transient, &s->transient, NULL));
  PetscCall(PetscOptionsEnum("-integrator", "Integration scheme", NULL, NMIntegratorTypes, (PetscEnum)s->itype, (PetscEnum *)&s->itype, NULL));
  PetscCall(PetscOptionsBool("-ll_closed_form", "LL of two-state models in closed form (false: the general Pade-based step, same mathematics; for testing)", NULL, s->ll_closed_form, &s->ll_closed_form, NULL));
  PetscCall(PetscOptionsString("-params_file", "Per-node parameters: a header line of parameter names, then one row per node", NULL, s->params_file, s->params_file, sizeof(s->params_file), NULL));
  PetscCall(PetscOptionsEnum("-initial", "Initial state: the model's resting state, that plus N(0,sd^2), U(low,high), or N(0,sd^2)", NULL, NMInitialTypes, (PetscEnum)s->initial, (PetscEnum *)&s->initial, NULL));
  PetscCall(PetscOptionsReal("-initial_sd", "SD of the normal initial perturbation", NULL, s->initial_sd, &s->initial_sd, NULL));
  PetscCall(PetscOptionsReal("-initial_low", "Lower bound of uniform initial states", NULL, s->initial_low, &s->initial_low, NULL));
  PetscCall(PetscOptionsReal("-initial_high", "Upper bound of uniform initial states", NULL, s->initial_high, &s->initial_high, NULL));
  PetscCall(PetscOptionsReal("-monitor_raw_period", "Sampling period of the raw states (s; 0: off; every step when no monitor is set)", NULL, s->raw_period, &s->raw_period, NULL));
  PetscCall(PetscOptionsReal("-monitor_tavg_period", "Window of the temporal average (s; 0: off)", NULL, s->tavg_period, &s->tavg_period, NULL));
  PetscCall(PetscOptionsReal("-monitor_bold_tr", "Repetition time of the BOLD monitor (s; 0: off)", NULL, s->bold_tr, &s->bold_tr, &set));
  PetscCall(PetscOptionsReal("-checkpoint_interval", "Write a checkpoint every this much simulated time (s; 0: only on SIGTERM/SIGUSR1)", NULL, s->checkpoint_interval, &s->checkpoint_interval, NULL));
  PetscCall(PetscOptionsString("-checkpoint", "Checkpoint file (default: the output name + .checkpoint)", NULL, s->checkpoint_path, s->checkpoint_path, sizeof(s->checkpoint_path), NULL));
  PetscCall(PetscOptionsBool("-restart", "Continue the run from its checkpoint", NULL, s->restart, &s->restart, NULL));
  PetscOptionsEnd();
  if (!strcmp(model, "mlp")) PetscCall(NMSimulatorLearnedModel(s));
  else PetscCall(NMModelFind(s->comm, model, &s->model));
  PetscCall(NMSimulatorParamOptions(s));
  PetscCall(NMContractOptionsRead(s->comm, &s->contract));
  PetscCall(NMPartitionOptionsRead(s->comm, &s->partition));
  PetscCall(NMPreprocessSetFromOptions(&s->pp));
  PetscCheck(!s->pp.zscore, s->comm, PETSC_ERR_ARG_WRONG, "-zscore applies to imported time series, not to a simulation");
  PetscFunctionReturn(0);
}

/* Steps in `period` seconds; the period must be a whole number of steps. */
PetscErrorCode NMStepsOf(MPI_Comm comm, const char option[], PetscReal period, PetscReal dt, PetscInt64 *steps)
{
  PetscReal r = period / dt;

  PetscFunctionBegin;
  *steps = (PetscInt64)round(r);
  PetscCheck(PetscAbsReal(r - (PetscReal)*steps) < 1e-6 * PetscMax(1, r), comm, PETSC_ERR_ARG_WRONG, "%s %g s is not a whole number of steps of -dt %g s", option, (double)period, (double)dt);
  PetscFunctionReturn(0);
}

static PetscErrorCode NMSimulatorCheckOptions(NMSimulator s)
{
  PetscFunctionBegin;
  PetscCheck(s->dt > 0 && PetscIsNormalReal(s->dt), s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-dt %g must be positive", (double)s->dt);
  PetscCheck(s->duration > 0 && PetscIsNormalReal(s->duration), s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-duration %g must be positive", (double)s->duration);
  PetscCheck(s->transient >= 0 && s->transient < s->duration, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-transient %g must be in [0, -duration %g)", (double)s->transient, (double)s->duration);
  PetscCheck(PetscIsNormalReal(s->G) || s->G == 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-G %g must be finite", (double)s->G);
  PetscCheck(s->checkpoint_interval >= 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-checkpoint_interval %g s must be >= 0", (double)s->checkpoint_interval);
  PetscCheck(s->dm.tail >= 0 && s->dm.tail < 0.5, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-delay_tail %g must be in [0, 0.5)", (double)s->dm.tail);
  PetscCheck(s->max_delay > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-max_delay %g s must be positive", (double)s->max_delay);
  PetscCheck(s->raw_period >= 0 && s->tavg_period >= 0 && s->bold_tr >= 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "monitor periods must be >= 0 (0 turns a monitor off)");
  if (s->raw_period == 0 && s->tavg_period == 0 && s->bold_tr == 0) s->raw_period = s->dt; /* no monitor chosen: every step */
  PetscCheck(!s->conn_path[0] || !s->gen.set, s->comm, PETSC_ERR_ARG_WRONG, "give either -connectome FILE or -connectome_type, not both");
  PetscCheck(s->conn_path[0] || s->gen.set, s->comm, PETSC_ERR_ARG_WRONG, "no network: give -connectome FILE.h5 or -connectome_type ring|smallworld|full|geometric|none with -connectome_n N");
  PetscCheck(s->dm.type != NM_DELAY_VELOCITY_FILE || s->delay_file[0], s->comm, PETSC_ERR_ARG_WRONG, "-delay file needs -velocity_file FILE");
  PetscCheck(s->dm.type != NM_DELAY_SINGLE || (s->dm.velocity > 0 && PetscIsNormalReal(s->dm.velocity)), s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-velocity %g m/s must be positive and finite", (double)s->dm.velocity);
  PetscCheck(s->initial_sd >= 0 && s->initial_low <= s->initial_high, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-initial_sd must be >= 0 and -initial_low <= -initial_high");
  PetscFunctionReturn(0);
}

/* Per-node parameters from a text file: a header of parameter names, then n rows. */
static PetscErrorCode NMSimulatorReadParamsFile(void *ctx)
{
  NMSimulator        s = (NMSimulator)ctx;
  const NMModelType *m = s->model;
  char              *text, *body, name[64];
  size_t             len;
  PetscInt           rows, cols, ncol = 0, idx[64];
  PetscReal         *a;
  const char        *p;

  PetscFunctionBegin;
  PetscCall(NMReadFileText("-params_file", s->params_file, &text, &len));
  body = strchr(text, '\n');
  PetscCheck(body, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-params_file %s: expected a header line of parameter names and one row per node", s->params_file);
  *body++ = 0;
  for (p = text; sscanf(p, "%63s", name) == 1; ) {
    PetscCheck(ncol < 64, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-params_file %s: too many columns", s->params_file);
    idx[ncol] = NMModelParamIndex(m, name);
    PetscCheck(idx[ncol] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-params_file %s: '%s' is not a parameter of model %s (see netmass simulate -model %s -help)", s->params_file, name, m->name, m->name);
    ncol++;
    p = strstr(p, name) + strlen(name);
  }
  PetscCall(NMTextMatrixParse(s->params_file, body, &rows, &cols, &a));
  PetscCall(PetscFree(text));
  PetscCheck(rows == s->n && cols == ncol, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-params_file %s is %" PetscInt_FMT "x%" PetscInt_FMT "; expected one row per node (%" PetscInt_FMT ") and one column per header name (%" PetscInt_FMT ")", s->params_file, rows, cols, s->n, ncol);
  for (PetscInt i = 0; i < s->n; i++)
    for (PetscInt c = 0; c < ncol; c++) s->theta[i * m->nparam + idx[c]] = a[i * ncol + c];
  PetscCall(PetscFree(a));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMSimulatorSetUpParams(NMSimulator s)
{
  const NMModelType *m = s->model;
  char               where[64];

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)s->n * m->nparam + 1, &s->theta));
  for (PetscInt i = 0; i < s->n; i++)
    for (PetscInt p = 0; p < m->nparam; p++) {
      const NMParamDraw *d = &s->draw[p];
      PetscReal          v = s->theta_global[p];
      NMRandomStream     rs;
      double             r[4];
      NMRandomStreamInit(&rs, (uint64_t)s->seed, (uint32_t)i, NM_STREAM(s, NM_STREAM_PARAM + p));
      if (d->kind == NM_DRAW_UNIFORM) {
        NMRandomUniform4(&rs, 0, r);
        v = d->a + (d->b - d->a) * r[0];
      } else if (d->kind == NM_DRAW_NORMAL) {
        NMRandomNormal4(&rs, 0, r);
        v = PetscMax(d->a + d->b * r[0], d->c);
      }
      s->theta[i * m->nparam + p] = v;
    }
  if (s->params_file[0]) PetscCall(NMRunOnRoot(s->comm, NMSimulatorReadParamsFile, s));
  PetscCallMPI(MPI_Bcast(s->theta, (PetscMPIInt)(s->n * m->nparam), MPIU_REAL, 0, s->comm));
  for (PetscInt i = 0; i < s->n; i++) {
    PetscCall(PetscSNPrintf(where, sizeof(where), "node %" PetscInt_FMT, i));
    PetscCall(NMModelCheckParams(s->comm, m, s->theta + i * m->nparam, where));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NMSimulatorLoadVelocityRoot(void *ctx)
{
  NMSimulator s = (NMSimulator)ctx;

  PetscFunctionBegin;
  PetscCall(NMDelayModelLoadVelocityFile(&s->dm, s->delay_file));
  PetscFunctionReturn(0);
}

/* Rank 0 reads the velocity density; every rank gets a copy. */
static PetscErrorCode NMSimulatorLoadVelocityFile(NMSimulator s)
{
  PetscFunctionBegin;
  PetscCall(NMRunOnRoot(s->comm, NMSimulatorLoadVelocityRoot, s));
  PetscCallMPI(MPI_Bcast(&s->dm.nvel, 1, MPIU_INT, 0, s->comm));
  if (s->rank) {
    PetscCall(PetscMalloc1(s->dm.nvel, &s->dm.vel));
    PetscCall(PetscMalloc1(s->dm.nvel, &s->dm.density));
  }
  PetscCallMPI(MPI_Bcast(s->dm.vel, (PetscMPIInt)s->dm.nvel, MPIU_REAL, 0, s->comm));
  PetscCallMPI(MPI_Bcast(s->dm.density, (PetscMPIInt)s->dm.nvel, MPIU_REAL, 0, s->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorSetSubject(NMSimulator s, PetscInt subject, PetscReal G, PetscReal eps)
{
  PetscFunctionBeginUser;
  PetscCheck(!s->setup, s->comm, PETSC_ERR_ARG_WRONGSTATE, "NMSimulatorSetSubject() must come before NMSimulatorSetUp()");
  PetscCheck(subject >= 0 && subject < (1 << 23), s->comm, PETSC_ERR_ARG_OUTOFRANGE, "subject %" PetscInt_FMT " out of range", subject);
  s->subject = subject;
  if (G != PETSC_DEFAULT) s->G = G;
  s->perturb_eps = eps;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorSetDuration(NMSimulator s, PetscReal duration, PetscReal transient)
{
  PetscFunctionBeginUser;
  PetscCheck(!s->setup, s->comm, PETSC_ERR_ARG_WRONGSTATE, "NMSimulatorSetDuration() must come before NMSimulatorSetUp()");
  s->duration  = duration;
  s->transient = transient;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorGetConnectome(NMSimulator s, NMConnectome *conn)
{
  PetscFunctionBeginUser;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ARG_WRONGSTATE, "call NMSimulatorSetUp() first");
  *conn = s->conn;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorGetNetwork(NMSimulator s, const NMModelType **model, NMConnectome *conn, const PetscReal **theta, PetscReal *G)
{
  PetscFunctionBeginUser;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ARG_WRONGSTATE, "call NMSimulatorSetUp() first");
  *model = s->model;
  *conn  = s->conn;
  *theta = s->theta;
  *G     = s->G;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorGetModel(NMSimulator s, const NMModelType **model)
{
  PetscFunctionBegin;
  *model = s->model;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorSetIgnoreSignals(NMSimulator s, PetscBool ignore)
{
  PetscFunctionBegin;
  s->ignore_signals = ignore;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorSetUp(NMSimulator s)
{
  PetscFunctionBeginUser;
  if (s->setup) PetscFunctionReturn(0);
  PetscCall(NMSimulatorCheckOptions(s));
  if (s->conn_path[0]) {
    char format[64];
    PetscCall(NMFileGetFormat(s->comm, s->conn_path, format, sizeof(format)));
    /* a cohort file: the connectome of this subject (-connectome_subject, or the cohort's) */
    if (!strcmp(format, NM_FORMAT_COHORT)) PetscCall(NMCohortLoadConnectome(s->comm, s->conn_path, s->subject, &s->conn));
    else PetscCall(NMConnectomeLoad(s->comm, s->conn_path, &s->conn));
  } else PetscCall(NMGeneratorOptionsGenerate(s->comm, &s->gen, s->seed, &s->conn));
  PetscCall(NMPreprocessConnectome(&s->pp, s->conn, s->seed));
  if (s->perturb_eps > 0) {
    PetscReal *W;
    PetscInt   n;
    PetscCall(NMConnectomeGetSize(s->conn, &n));
    PetscCall(NMConnectomeGetArrays(s->conn, &W, NULL, NULL));
    PetscCall(NMMatrixPerturb(n, W, s->perturb_eps, s->seed, s->subject));
  }
  PetscCall(NMConnectomeGetSize(s->conn, &s->n));
  PetscCall(NMSimulatorSetUpParams(s));

  s->dm.max_lag = (PetscInt)PetscFloorReal(s->max_delay / s->dt + 1e-9);
  PetscCheck(s->dm.max_lag >= 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-max_delay %g s is shorter than one step of -dt %g s", (double)s->max_delay, (double)s->dt);
  if (s->dm.type == NM_DELAY_VELOCITY_FILE) PetscCall(NMSimulatorLoadVelocityFile(s));
  /* receivers in contiguous blocks (a node, region or whole column, is never split) */
  PetscCall(NMPartitionReceivers(s->comm, s->conn, &s->dm, s->dt, &s->partition, &s->rstart, &s->rend));
  s->nlocal = s->rend - s->rstart;
  PetscCall(NMTensorCreate(s->comm, s->conn, &s->dm, s->dt, s->rstart, s->rend, s->model->ncoupling, &s->contract, &s->tensor));
  PetscCall(NMIntegratorCreate(s->model, s->itype, s->dt, &s->integ));
  PetscCall(NMIntegratorSetClosedForm(s->integ, s->ll_closed_form));
  s->nsteps     = (PetscInt64)round(s->duration / s->dt);
  s->ntransient = (PetscInt64)round(s->transient / s->dt);
  s->setup      = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorRun(NMSimulator s, const char path[])
{
  PetscFunctionBeginUser;
  PetscCall(NMSimulatorSetUp(s));
  PetscCall(NMSimulatorIntegrate(s, path));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorView(NMSimulator s, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(NMSimulatorSetUp(s));
  PetscCall(PetscViewerASCIIPrintf(viewer, "simulator: model %s (%" PetscInt_FMT " states), %" PetscInt_FMT " nodes on %d ranks, integrator %s, dt %g s, %" PetscInt64_FMT " steps (%g s, transient %g s), G %g, delay %s\n", s->model->name, s->model->nstate, s->n, s->size, NMIntegratorTypes[s->itype], (double)s->dt, s->nsteps, (double)s->duration, (double)s->transient, (double)s->G, NMDelayTypes[s->dm.type]));
  {
    PetscInt *nl;
    PetscCall(PetscMalloc1(s->size, &nl));
    PetscCallMPI(MPI_Allgather(&s->nlocal, 1, MPIU_INT, nl, 1, MPIU_INT, s->comm));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  partition %s, nodes per rank:", NMPartitionTypes[s->partition.type]));
    PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
    for (PetscMPIInt q = 0; q < s->size; q++) PetscCall(PetscViewerASCIIPrintf(viewer, " %" PetscInt_FMT, nl[q]));
    PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
    PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
    PetscCall(PetscFree(nl));
  }
  PetscCall(NMTensorView(s->tensor, viewer));
  PetscFunctionReturn(0);
}
