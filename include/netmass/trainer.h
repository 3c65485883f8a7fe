#pragma once
/* NMTrainer: data-parallel training of the amortized inference model of Sip et al. 2023
   (Methods, "Training") on a cohort's (subject, region) items.

   Parameters are replicated on every rank; each global minibatch (default 64 items, a
   permutation of the training items per epoch keyed by (seed, epoch), the same on every
   rank) is split into contiguous shares, one per rank. The per-rank gradients and loss
   terms travel in ONE buffer summed by ONE MPI_Allreduce per step, after which every rank
   takes the same Adam step. Every random number of the engine is keyed by (seed, epoch,
   item, sample), so the trajectory is the same at any rank count up to the order of the
   sums. Checkpoints (parameters, Adam moments and step count, epochs done, curves) are
   written every -checkpoint_every epochs and on SIGTERM/SIGUSR1; -restart continues
   bit for bit at the same rank count. */
#include <netmass/infer.h>
#include <petscsys.h>

typedef struct _n_NMTrainer *NMTrainer;

PETSC_EXTERN PetscErrorCode NMTrainerCreate(MPI_Comm comm, NMTrainer *tr);
/* -cohort, -o, -infer_* (model dims), -train_* (optimisation), -checkpoint_every, -restart. */
PETSC_EXTERN PetscErrorCode NMTrainerSetFromOptions(NMTrainer tr);
/* Read the cohort, build the items and the split, create and initialise the model (or
   resume it from the checkpoint). */
PETSC_EXTERN PetscErrorCode NMTrainerSetUp(NMTrainer tr);
/* Train the remaining epochs and write the model file (format netmass-model). */
PETSC_EXTERN PetscErrorCode NMTrainerRun(NMTrainer tr);
PETSC_EXTERN PetscErrorCode NMTrainerDestroy(NMTrainer *tr);

/* Model dims from the options -infer_ns, -infer_mr, -infer_ms, -infer_variant,
   -infer_x0_logvar, -infer_hidden, -infer_lstm_units, -infer_samples (subjects, regions
   and samples come from the cohort). */
PETSC_EXTERN PetscErrorCode NMInferDimsSetFromOptions(MPI_Comm comm, NMInferDims *dims);
PETSC_EXTERN const char *const NMInferVariants[];
