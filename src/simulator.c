#include <netmass/simulator.h>
#include <netmass/connectome_tensor.h>
#include <netmass/generators.h>
#include <netmass/h5file.h>
#include <netmass/import.h>
#include <netmass/integrator.h>
#include <netmass/model.h>
#include <netmass/rng.h>
#include <netmass/sys.h>
#include "monitor.h"
#include <math.h>

typedef enum {
  NM_INITIAL_DEFAULT,
  NM_INITIAL_NORMAL,
  NM_INITIAL_UNIFORM
} NMInitialType;
static const char *const NMInitialTypes[] = {"default", "normal", "uniform", "NMInitialType", "NM_INITIAL_", NULL};

/* Random streams: b = 0 dynamics noise, 1 initial state, 2 + p parameter p. */
enum {
  NM_STREAM_NOISE   = 0,
  NM_STREAM_INITIAL = 1,
  NM_STREAM_PARAM   = 2
};

struct _n_NMSimulator {
  MPI_Comm           comm;
  PetscMPIInt        rank, size;
  const NMModelType *model;
  NMIntegratorType   itype;
  NMIntegrator       integ;
  PetscReal          dt, duration, transient, G;
  PetscInt64         nsteps, ntransient, seed;
  NMDelayModel       dm;
  PetscReal          max_delay;
  char               delay_file[PETSC_MAX_PATH_LEN];
  /* connectome: from a file or generated */
  char               conn_path[PETSC_MAX_PATH_LEN];
  NMGeneratorOptions gen;
  NMConnectome       conn;
  PetscInt           n, rstart, rend, nlocal;
  /* parameters: global values, per-node uniform ranges, or a file */
  PetscReal         *theta_global; /* nparam */
  PetscReal         *uniform;      /* nparam x 2, NaN when not set */
  char               params_file[PETSC_MAX_PATH_LEN];
  PetscReal         *theta;        /* n x nparam (all nodes, identical on every rank) */
  /* initial state */
  NMInitialType      initial;
  PetscReal          initial_sd, initial_low, initial_high;
  /* monitors (periods in s; 0 = off) */
  PetscReal          raw_period, tavg_period, bold_tr;
  NMTensor           tensor;
  PetscBool          setup;
};

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
  PetscCall(PetscFree2(s->theta_global, s->uniform));
  PetscCall(PetscFree(s->theta));
  PetscCall(PetscFree(*sim));
  PetscFunctionReturn(0);
}

/* The model's parameters as options -<model>_<name> (one value for every node) and
   -<model>_<name>_uniform lo,hi (each node drawn uniformly, keyed by (seed, node)). */
