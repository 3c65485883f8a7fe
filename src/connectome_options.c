#include <netmass/generators.h>
#include <netmass/sys.h>

static const char *const NMGenerateTypes[] = {"ring", "smallworld", "full", "geometric", "none", "NMGenerateType", "NM_GENERATE_", NULL};

PetscErrorCode NMGeneratorOptionsRead(MPI_Comm comm, const char typeopt[], const char nopt[], NMGeneratorOptions *go)
{
  const NMRingParams      ring = {0, 0, 8.0, 0.02, 0.5, 300.0};
  const NMGeometricParams geo  = {0, 70.0, 20.0, 0.0, 0.2};
  PetscBool               nset, pset;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(go, sizeof(*go)));
  go->type = NM_GENERATE_RING;
  go->ring = ring;
  go->geo  = geo;
  PetscCall(PetscStrncpy(go->typeopt, typeopt, sizeof(go->typeopt)));
  PetscCall(PetscStrncpy(go->nopt, nopt, sizeof(go->nopt)));
  PetscOptionsBegin(comm, NULL, "Connectome generator", "netmass");
  PetscCall(PetscOptionsEnum(typeopt, "Network type", NULL, NMGenerateTypes, (PetscEnum)go->type, (PetscEnum *)&go->type, &go->set));
  PetscCall(PetscOptionsInt(nopt, "Number of regions (columns)", NULL, go->n, &go->n, &nset));
  PetscCall(PetscOptionsInt("-ring_neighbours", "Short-range neighbours on each side, Ns (default floor(N/6))", NULL, go->ring.neighbours, &go->ring.neighbours, NULL));
  PetscCall(PetscOptionsReal("-ring_decay", "Short-range weight exp(-d/decay), d in ring steps", NULL, go->ring.decay, &go->ring.decay, NULL));
  PetscCall(PetscOptionsReal("-ring_long_probability", "Probability of a long-range link (smallworld)", NULL, go->ring.p_long, &go->ring.p_long, &pset));
  PetscCall(PetscOptionsReal("-ring_long_weight", "Mean long-range weight (weights w*k/4, k in {3,4,5})", NULL, go->ring.w_long, &go->ring.w_long, NULL));
  PetscCall(PetscOptionsReal("-ring_circumference", "Ring circumference (mm); tract lengths are arc lengths", NULL, go->ring.circumference, &go->ring.circumference, NULL));
  PetscCall(PetscOptionsReal("-geometric_radius", "Radius of the ball holding the regions (mm)", NULL, go->geo.radius, &go->geo.radius, NULL));
  PetscCall(PetscOptionsReal("-geometric_lambda", "Length scale of the exponential distance rule (mm)", NULL, go->geo.lambda, &go->geo.lambda, NULL));
  PetscCall(PetscOptionsReal("-geometric_weight_lambda", "Log-normal weights exp(-d/lambda_w) 10^(sd z) with this length (mm); 0: uniform in [0.5, 1.5]", NULL, go->geo.weight_lambda, &go->geo.weight_lambda, NULL));
  PetscCall(PetscOptionsReal("-geometric_weight_sd", "SD of log10 of the log-normal weights", NULL, go->geo.weight_sd, &go->geo.weight_sd, NULL));
  PetscOptionsEnd();
  if (!go->set) PetscFunctionReturn(0);
  PetscCheck(nset, comm, PETSC_ERR_ARG_WRONG, "missing option %s: give the number of regions, e.g. %s 68", nopt, nopt);
  PetscCheck(!pset || go->type == NM_GENERATE_SMALLWORLD, comm, PETSC_ERR_ARG_WRONG, "-ring_long_probability applies to %s smallworld only (ring has none, full has 1)", typeopt);
  go->ring.n = go->geo.n = go->n;
  if (!go->ring.neighbours) go->ring.neighbours = PetscMax(1, go->n / 6);
  if (go->type == NM_GENERATE_RING) go->ring.p_long = 0;
  if (go->type == NM_GENERATE_FULL) go->ring.p_long = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode NMGeneratorOptionsGenerate(MPI_Comm comm, const NMGeneratorOptions *go, PetscInt64 seed, NMConnectome *conn)
{
  char source[128];

  PetscFunctionBeginUser;
  PetscCheck(go->set, comm, PETSC_ERR_ARG_WRONG, "missing option %s: give ring, smallworld, full, geometric or none", go->typeopt);
  switch (go->type) {
  case NM_GENERATE_RING:
  case NM_GENERATE_SMALLWORLD:
  case NM_GENERATE_FULL:
    PetscCall(NMGenerateRing(comm, &go->ring, seed, conn));
    break;
  case NM_GENERATE_GEOMETRIC:
    PetscCall(NMGenerateGeometric(comm, &go->geo, seed, conn));
    break;
  case NM_GENERATE_NONE:
    PetscCheck(go->n >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %" PetscInt_FMT " must be at least 1", go->nopt, go->n);
    PetscCall(NMConnectomeCreate(comm, go->n, conn));
    PetscCall(NMFormat(source, sizeof(source), "%" PetscInt_FMT " unconnected nodes", go->n));
    PetscCall(NMConnectomeSetSource(*conn, source));
    break;
  }
  PetscFunctionReturn(0);
}
