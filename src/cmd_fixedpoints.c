#include <netmass/fixedpoint.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandFixedPoints(MPI_Comm comm)
{
  NMFixedPoints fp;
  char          out[PETSC_MAX_PATH_LEN] = "";
  PetscBool     help;

  PetscFunctionBeginUser;
  PetscCall(NMFixedPointsCreate(comm, &fp));
  PetscCall(NMFixedPointsSetFromOptions(fp));
  PetscOptionsBegin(comm, NULL, "netmass fixedpoints: output", "netmass");
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(NMCheckUnusedOptions(comm, "fixedpoints"));
  PetscCall(NMHelpRequested(&help));
  if (!help) {
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o fp.h5");
    PetscCall(NMFixedPointsSolve(fp));
    PetscCall(NMFixedPointsView(fp, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(NMFixedPointsWrite(fp, out));
    PetscCall(PetscPrintf(comm, "netmass fixedpoints: wrote %s\n", out));
  }
  PetscCall(NMFixedPointsDestroy(&fp));
  PetscFunctionReturn(0);
}
