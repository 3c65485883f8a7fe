#include <netmass/h5file.h>
#include <netmass/sys.h>
#include "simulator_impl.h"
#include <math.h>

#define NM_FORMAT_CHECKPOINT "netmass-checkpoint"
/* Ranks agree on failures and signals every this many steps (one small allreduce). */
#define NM_AGREE_STEPS 1024

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
    m->initial_state(m->ctx, s->theta + i * m->nparam, x);
    if (s->initial == NM_INITIAL_DEFAULT) continue;
    NMRandomStreamInit(&rs, (uint64_t)s->seed, (uint32_t)i, NM_STREAM(s, NM_STREAM_INITIAL));
    for (PetscInt k = 0; k < ns; k += 4) {
      double r[4];
      if (s->initial == NM_INITIAL_UNIFORM) NMRandomUniform4(&rs, (uint64_t)(k / 4), r);
      else NMRandomNormal4(&rs, (uint64_t)(k / 4), r);
      for (PetscInt j = k; j < PetscMin(k + 4, ns); j++) {
        switch (s->initial) {
        case NM_INITIAL_NORMAL:
          x[j] += s->initial_sd * r[j - k];
          break;
        case NM_INITIAL_GAUSSIAN:
          x[j] = s->initial_sd * r[j - k];
          break;
        default:
          x[j] = s->initial_low + (s->initial_high - s->initial_low) * r[j - k];
        }
      }
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
  PetscCall(NMFileSetAttributeString(f, "/", "partition", NMPartitionTypes[s->partition.type]));
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

/* What a run carries from step to step: the owned states, inputs, outputs and monitors.
   Every buffer keeps its own allocation, so swapping x and x1 never loses one. */
typedef struct {
  PetscInt        ns, nc, np, nl, nz, nmon, interval;
  PetscReal      *xa, *xb, *c, *z, *drive;
  PetscReal      *x, *x1; /* current views of xa/xb */
  /* inputs: row 0 that of the step before the block, rows 1 .. bm those of the block
     from NMTensorContractBlock; the step being integrated uses rows bj and bj + 1 */
  PetscReal      *u;
  PetscInt        bm, bj;
  NMRandomStream *streams;
  NMMonitor       mon[3];
  NMFile          out;
  PetscInt64      step; /* steps done */
} NMRun;

static PetscErrorCode NMRunCreate(NMSimulator s, NMRun *r)
{
  const NMModelType *m = s->model;
  NMTensorInfo       info;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(r, sizeof(*r)));
  r->ns = m->nstate;
  r->nc = m->ncoupling;
  r->np = m->nparam;
  r->nl = s->nlocal;
  r->nz = ((r->ns + 3) / 4) * 4; /* normals per node and step: whole Philox blocks */
  PetscCall(NMTensorGetInfo(s->tensor, &info));
  r->interval = info.interval;
  PetscCall(PetscMalloc1((size_t)r->nl * r->ns + 1, &r->xa));
  PetscCall(PetscMalloc1((size_t)r->nl * r->ns + 1, &r->xb));
  PetscCall(PetscMalloc1((size_t)(info.block + 1) * r->nl * r->nc + 1, &r->u));
  PetscCall(PetscMalloc1((size_t)s->n * r->nc + 1, &r->c));
  PetscCall(PetscMalloc1((size_t)r->nl * r->nz + 1, &r->z));
  PetscCall(PetscMalloc1((size_t)r->nl + 1, &r->drive));
  PetscCall(PetscMalloc1((size_t)r->nl + 1, &r->streams));
  r->x  = r->xa;
  r->x1 = r->xb;
  for (PetscInt i = 0; i < r->nl; i++) NMRandomStreamInit(&r->streams[i], (uint64_t)s->seed, (uint32_t)(s->rstart + i), NM_STREAM(s, NM_STREAM_NOISE));
  PetscFunctionReturn(0);
}

