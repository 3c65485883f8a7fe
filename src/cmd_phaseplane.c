#include <netmass/phaseplane.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandPhasePlane(MPI_Comm comm)
{
  NMPhasePlane pp;
  char         out[PETSC_MAX_PATH_LEN] = "";
  PetscBool    help;

  PetscFunctionBeginUser;
  PetscCall(NMPhasePlaneCreate(comm, &pp));
  PetscCall(NMPhasePlaneSetFromOptions(pp));
  PetscOptionsBegin(comm, NULL, "netmass phaseplane: output", "netmass");
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(NMCheckUnusedOptions(comm, "phaseplane"));
  PetscCall(NMHelpRequested(&help));
  if (!help) {
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o pp.h5");
    PetscCall(NMPhasePlaneSetUp(pp));
    PetscCall(NMPhasePlaneCompute(pp));
    PetscCall(NMPhasePlaneView(pp, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(NMPhasePlaneWrite(pp, out));
    PetscCall(PetscPrintf(comm, "netmass phaseplane: wrote %s\n", out));
  }
  PetscCall(NMPhasePlaneDestroy(&pp));
  PetscFunctionReturn(0);
}
