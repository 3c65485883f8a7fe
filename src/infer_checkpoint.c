/* Training checkpoints: everything the next epoch depends on (parameters, Adam moments
   and step count, epochs done) and the curves so far, so that -restart continues bit for
   bit at the same rank count. */
#include <netmass/sys.h>
#include "infer_trainer_impl.h"

/* Settings that shape the trajectory besides the model dims: a checkpoint resumes only
   under the same ones. The keys from NM_NKEY_REQUIRED on came later: a checkpoint
   without them was written without a learning-rate drop (-1, 0). */
#define NM_NKEY          7
#define NM_NKEY_REQUIRED 5
static const char *const nm_key_names[NM_NKEY] = {"train_seed", "train_batch", "train_test_fraction", "train_lr", "train_beta_epochs", "train_lr_drop_epoch", "train_lr_drop_lr"};
static void NMTrainerKey(NMTrainer tr, PetscReal key[NM_NKEY])
{
  key[0] = (PetscReal)tr->seed;
  key[1] = (PetscReal)tr->batch;
  key[2] = tr->test_fraction;
  key[3] = tr->lr;
  key[4] = (PetscReal)tr->beta_epochs;
  key[5] = tr->lr_drop[0];
  key[6] = tr->lr_drop[1];
}

PetscErrorCode NMTrainerCheckpointWrite(NMTrainer tr)
{
  NMFile            f;
  PetscReal         key[NM_NKEY];
  PetscInt64       *steps;
  double           *m, *v;
  size_t            n;
  double           *theta;
  PetscMPIInt       rank;
  const char *const pdim[] = {"entry"};

  PetscFunctionBegin;
  PetscCall(NMInferModelGetParams(tr->model, &n, &theta));
  PetscCall(NMAdamGetState(tr->adam, &steps, &m, &v));
  PetscCallMPI(MPI_Comm_rank(tr->comm, &rank));
  PetscCall(NMFileCreate(tr->comm, tr->checkpoint_path, NM_FORMAT_TRAIN_CHECKPOINT, &f));
  NMTrainerKey(tr, key);
  for (PetscInt k = 0; k < NM_NKEY; k++) PetscCall(NMFileSetAttributeReal(f, "/", nm_key_names[k], key[k]));
  PetscCall(NMFileSetAttributeInt(f, "/", "epochs_done", tr->history.nepochs));
  PetscCall(NMFileSetAttributeInt(f, "/", "adam_steps", *steps));
  PetscCall(NMInferModelWriteTo(tr->comm, f, tr->model, "params"));
  {
    const PetscInt dims[1] = {(PetscInt)n};
    /* the flat vector too: a restart reads it back exactly, whatever the blocks */
    PetscCall(NMFileWriteReal(f, "state/theta", 1, dims, pdim, NULL, 0, rank ? 0 : dims[0], theta));
    PetscCall(NMFileWriteReal(f, "state/adam_m", 1, dims, pdim, NULL, 0, rank ? 0 : dims[0], m));
    PetscCall(NMFileWriteReal(f, "state/adam_v", 1, dims, pdim, NULL, 0, rank ? 0 : dims[0], v));
  }
  PetscCall(NMTrainingHistoryWrite(tr->comm, f, &tr->history));
  PetscCall(NMFileCommit(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainerCheckpointRead(NMTrainer tr)
{
  NMFile      f;
  NMInferDims have;
  PetscReal   key[NM_NKEY], val;
  PetscInt64 *steps;
  double     *m, *v, *theta;
  size_t      n;
  PetscInt    dims[1];
  PetscBool   found;
  char        what[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBegin;
  PetscCall(NMCheckReadable(tr->comm, "-checkpoint", tr->checkpoint_path));
  PetscCall(NMFileOpen(tr->comm, tr->checkpoint_path, NM_FORMAT_TRAIN_CHECKPOINT, &f));
  PetscCall(PetscSNPrintf(what, sizeof(what), "-restart: checkpoint %s", tr->checkpoint_path));
  PetscCall(NMInferDimsRead(tr->comm, f, &have));
  PetscCall(NMInferDimsCheck(tr->comm, what, &have, &tr->dims));
  NMTrainerKey(tr, key);
  for (PetscInt k = 0; k < NM_NKEY; k++) {
    PetscCall(NMFileGetAttributeReal(f, "/", nm_key_names[k], &val, &found));
    char hs[32], ws[32];
    if (!found && k >= NM_NKEY_REQUIRED) {
      val   = k == 5 ? -1 : 0;
      found = PETSC_TRUE;
    }
    PetscCheck(found, tr->comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no attribute %s: not a checkpoint of netmass train", what, nm_key_names[k]);
    if (val == key[k]) continue;
    PetscCall(NMFormat(hs, sizeof(hs), "%g", (double)val));
    PetscCall(NMFormat(ws, sizeof(ws), "%g", (double)key[k]));
    SETERRQ(tr->comm, PETSC_ERR_ARG_INCOMP, "%s has %s = %s but this run has %s; resume with the options of the run that wrote it", what, nm_key_names[k], hs, ws);
  }
  PetscCall(NMInferModelGetParams(tr->model, &n, &theta));
  PetscCall(NMFileGetShape(f, "state/theta", 1, dims));
  PetscCheck(dims[0] == (PetscInt)n, tr->comm, PETSC_ERR_ARG_INCOMP, "%s holds %" PetscInt_FMT " parameters, this model has %zu", what, dims[0], n);
  PetscCall(NMAdamGetState(tr->adam, &steps, &m, &v));
  PetscCall(NMFileReadReal(f, "state/theta", 0, dims[0], theta));
  PetscCall(NMFileReadReal(f, "state/adam_m", 0, dims[0], m));
  PetscCall(NMFileReadReal(f, "state/adam_v", 0, dims[0], v));
  PetscCall(NMFileGetAttributeReal(f, "/", "adam_steps", &val, &found));
  *steps = (PetscInt64)val;
  PetscCall(NMFileGetAttributeReal(f, "/", "epochs_done", &val, &found));
  PetscCall(NMTrainingHistoryRead(tr->comm, f, (PetscInt)val, &tr->history));
  PetscCall(NMFileDestroy(&f));
  PetscCall(PetscPrintf(tr->comm, "netmass train: resuming after epoch %" PetscInt_FMT " of %" PetscInt_FMT " from %s\n", tr->history.nepochs, tr->epochs, tr->checkpoint_path));
  PetscFunctionReturn(0);
}