/* Close the monitors' datasets: parallel HDF5 closes a file only when nothing in it is open. */
static PetscErrorCode NMRunCloseMonitors(NMRun *r)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < r->nmon; k++) PetscCall(NMMonitorDestroy(&r->mon[k]));
  r->nmon = 0;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMRunDestroy(NMRun *r)
{
  PetscFunctionBegin;
  PetscCall(NMRunCloseMonitors(r));
  PetscCall(PetscFree(r->xa));
  PetscCall(PetscFree(r->xb));
  PetscCall(PetscFree(r->u));
  PetscCall(PetscFree(r->c));
  PetscCall(PetscFree(r->z));
  PetscCall(PetscFree(r->drive));
  PetscCall(PetscFree(r->streams));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMRunCreateMonitors(NMSimulator s, NMRun *r, PetscBool resume)
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

  PetscFunctionBegin;
  for (PetscInt k = 0; k < 3; k++) {
    PetscInt64 period;
    if (want[k].period <= 0) continue;
    PetscCall(NMStepsOf(s->comm, want[k].option, want[k].period, s->dt, &period));
    PetscCheck(period >= 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %g s is shorter than -dt %g s", want[k].option, (double)want[k].period, (double)s->dt);
    PetscCall(NMMonitorCreate(r->out, resume, want[k].kind, want[k].name, (PetscInt)period, (PetscInt)((s->nsteps - s->ntransient) / period), s->dt, s->ntransient * s->dt, s->n, s->rstart, r->nl, r->ns, s->model->state_names, &r->mon[r->nmon++]));
  }
  PetscFunctionReturn(0);
}

/* t = 0: initial states and a constant history before it. */
static PetscErrorCode NMRunStart(NMSimulator s, NMRun *r, const char path[])
{
  const NMModelType *m = s->model;
  PetscReal         *x0all;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)s->n * r->ns + 1, &x0all));
  PetscCall(NMSimulatorInitialState(s, x0all));
  for (PetscInt g = 0; g < s->n; g++) m->coupling(m->ctx, x0all + g * r->ns, s->theta + g * r->np, r->c + g * r->nc);
  PetscCall(NMTensorInitHistory(s->tensor, r->c));
  PetscCall(PetscArraycpy(r->x, x0all + s->rstart * r->ns, r->nl * r->ns));
  PetscCall(PetscFree(x0all));
  if (s->checkpoint_interval > 0) PetscCall(NMFileCreateResumable(s->comm, path, NM_FORMAT_SIMULATION, &r->out));
  else PetscCall(NMFileCreate(s->comm, path, NM_FORMAT_SIMULATION, &r->out));
  PetscCall(NMSimulatorWriteHeader(s, r->out));
  PetscCall(NMRunCreateMonitors(s, r, PETSC_FALSE));
  r->step = 0;
  PetscFunctionReturn(0);
}

/* The facts a checkpoint must share with the run that resumes it (the rank count is
   not one of them). */
static PetscErrorCode NMCheckpointKey(NMSimulator s, PetscInt rowlen, PetscReal key[8])
{
  PetscFunctionBegin;
  key[0] = (PetscReal)s->n;
  key[1] = (PetscReal)s->model->nstate;
  key[2] = s->dt;
  key[3] = (PetscReal)s->nsteps;
  key[4] = (PetscReal)s->ntransient;
  key[5] = (PetscReal)s->seed;
  key[6] = s->G;
  key[7] = (PetscReal)rowlen;
  PetscFunctionReturn(0);
}
static const char *const nm_key_names[8] = {"n_regions", "n_states", "dt", "n_steps", "transient_steps", "seed", "G", "history_row"};

