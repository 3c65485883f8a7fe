#include <netmass/simulator.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandSimulate(MPI_Comm comm)
{
  NMSimulator  sim;
  NMCohortSpec cohort;
  PetscInt     subjects;
  char         out[PETSC_MAX_PATH_LEN] = "";
  PetscBool    help;

  PetscFunctionBeginUser;
  PetscCall(NMSimulatorCreate(comm, &sim));
  PetscCall(NMSimulatorSetFromOptions(sim));
  PetscCall(NMCohortSpecCreate(comm, &cohort));
  PetscCall(NMCohortSpecGetSubjects(cohort, &subjects));
  PetscOptionsBegin(comm, NULL, "netmass simulate: output", "netmass");
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(NMCheckUnusedOptions(comm, "simulate"));
  PetscCall(NMHelpRequested(&help));
  if (!help && subjects > 0) {
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output cohort file, e.g. -o cohort.h5");
    PetscCall(NMCohortSpecRun(cohort, out));
    PetscCall(PetscPrintf(comm, "netmass simulate: wrote the cohort %s\n", out));
  } else if (!help) {
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o sim.h5");
    PetscCall(NMSimulatorSetUp(sim));
    PetscCall(NMSimulatorView(sim, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(NMSimulatorRun(sim, out));
    PetscCall(PetscPrintf(comm, "netmass simulate: wrote %s\n", out));
  }
  PetscCall(NMSimulatorDestroy(&sim));
  PetscCall(NMCohortSpecDestroy(&cohort));
  PetscFunctionReturn(0);
}
