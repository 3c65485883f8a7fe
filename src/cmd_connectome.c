#include <netmass/generators.h>
#include <netmass/preprocess.h>
#include <netmass/sys.h>
#include "commands.h"

typedef enum {
  NM_CONNECTOME_RING,
  NM_CONNECTOME_SMALLWORLD,
  NM_CONNECTOME_FULL,
  NM_CONNECTOME_GEOMETRIC
} NMConnectomeType;
static const char *const NMConnectomeTypes[] = {"ring", "smallworld", "full", "geometric", "NMConnectomeType", "NM_CONNECTOME_", NULL};

PetscErrorCode NMCommandConnectome(MPI_Comm comm)
{
  NMConnectomeType  type = NM_CONNECTOME_RING;
  NMRingParams      ring = {0, 0, 8.0, 0.02, 0.5, 300.0};
  NMGeometricParams geo  = {0, 70.0, 20.0};
  NMPreprocess      pp;
  NMConnectome      conn;
  PetscInt          n = 0;
  PetscInt64        seed;
  PetscBool         help, nset, pset;
  char              out[PETSC_MAX_PATH_LEN] = "", steps[512], source[1024];
  const char       *kept;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "netmass connectome: generator and output", "netmass");
  PetscCall(PetscOptionsEnum("-type", "Network type", NULL, NMConnectomeTypes, (PetscEnum)type, (PetscEnum *)&type, NULL));
  PetscCall(PetscOptionsInt("-n", "Number of regions (columns)", NULL, n, &n, &nset));
  PetscCall(PetscOptionsInt("-ring_neighbours", "Short-range neighbours on each side, Ns (default floor(N/6))", NULL, ring.neighbours, &ring.neighbours, NULL));
  PetscCall(PetscOptionsReal("-ring_decay", "Short-range weight exp(-d/decay), d in ring steps", NULL, ring.decay, &ring.decay, NULL));
  PetscCall(PetscOptionsReal("-ring_long_probability", "Probability of a long-range link (smallworld)", NULL, ring.p_long, &ring.p_long, &pset));
  PetscCall(PetscOptionsReal("-ring_long_weight", "Mean long-range weight (weights w*k/4, k in {3,4,5})", NULL, ring.w_long, &ring.w_long, NULL));
  PetscCall(PetscOptionsReal("-ring_circumference", "Ring circumference (mm); tract lengths are arc lengths", NULL, ring.circumference, &ring.circumference, NULL));
  PetscCall(PetscOptionsReal("-geometric_radius", "Radius of the ball holding the regions (mm)", NULL, geo.radius, &geo.radius, NULL));
  PetscCall(PetscOptionsReal("-geometric_lambda", "Length scale of the exponential distance rule (mm)", NULL, geo.lambda, &geo.lambda, NULL));
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(NMPreprocessSetFromOptions(&pp));
  PetscCall(NMGetSeed(&seed));
  PetscCall(NMCheckUnusedOptions(comm, "connectome"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);

  PetscCheck(nset, comm, PETSC_ERR_ARG_WRONG, "missing option -n: give the number of regions, e.g. -n 68");
  PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o conn.h5");
  PetscCheck(!pp.zscore, comm, PETSC_ERR_ARG_WRONG, "-zscore applies to time series; a generated connectome has none");
  PetscCheck(!pset || type == NM_CONNECTOME_SMALLWORLD, comm, PETSC_ERR_ARG_WRONG, "-ring_long_probability applies to -type smallworld only (ring has none, full has 1)");
  ring.n = geo.n = n;
  if (!ring.neighbours) ring.neighbours = PetscMax(1, n / 6);
  switch (type) {
  case NM_CONNECTOME_RING:
    ring.p_long = 0;
    PetscCall(NMGenerateRing(comm, &ring, seed, &conn));
    break;
  case NM_CONNECTOME_SMALLWORLD:
    PetscCall(NMGenerateRing(comm, &ring, seed, &conn));
    break;
  case NM_CONNECTOME_FULL:
    ring.p_long = 1;
    PetscCall(NMGenerateRing(comm, &ring, seed, &conn));
    break;
  case NM_CONNECTOME_GEOMETRIC:
    PetscCall(NMGenerateGeometric(comm, &geo, seed, &conn));
    break;
  }
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
