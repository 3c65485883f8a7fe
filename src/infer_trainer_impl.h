#pragma once
/* The trainer's state, shared by its set-up and epoch loop (infer_trainer.c) and its
   checkpoints (infer_checkpoint.c). */
#include <netmass/adam.h>
#include <netmass/infer_items.h>
#include <netmass/infer_modelfile.h>
#include <netmass/trainer.h>

struct _n_NMTrainer {
  MPI_Comm          comm;
  char              cohort_path[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], checkpoint_path[PETSC_MAX_PATH_LEN];
  NMInferDims       dims;
  PetscInt          min_nt;
  /* optimisation (Sip et al. 2023, Methods) */
  PetscInt          epochs, batch, beta_epochs, checkpoint_every, stop_after;
  PetscReal         lr, clip, test_fraction, tr_s; /* tr_s: sample period of the cohort (s) */
  PetscReal         lr_drop[2];                    /* from epoch lr_drop[0] (0-based) on, the learning rate is lr_drop[1]; lr_drop[0] < 0: never */
  PetscBool         restart;
  PetscInt64        seed;
  /* state */
  NMInferItems      items;
  PetscInt          ntrain, ntest, *train, *test, *is_test;
  NMInferModel      model;
  NMAdam            adam;
  NMTrainingHistory history; /* history.nepochs = epochs done */
};

PETSC_INTERN PetscErrorCode NMTrainerCheckpointWrite(NMTrainer tr);
PETSC_INTERN PetscErrorCode NMTrainerCheckpointRead(NMTrainer tr);