static PetscErrorCode NMRunCheckpoint(NMSimulator s, NMRun *r)
{
  NMFile             ck;
  PetscReal         *hist;
  PetscInt           rowlen, sdims[2] = {s->n, r->ns}, hdims[2];
  PetscReal          key[8];
  const char *const  names[] = {"region", "state"}, *const hnames[] = {"region", "channel_and_lag"};

  PetscFunctionBegin;
  PetscCall(NMTensorGetHistoryRowLength(s->tensor, &rowlen));
  PetscCall(PetscMalloc1((size_t)r->nl * rowlen + 1, &hist));
  PetscCall(NMTensorSaveHistory(s->tensor, r->step, hist));
  hdims[0] = s->n;
  hdims[1] = rowlen;
  PetscCall(NMFileCreate(s->comm, s->checkpoint_path, NM_FORMAT_CHECKPOINT, &ck));
  PetscCall(NMFileSetAttributeInt(ck, "/", "steps_done", r->step));
  PetscCall(NMFileSetAttributeString(ck, "/", "model", s->model->name));
  PetscCall(NMCheckpointKey(s, rowlen, key));
  for (int k = 0; k < 8; k++) PetscCall(NMFileSetAttributeReal(ck, "/", nm_key_names[k], key[k]));
  PetscCall(NMFileWriteReal(ck, "state", 2, sdims, names, NULL, s->rstart, s->rend, r->x));
  PetscCall(NMFileWriteReal(ck, "history", 2, hdims, hnames, NULL, s->rstart, s->rend, hist));
  PetscCall(PetscFree(hist));
  for (PetscInt k = 0; k < r->nmon; k++) {
    char prefix[16];
    PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "monitor%" PetscInt_FMT, k));
    PetscCall(NMMonitorSave(&r->mon[k], ck, prefix)); /* flushes the monitor's samples */
  }
  /* the output on disk must be whole as of this step before the checkpoint names it */
  PetscCall(NMFileFlush(r->out));
  PetscCall(NMFileCommit(&ck));
  /* the partial output is now part of a restart point: no failure may remove it */
  PetscCall(NMFileKeepOnFailure(r->out));
  PetscFunctionReturn(0);
}

/* Continue from the checkpoint: states, histories (ghosts from their owners' rows),
   monitors, and the partial output file. */
static PetscErrorCode NMRunResume(NMSimulator s, NMRun *r, const char path[])
{
  NMFile           ck;
  PetscInt         rowlen, dims[2];
  PetscReal        key[8], have, *all;
  PetscBool        found;
  char             model[64];

  PetscFunctionBegin;
  PetscCall(NMCheckReadable(s->comm, "-checkpoint", s->checkpoint_path));
  PetscCall(NMFileOpen(s->comm, s->checkpoint_path, NM_FORMAT_CHECKPOINT, &ck));
  PetscCall(NMTensorGetHistoryRowLength(s->tensor, &rowlen));
  PetscCall(NMCheckpointKey(s, rowlen, key));
  PetscCall(NMFileGetAttributeString(ck, "/", "model", model, sizeof(model), &found));
  PetscCheck(found && !strcmp(model, s->model->name), s->comm, PETSC_ERR_ARG_INCOMP, "-restart: checkpoint %s is of model %s, this run is model %s", s->checkpoint_path, model, s->model->name);
  for (int k = 0; k < 8; k++) {
    PetscCall(NMFileGetAttributeReal(ck, "/", nm_key_names[k], &have, &found));
    PetscCheck(found && have == key[k], s->comm, PETSC_ERR_ARG_INCOMP, "-restart: checkpoint %s has %s = %g but this run has %g; resume with the options of the run that wrote it", s->checkpoint_path, nm_key_names[k], (double)have, (double)key[k]);
  }
  PetscCall(NMFileGetAttributeReal(ck, "/", "steps_done", &have, &found));
  r->step = (PetscInt64)have;
  PetscCall(NMFileGetShape(ck, "history", 2, dims));
  PetscCall(PetscMalloc1((size_t)s->n * rowlen, &all));
  PetscCall(NMFileReadReal(ck, "history", 0, s->n, all));
  PetscCall(NMTensorRestoreHistory(s->tensor, r->step, all));
  PetscCall(PetscFree(all));
  PetscCall(NMFileReadReal(ck, "state", s->rstart, s->rend, r->x));
  PetscCall(NMFileReopen(s->comm, path, NM_FORMAT_SIMULATION, &r->out));
  PetscCall(NMRunCreateMonitors(s, r, PETSC_TRUE));
  for (PetscInt k = 0; k < r->nmon; k++) {
    char prefix[16];
    PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "monitor%" PetscInt_FMT, k));
    PetscCall(NMMonitorLoad(&r->mon[k], ck, prefix));
  }
  PetscCall(NMFileDestroy(&ck));
  PetscCall(PetscPrintf(s->comm, "netmass simulate: resuming at step %" PetscInt64_FMT " of %" PetscInt64_FMT " (t = %g s) from %s\n", r->step, s->nsteps, (double)(r->step * s->dt), s->checkpoint_path));
  PetscFunctionReturn(0);
}

