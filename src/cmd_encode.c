#include <netmass/infer_posterior.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandEncode(MPI_Comm comm)
{
  char           model[PETSC_MAX_PATH_LEN] = "", cohort[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscBool      help;
  NMInferSession ses;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "netmass encode", "netmass");
  PetscCall(PetscOptionsString("-model", "Model file written by netmass train", NULL, model, model, sizeof(model), NULL));
  PetscCall(PetscOptionsString("-cohort", "Cohort the model was trained on", NULL, cohort, cohort, sizeof(cohort), NULL));
  PetscCall(PetscOptionsString("-o", "Output file of the posteriors", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(NMCheckUnusedOptions(comm, "encode"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output file, e.g. -o enc.h5");
  PetscCall(NMInferSessionLoad(comm, model, cohort, &ses));
  PetscCall(NMInferEncodeWrite(comm, &ses, out));
  PetscCall(NMInferSessionDestroy(&ses));
  PetscCall(PetscPrintf(comm, "netmass encode: wrote %s\n", out));
  PetscFunctionReturn(0);
}
