#include "monitor.h"
#include <netmass/sys.h>

/* Samples per block: about 4 MB per rank, at least 1. */
static PetscInt NMMonitorBlock(PetscInt nlocal, PetscInt nvar)
{
  PetscInt per = PetscMax(1, nlocal * nvar);
  return PetscMax(1, (PetscInt)((4 << 20) / (sizeof(PetscReal) * (size_t)per)));
}

PetscErrorCode NMMonitorCreate(NMFile file, PetscBool resume, NMMonitorKind kind, const char name[], PetscInt period, PetscInt nsamples, PetscReal dt, PetscReal t0, PetscInt n, PetscInt rstart, PetscInt nlocal, PetscInt nstate, const char *const state_names[], NMMonitor *mon)
{
  PetscInt          dims[3];
  const char *const names3[] = {"time", "region", "state"}, *const names2[] = {"time", "region"};
  char              list[512] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(mon, sizeof(*mon)));
  mon->kind     = kind;
  mon->period   = period;
  mon->nsamples = nsamples;
  mon->nvar     = kind == NM_MONITOR_BOLD ? 1 : nstate;
  mon->nlocal   = nlocal;
  mon->rstart   = rstart;
  mon->n        = n;
  mon->bad_step = mon->bad_node = -1;
  mon->capacity = PetscMin(PetscMax(nsamples, 1), NMMonitorBlock(nlocal, mon->nvar));
  PetscCall(PetscMalloc1((size_t)mon->capacity * nlocal * mon->nvar + 1, &mon->buf));
  if (kind == NM_MONITOR_TAVG) PetscCall(PetscCalloc1((size_t)nlocal * nstate + 1, &mon->acc));
  if (kind == NM_MONITOR_BOLD) {
    NMBalloonDefaults(&mon->balloon);
    PetscCall(PetscMalloc1(4 * (size_t)nlocal + 1, &mon->acc));
    for (PetscInt i = 0; i < nlocal; i++) NMBalloonRest(mon->acc + 4 * i);
  }
  if (resume) {
    PetscCall(NMFileOpenDatasetForWrite(file, name, &mon->ds));
    PetscFunctionReturn(0);
  }
  dims[0] = nsamples;
  dims[1] = n;
  dims[2] = mon->nvar;
  PetscCall(NMFileCreateDataset(file, name, kind == NM_MONITOR_BOLD ? 2 : 3, dims, kind == NM_MONITOR_BOLD ? names2 : names3, kind == NM_MONITOR_BOLD ? "a.u." : NULL, &mon->ds));
  PetscCall(NMFileSetAttributeReal(file, name, "dt", period * dt));
  PetscCall(NMFileSetAttributeReal(file, name, "t0", t0 + period * dt));
  if (kind != NM_MONITOR_BOLD) {
    for (PetscInt k = 0; k < nstate; k++) {
      if (k) PetscCall(PetscStrlcat(list, ",", sizeof(list)));
      PetscCall(PetscStrlcat(list, state_names[k], sizeof(list)));
    }
    PetscCall(NMFileSetAttributeString(file, name, "state_names", list));
  }
  PetscCall(NMFileSetAttributeString(file, name, "description", kind == NM_MONITOR_RAW ? "states sampled every dt; sample k at t0 + k dt" : kind == NM_MONITOR_TAVG ? "states averaged over windows of dt ending at t0 + k dt" : "Balloon-Windkessel BOLD (Friston et al. 2003) of the first coupling output, sampled at t0 + k dt"));
  PetscFunctionReturn(0);
}

