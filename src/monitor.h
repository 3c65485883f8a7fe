#pragma once
/* Monitors of the simulator (private): each samples the owned nodes on a fixed schedule
   of steps, buffers a block of samples and writes it to its dataset in one collective
   hyperslab write, so memory does not grow with simulated time. Every rank follows the
   same schedule, so the collective writes line up. */
#include <netmass/h5file.h>
#include <netmass/bold.h>

typedef enum {
  NM_MONITOR_RAW,
  NM_MONITOR_TAVG,
  NM_MONITOR_BOLD
} NMMonitorKind;

typedef struct {
  NMMonitorKind   kind;
  PetscInt        period;   /* steps between samples */
  PetscInt        nsamples; /* samples in the whole run */
  PetscInt        nvar;     /* values per node per sample */
  PetscInt        nlocal, rstart, n;
  PetscInt        written;  /* samples already in the file */
  PetscInt        buffered; /* samples waiting in buf */
  PetscInt        capacity; /* samples per block */
  PetscReal      *buf;      /* capacity x nlocal x nvar */
  PetscReal      *acc;      /* tavg: running sums; bold: Balloon states (nlocal x 4) */
  PetscInt        nacc;     /* tavg: steps summed so far */
  NMBalloonParams balloon;
  NMDataset       ds;
  PetscInt64      bad_step, bad_node; /* BOLD: first non-finite haemodynamic state (-1: none) */
} NMMonitor;

/* Set up a monitor sampling every `period` steps after `transient` steps, for `nsamples`
   samples, creating its dataset in `file` (or, with `resume`, continuing it). */
PetscErrorCode NMMonitorCreate(NMFile file, PetscBool resume, NMMonitorKind kind, const char name[], PetscInt period, PetscInt nsamples, PetscReal dt, PetscReal t0, PetscInt n, PetscInt rstart, PetscInt nlocal, PetscInt nstate, const char *const state_names[], NMMonitor *mon);
/* Checkpoints: flush, then save (or restore) what the monitor carries between samples. */
PetscErrorCode NMMonitorSave(NMMonitor *mon, NMFile ckpt, const char prefix[]);
PetscErrorCode NMMonitorLoad(NMMonitor *mon, NMFile ckpt, const char prefix[]);
/* Called after every step `step` (1-based count of steps done) with the owned states
   x (nlocal x nstate) and neural drive z (nlocal values, for BOLD); h = dt. */
PetscErrorCode NMMonitorRecord(NMMonitor *mon, PetscInt64 step, PetscInt64 transient, const PetscReal x[], PetscInt nstate, const PetscReal z[], PetscReal h);
/* Write what is buffered (collective). */
PetscErrorCode NMMonitorFlush(NMMonitor *mon);
PetscErrorCode NMMonitorDestroy(NMMonitor *mon);
