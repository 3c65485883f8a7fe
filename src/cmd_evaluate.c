#include <netmass/infer_posterior.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandEvaluate(MPI_Comm comm)
{
  char           model[PETSC_MAX_PATH_LEN] = "", cohort[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscInt       nsim = 50, nrec = 100;
  PetscInt64     seed;
  PetscBool      help;
  NMInferSession ses;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "netmass evaluate", "netmass");
  PetscCall(PetscOptionsString("-model", "Model file written by netmass train", NULL, model, model, sizeof(model), NULL));
  PetscCall(PetscOptionsString("-cohort", "Cohort the model was trained on (ground truth used when present)", NULL, cohort, cohort, sizeof(cohort), NULL));
  PetscCall(PetscOptionsString("-o", "Output evaluation file", NULL, out, out, sizeof(out), NULL));
  PetscCall(PetscOptionsInt("-evaluate_simulations", "Posterior-predictive simulations per subject for the FC similarity", NULL, nsim, &nsim, NULL));
  PetscCall(PetscOptionsInt("-evaluate_recovery_samples", "Posterior samples for Spearman's rho of the recovery", NULL, nrec, &nrec, NULL));
  PetscOptionsEnd();
  PetscCall(NMGetSeed(&seed));
  PetscCall(NMCheckUnusedOptions(comm, "evaluate"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output file, e.g. -o eval.h5");
  PetscCheck(nsim >= 2 && nrec >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-evaluate_simulations %" PetscInt_FMT " must be >= 2 and -evaluate_recovery_samples %" PetscInt_FMT " >= 1", nsim, nrec);
  PetscCall(NMInferSessionLoad(comm, model, cohort, &ses));
  PetscCall(NMInferEvaluateWrite(comm, &ses, cohort, nsim, nrec, (uint64_t)seed, out));
  PetscCall(NMInferSessionDestroy(&ses));
  PetscCall(PetscPrintf(comm, "netmass evaluate: wrote %s\n", out));
  PetscFunctionReturn(0);
}