static PetscErrorCode NMSimulatorParamOptions(NMSimulator s)
{
  const NMModelType *m = s->model;

  PetscFunctionBegin;
  PetscCall(PetscFree2(s->theta_global, s->uniform));
  PetscCall(PetscMalloc2(m->nparam, &s->theta_global, 2 * m->nparam, &s->uniform));
  PetscOptionsBegin(s->comm, NULL, "Node model parameters", "netmass");
  for (PetscInt p = 0; p < m->nparam; p++) {
    char      opt[96], help[256];
    PetscReal range[2];
    PetscInt  nr = 2;
    PetscBool set;
    s->theta_global[p] = m->params[p].value;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s_%s", m->name, m->params[p].name));
    PetscCall(PetscSNPrintf(help, sizeof(help), "%s (%s)", m->params[p].description, m->params[p].units));
    PetscCall(PetscOptionsReal(opt, help, NULL, s->theta_global[p], &s->theta_global[p], NULL));
    PetscCall(PetscStrlcat(opt, "_uniform", sizeof(opt)));
    PetscCall(PetscOptionsRealArray(opt, "Draw per node uniformly in [lo, hi]", NULL, range, &nr, &set));
    PetscCheck(!set || (nr == 2 && range[0] <= range[1]), s->comm, PETSC_ERR_ARG_WRONG, "%s needs two values lo,hi with lo <= hi", opt);
    s->uniform[2 * p] = s->uniform[2 * p + 1] = NAN;
    if (set) {
      s->uniform[2 * p]     = range[0];
      s->uniform[2 * p + 1] = range[1];
    }
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
  PetscCall(PetscOptionsString("-params_file", "Per-node parameters: a header line of parameter names, then one row per node", NULL, s->params_file, s->params_file, sizeof(s->params_file), NULL));
  PetscCall(PetscOptionsEnum("-initial", "Initial state: the model's default, or default plus normal noise, or uniform", NULL, NMInitialTypes, (PetscEnum)s->initial, (PetscEnum *)&s->initial, NULL));
  PetscCall(PetscOptionsReal("-initial_sd", "SD of the normal initial perturbation", NULL, s->initial_sd, &s->initial_sd, NULL));
  PetscCall(PetscOptionsReal("-initial_low", "Lower bound of uniform initial states", NULL, s->initial_low, &s->initial_low, NULL));
  PetscCall(PetscOptionsReal("-initial_high", "Upper bound of uniform initial states", NULL, s->initial_high, &s->initial_high, NULL));
  PetscCall(PetscOptionsReal("-monitor_raw_period", "Sampling period of the raw states (s; 0: off; every step when no monitor is set)", NULL, s->raw_period, &s->raw_period, NULL));
  PetscCall(PetscOptionsReal("-monitor_tavg_period", "Window of the temporal average (s; 0: off)", NULL, s->tavg_period, &s->tavg_period, NULL));
  PetscCall(PetscOptionsReal("-monitor_bold_tr", "Repetition time of the BOLD monitor (s; 0: off)", NULL, s->bold_tr, &s->bold_tr, &set));
  PetscOptionsEnd();
  PetscCall(NMModelFind(s->comm, model, &s->model));
  PetscCall(NMSimulatorParamOptions(s));
  PetscFunctionReturn(0);
}

/* Steps in `period` seconds; the period must be a whole number of steps. */
static PetscErrorCode NMStepsOf(MPI_Comm comm, const char option[], PetscReal period, PetscReal dt, PetscInt64 *steps)
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
      PetscReal v = s->theta_global[p];
      if (!PetscIsNanReal(s->uniform[2 * p])) {
        NMRandomStream rs;
        double         u[4];
        NMRandomStreamInit(&rs, (uint64_t)s->seed, (uint32_t)i, (uint32_t)(NM_STREAM_PARAM + p));
        NMRandomUniform4(&rs, 0, u);
        v = s->uniform[2 * p] + (s->uniform[2 * p + 1] - s->uniform[2 * p]) * u[0];
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

PetscErrorCode NMSimulatorSetUp(NMSimulator s)
{
  PetscLayout layout;

  PetscFunctionBeginUser;
  if (s->setup) PetscFunctionReturn(0);
  PetscCall(NMSimulatorCheckOptions(s));
  if (s->conn_path[0]) PetscCall(NMConnectomeLoad(s->comm, s->conn_path, &s->conn));
  else PetscCall(NMGeneratorOptionsGenerate(s->comm, &s->gen, s->seed, &s->conn));
  PetscCall(NMConnectomeGetSize(s->conn, &s->n));
  /* receivers in contiguous blocks: a node (region or whole column) is never split */
  PetscCall(PetscLayoutCreate(s->comm, &layout));
  PetscCall(PetscLayoutSetSize(layout, s->n));
  PetscCall(PetscLayoutSetUp(layout));
  PetscCall(PetscLayoutGetRange(layout, &s->rstart, &s->rend));
  PetscCall(PetscLayoutDestroy(&layout));
  s->nlocal = s->rend - s->rstart;
  PetscCall(NMSimulatorSetUpParams(s));

  s->dm.max_lag = (PetscInt)PetscFloorReal(s->max_delay / s->dt + 1e-9);
  PetscCheck(s->dm.max_lag >= 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-max_delay %g s is shorter than one step of -dt %g s", (double)s->max_delay, (double)s->dt);
  if (s->dm.type == NM_DELAY_VELOCITY_FILE) PetscCall(NMSimulatorLoadVelocityFile(s));
  PetscCall(NMTensorCreate(s->comm, s->conn, &s->dm, s->dt, s->rstart, s->rend, s->model->ncoupling, &s->tensor));
  PetscCall(NMIntegratorCreate(s->model, s->itype, s->dt, &s->integ));
  s->nsteps     = (PetscInt64)round(s->duration / s->dt);
  s->ntransient = (PetscInt64)round(s->transient / s->dt);
  s->setup      = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* Initial states of ALL nodes (every rank computes the same values: the ghosts' history
   needs them), keyed by (seed, node). */
static PetscErrorCode NMSimulatorInitialState(NMSimulator s, PetscReal x0[])
{
  const NMModelType *m = s->model;
  const PetscInt     ns = m->nstate;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < s->n; i++) {
    NMRandomStream rs;
    PetscReal     *x = x0 + i * ns;
    m->initial_state(s->theta + i * m->nparam, x);
    if (s->initial == NM_INITIAL_DEFAULT) continue;
    NMRandomStreamInit(&rs, (uint64_t)s->seed, (uint32_t)i, NM_STREAM_INITIAL);
    for (PetscInt k = 0; k < ns; k += 4) {
      double r[4];
      if (s->initial == NM_INITIAL_NORMAL) NMRandomNormal4(&rs, (uint64_t)(k / 4), r);
      else NMRandomUniform4(&rs, (uint64_t)(k / 4), r);
      for (PetscInt j = k; j < PetscMin(k + 4, ns); j++) x[j] = s->initial == NM_INITIAL_NORMAL ? x[j] + s->initial_sd * r[j - k] : s->initial_low + (s->initial_high - s->initial_low) * r[j - k];
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NMSimulatorWriteHeader(NMSimulator s, NMFile f)
{
  const NMModelType *m = s->model;
  NMTensorInfo       info;
  const char        *source;
  const char *const  pdims[] = {"region", "parameter"};
  PetscInt           pd[2]   = {s->n, m->nparam};
  char             **names;

  PetscFunctionBegin;
  PetscCall(NMTensorGetInfo(s->tensor, &info));
  PetscCall(NMConnectomeGetSource(s->conn, &source));
  PetscCall(NMFileSetAttributeString(f, "/", "model", m->name));
  PetscCall(NMFileSetAttributeString(f, "/", "model_description", m->description));
  PetscCall(NMFileSetAttributeString(f, "/", "integrator", NMIntegratorTypes[s->itype]));
  PetscCall(NMFileSetAttributeString(f, "/", "delay", NMDelayTypes[s->dm.type]));
  PetscCall(NMFileSetAttributeString(f, "/", "connectome_source", source));
  PetscCall(NMFileSetAttributeReal(f, "/", "dt", s->dt));
  PetscCall(NMFileSetAttributeReal(f, "/", "duration", s->duration));
  PetscCall(NMFileSetAttributeReal(f, "/", "transient", s->transient));
  PetscCall(NMFileSetAttributeReal(f, "/", "G", s->G));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_regions", s->n));
  PetscCall(NMFileSetAttributeInt(f, "/", "exchange_interval", info.interval));
  PetscCall(NMFileSetAttributeInt(f, "/", "tensor_entries", info.entries));
  PetscCall(NMFileSetAttributeReal(f, "/", "kernel_truncated_mass", info.truncated));
  PetscCall(NMFileSetAttributeReal(f, "/", "kernel_substep_mass", info.substep));
  PetscCall(NMFileWriteReal(f, "parameters", 2, pd, pdims, NULL, s->rstart, s->rend, s->theta + s->rstart * m->nparam));
  PetscCall(PetscMalloc1(m->nparam, &names));
  for (PetscInt p = 0; p < m->nparam; p++) names[p] = (char *)m->params[p].name;
  PetscCall(NMFileWriteStrings(f, "parameter_names", m->nparam, (const char *const *)names, "parameter"));
  PetscCall(PetscFree(names));
  PetscCall(NMFileWriteStrings(f, "state_names", m->nstate, m->state_names, "state"));
  {
    const char *const *labels;
    PetscCall(NMConnectomeGetLabels(s->conn, &labels));
    PetscCall(NMFileWriteStrings(f, "region_labels", s->n, labels, "region"));
  }
  PetscFunctionReturn(0);
}

/* First non-finite state among the owned nodes after a step, as (step, node). */
static void NMFindNonFinite(const PetscReal x[], PetscInt nlocal, PetscInt ns, PetscInt rstart, PetscInt64 step, PetscInt64 bad[2])
{
  if (bad[0] >= 0) return;
  for (PetscInt i = 0; i < nlocal; i++)
    for (PetscInt k = 0; k < ns; k++)
      if (PetscIsInfOrNanReal(x[i * ns + k])) {
        bad[0] = step;
        bad[1] = rstart + i;
        return;
      }
}

static PetscErrorCode NMSimulatorIntegrate(NMSimulator s, const char path[])
{
  const NMModelType *m  = s->model;
  const PetscInt     ns = m->nstate, nc = m->ncoupling, nl = s->nlocal, np = m->nparam;
  const PetscInt     nz = ((ns + 3) / 4) * 4; /* normals per node and step: whole Philox blocks */
  PetscReal         *x0all, *x, *x1, *u0, *u1, *c, *z, *drive, *tmp;
  const PetscReal   *rowsum;
  NMFile             f;
  NMMonitor          mon[3];
  PetscInt           nmon = 0, interval;
  NMTensorInfo       info;
  PetscInt64         bad[2] = {-1, -1}, step, done;
  NMRandomStream    *streams;

  PetscFunctionBeginUser;
  PetscCall(NMTensorGetInfo(s->tensor, &info));
  interval = info.interval;
  PetscCall(NMTensorGetRowSums(s->tensor, &rowsum));
  PetscCall(PetscMalloc1((size_t)s->n * ns + 1, &x0all));
  PetscCall(PetscMalloc6((size_t)nl * ns + 1, &x, (size_t)nl * ns + 1, &x1, (size_t)nl * nc + 1, &u0, (size_t)nl * nc + 1, &u1, (size_t)s->n * nc + 1, &c, (size_t)nl * nz + 1, &z));
  PetscCall(PetscMalloc2(nl + 1, &drive, nl + 1, &streams));
  for (PetscInt i = 0; i < nl; i++) NMRandomStreamInit(&streams[i], (uint64_t)s->seed, (uint32_t)(s->rstart + i), NM_STREAM_NOISE);

  /* t = 0: initial states and a constant history before it */
  PetscCall(NMSimulatorInitialState(s, x0all));
  for (PetscInt g = 0; g < s->n; g++) m->coupling(x0all + g * ns, s->theta + g * np, c + g * nc);
  PetscCall(NMTensorInitHistory(s->tensor, c));
  PetscCall(PetscArraycpy(x, x0all + s->rstart * ns, nl * ns));
  PetscCall(PetscFree(x0all));

  PetscCall(NMFileCreate(s->comm, path, NM_FORMAT_SIMULATION, &f));
  PetscCall(NMSimulatorWriteHeader(s, f));
  {
    const struct {
      NMMonitorKind kind;
      const char   *name, *option;
      PetscReal     period;
    } want[3] = {
      {NM_MONITOR_RAW,  "raw",  "-monitor_raw_period",  s->raw_period },
      {NM_MONITOR_TAVG, "tavg", "-monitor_tavg_period", s->tavg_period},
      {NM_MONITOR_BOLD, "bold", "-monitor_bold_tr",     s->bold_tr    }
    };
    for (PetscInt k = 0; k < 3; k++) {
      PetscInt64 period;
      if (want[k].period <= 0) continue;
      PetscCall(NMStepsOf(s->comm, want[k].option, want[k].period, s->dt, &period));
      PetscCheck(period >= 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %g s is shorter than -dt %g s", want[k].option, (double)want[k].period, (double)s->dt);
      PetscCall(NMMonitorCreate(f, want[k].kind, want[k].name, (PetscInt)period, (PetscInt)((s->nsteps - s->ntransient) / period), s->dt, s->ntransient * s->dt, s->n, s->rstart, nl, ns, m->state_names, &mon[nmon++]));
    }
  }

  PetscCall(NMTensorContract(s->tensor, 0, s->G, u0));
  for (step = 0; step < s->nsteps; step++) {
    /* ghosts get the samples of the last `interval` steps; until the next exchange
       every input a receiver needs is local (each cut edge has lag >= interval) */
    if (step > 0 && step % interval == 0) PetscCall(NMTensorExchange(s->tensor, step));
    PetscCall(NMTensorContract(s->tensor, step + 1, s->G, u1));
    for (PetscInt i = 0; i < nl; i++) NMRandomNormalFill(&streams[i], (uint64_t)step * (uint64_t)(nz / 4), (size_t)nz, z + i * nz);
    for (PetscInt i = 0; i < nl; i++) PetscCall(NMIntegratorStep(s->integ, x + i * ns, u0 + i * nc, u1 + i * nc, s->G * rowsum[i], s->theta + (s->rstart + i) * np, z + i * nz, x1 + i * ns));
    for (PetscInt i = 0; i < nl; i++) {
      m->coupling(x1 + i * ns, s->theta + (s->rstart + i) * np, c + i * nc);
      drive[i] = c[i * nc];
    }
    PetscCall(NMTensorPush(s->tensor, step + 1, c));
    NMFindNonFinite(x1, nl, ns, s->rstart, step + 1, bad);
    for (PetscInt k = 0; k < nmon; k++) {
      PetscCall(NMMonitorRecord(&mon[k], step + 1, s->ntransient, x1, ns, drive, s->dt));
      if (bad[0] < 0 && mon[k].bad_step >= 0) {
        bad[0] = mon[k].bad_step;
        bad[1] = mon[k].bad_node;
      }
    }
    tmp = x, x = x1, x1 = tmp;
    tmp = u0, u0 = u1, u1 = tmp;
    /* every rank must stop at the same step: agree on failures now and then */
    if ((step + 1) % 1024 == 0 || step + 1 == s->nsteps) {
      PetscInt64 first[2] = {bad[0] < 0 ? PETSC_MAX_INT : bad[0], bad[1]};
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, first, 1, MPIU_INT64, MPI_MIN, s->comm));
      if (first[0] != PETSC_MAX_INT) break;
    }
  }
  done = PetscMin(step + 1, s->nsteps);
  for (PetscInt k = 0; k < nmon; k++) PetscCall(NMMonitorFlush(&mon[k]));
  {
    PetscInt64 first[2] = {bad[0] < 0 ? PETSC_MAX_INT : bad[0], bad[0] < 0 ? PETSC_MAX_INT : bad[1]}, node;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, first, 1, MPIU_INT64, MPI_MIN, s->comm));
    node = bad[0] == first[0] ? bad[1] : PETSC_MAX_INT;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &node, 1, MPIU_INT64, MPI_MIN, s->comm));
    PetscCall(NMFileSetAttributeInt(f, "/", "complete", first[0] == PETSC_MAX_INT));
    PetscCall(NMFileSetAttributeInt(f, "/", "steps_done", first[0] == PETSC_MAX_INT ? done : first[0] - 1));
    for (PetscInt k = 0; k < nmon; k++) PetscCall(NMMonitorDestroy(&mon[k]));
    PetscCall(NMFileCommit(&f));
    PetscCall(PetscFree6(x, x1, u0, u1, c, z));
    PetscCall(PetscFree2(drive, streams));
    PetscCheck(first[0] == PETSC_MAX_INT, s->comm, PETSC_ERR_FP, "the state of node %" PetscInt64_FMT " (or its BOLD haemodynamics) became NaN or Inf at step %" PetscInt64_FMT " (t = %g s); %s keeps the output up to then, marked complete = 0. Reduce -dt, use -integrator ll, or check the parameters (the BOLD monitor needs a neural drive of moderate amplitude)", node, first[0], (double)(first[0] * s->dt), path);
  }
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
  PetscCall(NMTensorView(s->tensor, viewer));
  PetscFunctionReturn(0);
}
