#include <netmass/h5file.h>
#include <netmass/simulator.h>

/* The first state of one monitor of a simulation result, as region x time. */
PetscErrorCode NMSimulationReadObserved(MPI_Comm comm, const char path[], const char monitor[], PetscInt *n, PetscInt *t, PetscReal *dt, PetscReal **obs)
{
  NMFile     f;
  const int  bold = !strcmp(monitor, "bold");
  PetscInt   dims[3], nd = bold ? 2 : 3, w;
  PetscReal *data;
  PetscBool  found, has;

  PetscFunctionBeginUser;
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_SIMULATION, &f));
  PetscCall(NMFileHasDataset(f, monitor, &has));
  PetscCheck(has, comm, PETSC_ERR_ARG_WRONG, "the simulation has no %s monitor: set -monitor_%s", monitor, bold ? "bold_tr" : !strcmp(monitor, "raw") ? "raw_period" : "tavg_period");
  PetscCall(NMFileGetShape(f, monitor, nd, dims));
  w = nd == 3 ? dims[2] : 1;
  PetscCall(PetscMalloc1(dims[0] * dims[1] * w, &data));
  PetscCall(NMFileReadReal(f, monitor, 0, dims[0], data));
  PetscCall(NMFileGetAttributeReal(f, monitor, "dt", dt, &found));
  PetscCall(NMFileDestroy(&f));
  *t = dims[0];
  *n = dims[1];
  PetscCall(PetscMalloc1(dims[1] * dims[0], obs));
  for (PetscInt k = 0; k < dims[0]; k++)
    for (PetscInt r = 0; r < dims[1]; r++) (*obs)[r * dims[0] + k] = data[(k * dims[1] + r) * w];
  PetscCall(PetscFree(data));
  PetscFunctionReturn(0);
}
