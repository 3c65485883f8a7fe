#pragma once
/* The files of the inference: the trained model (format netmass-model) and the training
   checkpoint (netmass-train-checkpoint). Both hold the model dims as root attributes, the
   parameter vector as one 1-D dataset per named block under params/, and the training
   curves under training/ (docs/inference.md, "Commands and files"). */
#include <netmass/h5file.h>
#include <netmass/infer.h>

#define NM_FORMAT_MODEL            "netmass-model"
#define NM_FORMAT_TRAIN_CHECKPOINT "netmass-train-checkpoint"
#define NM_TRAIN_NTERMS            9 /* loglik, trans, x0, entropy, kl_r, kl_s, uext, xreg, l2 */

/* Per-epoch training curves; arrays hold `cap` epochs, the first `nepochs` filled. */
typedef struct {
  PetscInt   cap, nepochs;
  PetscReal *loss_train, *loss_test, *seconds, *gflops;
  PetscReal *cpu_seconds; /* CPU time the busiest rank spent computing: its work, whatever else runs */
  PetscReal *terms_train, *terms_test; /* cap x NM_TRAIN_NTERMS */
} NMTrainingHistory;
PETSC_EXTERN const char *const NMTrainTermNames[NM_TRAIN_NTERMS];
PETSC_EXTERN PetscErrorCode NMTrainingHistoryCreate(PetscInt cap, NMTrainingHistory *h);
PETSC_EXTERN PetscErrorCode NMTrainingHistoryDestroy(NMTrainingHistory *h);
PETSC_EXTERN PetscErrorCode NMTrainingHistoryWrite(MPI_Comm comm, NMFile f, const NMTrainingHistory *h);
/* Read `nepochs` epochs into h (allocated with cap >= nepochs). */
PETSC_EXTERN PetscErrorCode NMTrainingHistoryRead(MPI_Comm comm, NMFile f, PetscInt nepochs, NMTrainingHistory *h);

/* Dims as root attributes and the parameters under `prefix` (e.g. "params"). */
PETSC_EXTERN PetscErrorCode NMInferModelWriteTo(MPI_Comm comm, NMFile f, NMInferModel m, const char prefix[]);
/* Dims from a file's root attributes. */
PETSC_EXTERN PetscErrorCode NMInferDimsRead(MPI_Comm comm, NMFile f, NMInferDims *dims);
/* Parameters of an existing model with the file's dims from the blocks under `prefix`. */
PETSC_EXTERN PetscErrorCode NMInferModelReadFrom(MPI_Comm comm, NMFile f, NMInferModel m, const char prefix[]);
/* Compare the dims of a file with a model's; error naming the first that differs. */
PETSC_EXTERN PetscErrorCode NMInferDimsCheck(MPI_Comm comm, const char what[], const NMInferDims *have, const NMInferDims *want);

/* A trained model: dims, parameters, curves, the split (is_test per item, 0/1), provenance. */
typedef struct {
  NMInferModel model;
  PetscInt     nitems, *is_test, epochs;
  PetscInt64   seed;
  PetscReal    sample_period; /* s between samples of the training data (0: not recorded) */
} NMInferTrained;
PETSC_EXTERN PetscErrorCode NMInferTrainedLoad(MPI_Comm comm, const char path[], NMInferTrained *tm);
PETSC_EXTERN PetscErrorCode NMInferTrainedDestroy(NMInferTrained *tm);
