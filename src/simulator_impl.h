#pragma once
/* The simulator's internals, shared by simulator.c (options, set-up) and simulator_run.c
   (time loop, checkpoints). Not installed. */
#include <netmass/simulator.h>
#include <netmass/connectome_tensor.h>
#include <netmass/generators.h>
#include <netmass/integrator.h>
#include <netmass/model.h>
#include <netmass/rng.h>
#include <netmass/preprocess.h>
#include <netmass/partition.h>
#include "monitor.h"

typedef enum {
  NM_INITIAL_DEFAULT, /* the model's resting state */
  NM_INITIAL_NORMAL,  /* the resting state plus N(0, sd^2) */
  NM_INITIAL_UNIFORM, /* U(low, high) */
  NM_INITIAL_GAUSSIAN /* N(0, sd^2) (Sip et al.'s synthetic cohorts) */
} NMInitialType;
extern const char *const NMInitialTypes[];

/* Random streams keyed by (seed, subject, node, step): Philox stream ids a = node and
   b = 256 subject + purpose, purpose 0 dynamics noise, 1 initial state, 2 + p parameter p. */
enum {
  NM_STREAM_NOISE   = 0,
  NM_STREAM_INITIAL = 1,
  NM_STREAM_PARAM   = 2
};
#define NM_STREAM(s, purpose) ((uint32_t)(256 * (s)->subject + (purpose)))

/* A parameter drawn per node: U(a, b), or N(a, b^2) floored at c. */
typedef struct {
  enum {
    NM_DRAW_NONE,
    NM_DRAW_UNIFORM,
    NM_DRAW_NORMAL
  } kind;
  PetscReal a, b, c;
} NMParamDraw;

struct _n_NMSimulator {
  MPI_Comm           comm;
  PetscMPIInt        rank, size;
  const NMModelType *model;
  NMModelType       *mlp; /* the learned node model (-model mlp), owned */
  NMIntegratorType   itype;
  PetscBool          ll_closed_form; /* -ll_closed_form: closed-form LL of two-state models */
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
  NMParamDraw       *draw;         /* nparam: how each parameter varies over nodes */
  char               params_file[PETSC_MAX_PATH_LEN];
  PetscReal         *theta;        /* n x nparam (all nodes, identical on every rank) */
  /* initial state */
  NMInitialType      initial;
  PetscReal          initial_sd, initial_low, initial_high;
  /* monitors (periods in s; 0 = off) */
  PetscReal          raw_period, tavg_period, bold_tr;
  NMTensor           tensor;
  NMContractOptions  contract; /* how the contraction runs (-contract_*) */
  NMPartitionOptions partition; /* which receivers each rank owns (-partition*) */
  PetscBool          setup;
  /* checkpoints: every checkpoint_interval s of simulated time (0: never) and on
     SIGTERM/SIGUSR1; -restart continues from the checkpoint file */
  PetscReal          checkpoint_interval;
  char               checkpoint_path[PETSC_MAX_PATH_LEN];
  PetscBool          restart;
  PetscBool          ignore_signals; /* run to the end on SIGTERM/SIGUSR1 (the caller stops after the run) */
  /* one subject of a cohort: its index keys the random streams; its connectome is the
     base one perturbed (NMMatrixPerturb, stream = subject) */
  PetscInt           subject;
  PetscReal          perturb_eps;
  NMPreprocess       pp; /* preprocessing of the connectome before the run */
};

/* Steps in `period` seconds; the period must be a whole number of steps. */
PetscErrorCode NMStepsOf(MPI_Comm comm, const char option[], PetscReal period, PetscReal dt, PetscInt64 *steps);
/* The time loop, from t = 0 or from the checkpoint (simulator_run.c). */
PetscErrorCode NMSimulatorIntegrate(NMSimulator s, const char path[]);


