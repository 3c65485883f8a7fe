/* The mean delay of every edge as the simulator's kernels define it (include/netmass/simulator.h). */
#include <netmass/connectome.h>
#include "simulator_impl.h"

PetscErrorCode NMSimulatorGetMeanDelays(NMSimulator s, PetscReal tau[])
{
  PetscReal *W, *L;

  PetscFunctionBeginUser;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ARG_WRONGSTATE, "NMSimulatorSetUp() first");
  PetscCall(NMConnectomeGetArrays(s->conn, &W, &L, NULL));
  for (PetscInt i = 0; i < s->n * s->n; i++) {
    tau[i] = 0;
    if (W[i] != 0) PetscCall(NMDelayKernelMean(&s->dm, L[i], s->dt, &tau[i]));
  }
  PetscFunctionReturn(0);
}
