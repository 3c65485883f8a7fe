#include <netmass/infer_posterior.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandGenerate(MPI_Comm comm)
{
  char           model[PETSC_MAX_PATH_LEN] = "", cohort[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscInt       nsamples = 50;
  PetscInt64     seed;
  PetscBool      help;
  NMInferSession ses;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "netmass generate", "netmass");
  PetscCall(PetscOptionsString("-model", "Model file written by netmass train", NULL, model, model, sizeof(model), NULL));
  PetscCall(PetscOptionsString("-cohort", "Cohort the model was trained on (connectomes and data for the posteriors)", NULL, cohort, cohort, sizeof(cohort), NULL));
  PetscCall(PetscOptionsString("-o", "Output file of the simulations", NULL, out, out, sizeof(out), NULL));
  PetscCall(PetscOptionsInt("-generate_samples", "Posterior-predictive simulations per subject", NULL, nsamples, &nsamples, NULL));
  PetscOptionsEnd();
  PetscCall(NMGetSeed(&seed));
  PetscCall(NMCheckUnusedOptions(comm, "generate"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output file, e.g. -o gen.h5");
  PetscCheck(nsamples >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-generate_samples %" PetscInt_FMT " must be >= 1", nsamples);
  PetscCall(NMInferSessionLoad(comm, model, cohort, &ses));
  PetscCall(NMInferGenerateWrite(comm, &ses, nsamples, (uint64_t)seed, out));
  PetscCall(NMInferSessionDestroy(&ses));
  PetscCall(PetscPrintf(comm, "netmass generate: wrote %s\n", out));
  PetscFunctionReturn(0);
}