/* First non-finite state among the owned nodes after a step, as (step, node). */
static void NMFindNonFinite(const PetscReal x[], PetscInt nlocal, PetscInt ns, PetscInt rstart, PetscInt64 step, PetscInt64 bad[2])
{
  if (bad[0] >= 0) return;
  for (PetscInt i = 0; i < nlocal; i++)
    for (PetscInt k = 0; k < ns; k++)
      if (!isfinite(x[i * ns + k])) { /* C99 isfinite: inline, unlike PetscIsInfOrNanReal */
        bad[0] = step;
        bad[1] = rstart + i;
        return;
      }
}

/* One step of every owned node: inputs at t_{n+1}, noise, integration, outputs, monitors. */
static PetscErrorCode NMRunStep(NMSimulator s, NMRun *r, const PetscReal rowsum[], PetscInt64 bad[2])
{
  const NMModelType *m    = s->model;
  const PetscInt64   step = r->step;
  const size_t       nu   = (size_t)r->nl * r->nc;
  PetscReal         *tmp, *u0, *u1;

  PetscFunctionBegin;
  /* ghosts get the samples of the last `interval` steps; until the next exchange every
     input a receiver needs is local (each cut edge has lag >= interval) */
  if (step > 0 && step % r->interval == 0) PetscCall(NMTensorExchange(s->tensor, step));
  if (r->bj == r->bm) {
    /* the block is used up: the inputs of the next steps in one pass over the tensor */
    if (r->bm) PetscCall(PetscArraycpy(r->u, r->u + r->bm * nu, nu));
    PetscCall(NMTensorContractBlock(s->tensor, step + 1, (PetscInt)PetscMin(s->nsteps - step, PETSC_MAX_INT), s->G, r->u + nu, &r->bm));
    r->bj = 0;
  }
  u0 = r->u + r->bj * nu;
  u1 = u0 + nu;
  PetscCall(PetscLogEventBegin(NM_EVENT_NodeStep, 0, 0, 0, 0));
  /* the ns normals a node uses, from its nz/4 Philox blocks of the step (the rest of the
     last block is not computed) */
  for (PetscInt i = 0; i < r->nl; i++) NMRandomNormalFill(&r->streams[i], (uint64_t)step * (uint64_t)(r->nz / 4), (size_t)r->ns, r->z + i * r->nz);
  for (PetscInt i = 0; i < r->nl; i++) PetscCall(NMIntegratorStep(s->integ, r->x + i * r->ns, u0 + i * r->nc, u1 + i * r->nc, s->G * rowsum[i], s->theta + (s->rstart + i) * r->np, r->z + i * r->nz, r->x1 + i * r->ns));
  for (PetscInt i = 0; i < r->nl; i++) {
    m->coupling(m->ctx, r->x1 + i * r->ns, s->theta + (s->rstart + i) * r->np, r->c + i * r->nc);
    r->drive[i] = r->c[i * r->nc];
  }
  PetscCall(PetscLogEventEnd(NM_EVENT_NodeStep, 0, 0, 0, 0));
  PetscCall(NMTensorPush(s->tensor, step + 1, r->c));
  NMFindNonFinite(r->x1, r->nl, r->ns, s->rstart, step + 1, bad);
  PetscCall(PetscLogEventBegin(NM_EVENT_Monitor, 0, 0, 0, 0));
  for (PetscInt k = 0; k < r->nmon; k++) {
    PetscCall(NMMonitorRecord(&r->mon[k], step + 1, s->ntransient, r->x1, r->ns, r->drive, s->dt));
    if (bad[0] < 0 && r->mon[k].bad_step >= 0) {
      bad[0] = r->mon[k].bad_step;
      bad[1] = r->mon[k].bad_node;
    }
  }
  PetscCall(PetscLogEventEnd(NM_EVENT_Monitor, 0, 0, 0, 0));
  tmp = r->x, r->x = r->x1, r->x1 = tmp;
  r->bj++;
  r->step++;
  PetscFunctionReturn(0);
}