PetscErrorCode NMMonitorFlush(NMMonitor *mon)
{
  PetscInt start[3] = {mon->written, mon->rstart, 0}, count[3] = {mon->buffered, mon->nlocal, mon->nvar};

  PetscFunctionBeginUser;
  if (!mon->buffered) PetscFunctionReturn(0);
  PetscCall(NMDatasetWrite(mon->ds, start, count, mon->buf));
  mon->written += mon->buffered;
  mon->buffered = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode NMMonitorRecord(NMMonitor *mon, PetscInt64 step, PetscInt64 transient, const PetscReal x[], PetscInt nstate, const PetscReal z[], PetscReal h)
{
  const PetscInt64 since = step - transient;
  PetscBool        sample;
  PetscReal       *row;

  PetscFunctionBegin;
  if (mon->kind == NM_MONITOR_BOLD)
    for (PetscInt i = 0; i < mon->nlocal; i++) {
      NMBalloonStep(&mon->balloon, mon->acc + 4 * i, z[i], h);
      /* a drive far beyond the model's range (inflow reaching 0) breaks the haemodynamics */
      if (mon->bad_step < 0 && PetscIsInfOrNanReal(NMBalloonSignal(&mon->balloon, mon->acc + 4 * i))) {
        mon->bad_step = step;
        mon->bad_node = mon->rstart + i;
      }
    }
  if (since <= 0) PetscFunctionReturn(0);
  if (mon->kind == NM_MONITOR_TAVG) {
    for (PetscInt k = 0; k < mon->nlocal * nstate; k++) mon->acc[k] += x[k];
    mon->nacc++;
  }
  sample = (PetscBool)(since % mon->period == 0 && mon->written + mon->buffered < mon->nsamples);
  if (!sample) PetscFunctionReturn(0);
  row = mon->buf + (size_t)mon->buffered * mon->nlocal * mon->nvar;
  switch (mon->kind) {
  case NM_MONITOR_RAW:
    PetscCall(PetscArraycpy(row, x, mon->nlocal * nstate));
    break;
  case NM_MONITOR_TAVG:
    for (PetscInt k = 0; k < mon->nlocal * nstate; k++) {
      row[k]       = mon->acc[k] / mon->nacc;
      mon->acc[k] = 0;
    }
    mon->nacc = 0;
    break;
  case NM_MONITOR_BOLD:
    for (PetscInt i = 0; i < mon->nlocal; i++) row[i] = NMBalloonSignal(&mon->balloon, mon->acc + 4 * i);
    break;
  }
  if (++mon->buffered == mon->capacity) PetscCall(NMMonitorFlush(mon));
  PetscFunctionReturn(0);
}

/* Values the monitor carries between samples: tavg sums, BOLD haemodynamic states. */
static PetscInt NMMonitorCarried(const NMMonitor *mon)
{
  return mon->kind == NM_MONITOR_TAVG ? mon->nvar : mon->kind == NM_MONITOR_BOLD ? 4 : 0;
}

PetscErrorCode NMMonitorSave(NMMonitor *mon, NMFile ckpt, const char prefix[])
{
  char           name[64];
  const PetscInt w = NMMonitorCarried(mon);

  PetscFunctionBeginUser;
  PetscCall(NMMonitorFlush(mon));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s_written", prefix));
  PetscCall(NMFileSetAttributeInt(ckpt, "/", name, mon->written));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s_nacc", prefix));
  PetscCall(NMFileSetAttributeInt(ckpt, "/", name, mon->nacc));
  if (w) {
    const PetscInt    dims[2]  = {mon->n, w};
    const char *const names[] = {"region", "carried"};
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_carried", prefix));
    PetscCall(NMFileWriteReal(ckpt, name, 2, dims, names, NULL, mon->rstart, mon->rstart + mon->nlocal, mon->acc));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMMonitorLoad(NMMonitor *mon, NMFile ckpt, const char prefix[])
{
  char           name[64];
  PetscReal      v;
  PetscBool      found;
  const PetscInt w = NMMonitorCarried(mon);

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s_written", prefix));
  PetscCall(NMFileGetAttributeReal(ckpt, "/", name, &v, &found));
  PetscCheck(found, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "checkpoint has no %s: written by a run with other monitors", name);
  mon->written = (PetscInt)v;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s_nacc", prefix));
  PetscCall(NMFileGetAttributeReal(ckpt, "/", name, &v, &found));
  mon->nacc = (PetscInt)v;
  if (w) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_carried", prefix));
    PetscCall(NMFileReadReal(ckpt, name, mon->rstart, mon->rstart + mon->nlocal, mon->acc));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMMonitorDestroy(NMMonitor *mon)
{
  PetscFunctionBeginUser;
  PetscCall(NMDatasetClose(&mon->ds));
  PetscCall(PetscFree(mon->buf));
  PetscCall(PetscFree(mon->acc));
  PetscFunctionReturn(0);
}
