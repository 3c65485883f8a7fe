#include <netmass/generators.h>
#include <netmass/preprocess.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandConnectome(MPI_Comm comm)
{
  NMPreprocess       pp;
  NMGeneratorOptions go;
  NMConnectome       conn;
  PetscInt64         seed;
  PetscBool          help;
  char         out[PETSC_MAX_PATH_LEN] = "", steps[512], source[1024];
  const char  *kept;

  PetscFunctionBeginUser;
  PetscCall(NMGetSeed(&seed));
  PetscCall(NMGeneratorOptionsRead(comm, "-type", "-n", &go));
  PetscOptionsBegin(comm, NULL, "netmass connectome: output", "netmass");
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(NMPreprocessSetFromOptions(&pp));
  PetscCall(NMCheckUnusedOptions(comm, "connectome"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o conn.h5");
  PetscCheck(!pp.zscore, comm, PETSC_ERR_ARG_WRONG, "-zscore applies to time series; a generated connectome has none");
  PetscCall(NMGeneratorOptionsGenerate(comm, &go, seed, &conn));
  PetscCall(NMPreprocessConnectome(&pp, conn, seed));
  PetscCall(NMPreprocessDescribe(&pp, steps, sizeof(steps)));
  PetscCall(NMConnectomeGetSource(conn, &kept));
  PetscCall(PetscSNPrintf(source, sizeof(source), "%s; preprocessing: %s", kept, steps));
  PetscCall(NMConnectomeSetSource(conn, source));
  PetscCall(NMConnectomeSave(conn, out));
  PetscCall(PetscPrintf(comm, "netmass connectome: wrote %s\n", out));
  PetscCall(NMConnectomeView(conn, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(NMConnectomeDestroy(&conn));
  PetscFunctionReturn(0);
}
