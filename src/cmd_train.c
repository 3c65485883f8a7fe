#include <netmass/trainer.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandTrain(MPI_Comm comm)
{
  NMTrainer tr;
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(NMTrainerCreate(comm, &tr));
  PetscCall(NMTrainerSetFromOptions(tr));
  PetscCall(NMCheckUnusedOptions(comm, "train"));
  PetscCall(NMHelpRequested(&help));
  if (!help) {
    PetscCall(NMTrainerSetUp(tr));
    PetscCall(NMTrainerRun(tr));
  }
  PetscCall(NMTrainerDestroy(&tr));
  PetscFunctionReturn(0);
}
