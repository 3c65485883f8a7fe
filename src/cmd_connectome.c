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
  PetscInt           subjects = 0;
  PetscReal          eps = 0.1, jitter = 0.05;
  char         out[PETSC_MAX_PATH_LEN] = "", steps[512], source[1024];
  const char  *kept;

  PetscFunctionBeginUser;
  PetscCall(NMGetSeed(&seed));
  PetscCall(NMGeneratorOptionsRead(comm, "-type", "-n", &go));
  PetscOptionsBegin(comm, NULL, "netmass connectome: output", "netmass");
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscCall(PetscOptionsInt("-subjects", "Derive this many subject connectomes from the generated one and write a cohort file (0: write the connectome)", NULL, subjects, &subjects, NULL));
  PetscCall(PetscOptionsReal("-subject_eps", "Per subject, perturb the weights by eps max(W) N(0,1) on existing edges (clipped at 0, rescaled)", NULL, eps, &eps, NULL));
  PetscCall(PetscOptionsReal("-subject_length_jitter", "Per subject, multiply tract lengths by exp(jitter N(0,1))", NULL, jitter, &jitter, NULL));
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
  PetscCheck(subjects >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-subjects %" PetscInt_FMT " must be >= 0", subjects);
  if (subjects > 0) {
    NMCohort cohort;
    char     csource[sizeof(source) + 128];
    PetscCall(NMCohortDerive(comm, conn, subjects, eps, jitter, seed, &cohort));
    PetscCall(NMFormat(csource, sizeof(csource), "%s; %" PetscInt_FMT " subjects derived: weights + %g max(W) N(0,1), lengths x exp(%g N(0,1))", source, subjects, (double)eps, (double)jitter));
    PetscCall(NMCohortSetSource(cohort, csource));
    PetscCall(NMCohortSave(cohort, out));
    PetscCall(PetscPrintf(comm, "netmass connectome: wrote the cohort %s\n", out));
    PetscCall(NMCohortView(cohort, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(NMCohortDestroy(&cohort));
  } else {
    PetscCall(NMConnectomeSave(conn, out));
    PetscCall(PetscPrintf(comm, "netmass connectome: wrote %s\n", out));
    PetscCall(NMConnectomeView(conn, PETSC_VIEWER_STDOUT_(comm)));
  }
  PetscCall(NMConnectomeDestroy(&conn));
  PetscFunctionReturn(0);
}