PetscErrorCode NMSimulatorIntegrate(NMSimulator s, const char path[])
{
  NMRun            r;
  const PetscReal *rowsum;
  PetscInt64       bad[2] = {-1, -1}, ckpt_steps = 0, agreed[3] = {PETSC_MAX_INT, PETSC_MAX_INT, 0};

  PetscFunctionBeginUser;
  if (!s->checkpoint_path[0]) PetscCall(PetscSNPrintf(s->checkpoint_path, sizeof(s->checkpoint_path), "%s.checkpoint", path));
  if (s->checkpoint_interval > 0) PetscCall(NMStepsOf(s->comm, "-checkpoint_interval", s->checkpoint_interval, s->dt, &ckpt_steps));
  PetscCall(NMCatchSignals());
  PetscCall(NMTensorGetRowSums(s->tensor, &rowsum));
  PetscCall(NMRunCreate(s, &r));
  if (s->restart) PetscCall(NMRunResume(s, &r, path));
  else PetscCall(NMRunStart(s, &r, path));

  PetscCall(NMTensorContract(s->tensor, r.step, s->G, r.u));
  PetscCall(PetscLogEventBegin(NM_EVENT_Integrate, 0, 0, 0, 0));
  while (r.step < s->nsteps) {
    PetscCall(NMRunStep(s, &r, rowsum, bad));
    /* every rank must stop at the same step: agree on failures and signals now and then */
    if (r.step % NM_AGREE_STEPS == 0 || r.step == s->nsteps) {
      PetscInt64 mine[3] = {bad[0] < 0 ? PETSC_MAX_INT : bad[0], bad[0] < 0 ? PETSC_MAX_INT : bad[1], NMSignalCaught()};
      PetscCallMPI(MPI_Allreduce(mine, agreed, 1, MPIU_INT64, MPI_MIN, s->comm));
      agreed[1] = mine[0] == agreed[0] ? mine[1] : PETSC_MAX_INT;
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &agreed[1], 1, MPIU_INT64, MPI_MIN, s->comm));
      PetscCallMPI(MPI_Allreduce(&mine[2], &agreed[2], 1, MPIU_INT64, MPI_MAX, s->comm));
      if (agreed[0] != PETSC_MAX_INT) break;
      if (agreed[2] && r.step < s->nsteps && !s->ignore_signals) {
        /* SIGTERM/SIGUSR1 (e.g. Slurm's warning before the time limit): checkpoint, keep
           the partial output, stop */
        PetscCall(NMRunCheckpoint(s, &r));
        PetscCall(NMRunCloseMonitors(&r));
        PetscCall(NMFileDetach(&r.out));
        {
          const PetscInt64 at = r.step;
          PetscCall(PetscLogEventEnd(NM_EVENT_Integrate, 0, 0, 0, 0));
          PetscCall(NMRunDestroy(&r));
          SETERRQ(s->comm, PETSC_ERR_SIG, "stopped by signal %d at step %" PetscInt64_FMT " of %" PetscInt64_FMT " (t = %g s); checkpoint %s written, partial output %s.partial kept: run the same command with -restart to continue", (int)agreed[2], at, s->nsteps, (double)(at * s->dt), s->checkpoint_path, path);
        }
      }
    }
    if (ckpt_steps && r.step % ckpt_steps == 0 && r.step < s->nsteps) PetscCall(NMRunCheckpoint(s, &r));
  }
  PetscCall(PetscLogEventEnd(NM_EVENT_Integrate, 0, 0, 0, 0));
  for (PetscInt k = 0; k < r.nmon; k++) PetscCall(NMMonitorFlush(&r.mon[k]));
  PetscCall(NMFileSetAttributeInt(r.out, "/", "complete", agreed[0] == PETSC_MAX_INT));
  PetscCall(NMFileSetAttributeInt(r.out, "/", "steps_done", agreed[0] == PETSC_MAX_INT ? r.step : agreed[0] - 1));
  PetscCall(NMRunCloseMonitors(&r));
  PetscCall(NMFileCommit(&r.out));
  PetscCall(NMRunDestroy(&r));
  PetscCheck(agreed[0] == PETSC_MAX_INT, s->comm, PETSC_ERR_FP, "the state of node %" PetscInt64_FMT " (or its BOLD haemodynamics) became NaN or Inf at step %" PetscInt64_FMT " (t = %g s); %s keeps the output up to then, marked complete = 0. Reduce -dt, use -integrator ll, or check the parameters (the BOLD monitor needs a neural drive of moderate amplitude)", agreed[1], agreed[0], (double)(agreed[0] * s->dt), path);
  if (s->checkpoint_interval > 0 || s->restart) {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
    if (!rank) (void)remove(s->checkpoint_path); /* the run is complete: its checkpoint is obsolete */
  }
  PetscFunctionReturn(0);
}
