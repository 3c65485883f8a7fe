#include <netmass/sweep.h>
#include <netmass/sys.h>
#include "commands.h"

#define NM_SWEEP_MAX_SLICES 4096

PetscErrorCode NMCommandSweep(MPI_Comm comm)
{
  NMSweep   sweep = NULL;
  char      out[PETSC_MAX_PATH_LEN] = "", *slices[NM_SWEEP_MAX_SLICES];
  PetscInt  nslices = NM_SWEEP_MAX_SLICES;
  PetscBool help, merge;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "netmass sweep: output", "netmass");
  PetscCall(PetscOptionsString("-o", "Output HDF5 file (netmass-sweep)", NULL, out, out, sizeof(out), NULL));
  PetscCall(PetscOptionsStringArray("-sweep_merge", "Join these slice files (comma separated) of one grid into -o, instead of sweeping", NULL, slices, &nslices, &merge));
  PetscOptionsEnd();
  if (!merge) {
    nslices = 0;
    PetscCall(NMSweepCreate(comm, &sweep));
    PetscCall(NMSweepSetFromOptions(sweep));
  }
  PetscCall(NMCheckUnusedOptions(comm, "sweep"));
  PetscCall(NMHelpRequested(&help));
  if (!help) {
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output file, e.g. -o sweep.h5");
    if (merge) PetscCall(NMSweepMerge(comm, nslices, slices, out));
    else {
      PetscCall(NMSweepSetUp(sweep));
      PetscCall(NMSweepRun(sweep, out));
      PetscCall(PetscPrintf(comm, "netmass sweep: wrote %s\n", out));
    }
  }
  for (PetscInt i = 0; i < nslices; i++) PetscCall(PetscFree(slices[i]));
  PetscCall(NMSweepDestroy(&sweep));
  PetscFunctionReturn(0);
}
