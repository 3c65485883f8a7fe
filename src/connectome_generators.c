#include <netmass/generators.h>
#include <netmass/rng.h>
#include <netmass/sys.h>

/* One uniform in (0,1) for the unordered pair (i, j): pure function of the seed. */
static PetscReal NMPairUniform(PetscInt64 seed, PetscInt i, PetscInt j, PetscInt which)
{
  NMRandomStream s;
  double         u[4];

  NMRandomStreamInit(&s, (uint64_t)seed, (uint32_t)PetscMin(i, j), (uint32_t)PetscMax(i, j));
  NMRandomUniform4(&s, 0, u);
  return u[which];
}

PetscErrorCode NMGenerateRing(MPI_Comm comm, const NMRingParams *p, PetscInt64 seed, NMConnectome *conn)
{
  PetscInt   n = p->n;
  PetscReal *w, *l, *c, spacing, radius;
  char       source[256];

  PetscFunctionBeginUser;
  PetscCheck(n >= 3, comm, PETSC_ERR_ARG_OUTOFRANGE, "-n %" PetscInt_FMT ": a ring needs at least 3 columns", n);
  PetscCheck(p->neighbours >= 1 && p->neighbours <= n / 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-ring_neighbours %" PetscInt_FMT " must be in 1..N/2 = %" PetscInt_FMT, p->neighbours, n / 2);
  PetscCheck(p->decay > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-ring_decay %g must be positive", (double)p->decay);
  PetscCheck(p->p_long >= 0 && p->p_long <= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "long-range link probability %g must be in [0, 1]", (double)p->p_long);
  PetscCheck(p->w_long >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-ring_long_weight %g must be >= 0", (double)p->w_long);
  PetscCheck(p->circumference > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-ring_circumference %g mm must be positive", (double)p->circumference);
  PetscCall(PetscLogEventBegin(NM_EVENT_Generate, 0, 0, 0, 0));
  PetscCall(NMConnectomeCreate(comm, n, conn));
  PetscCall(NMConnectomeGetArrays(*conn, &w, &l, &c));
  spacing = p->circumference / n;
  radius  = p->circumference / (2 * PETSC_PI);
  for (PetscInt i = 0; i < n; i++) {
    c[3 * i]     = radius * PetscCosReal(2 * PETSC_PI * i / n);
    c[3 * i + 1] = radius * PetscSinReal(2 * PETSC_PI * i / n);
    c[3 * i + 2] = 0;
    for (PetscInt j = i + 1; j < n; j++) {
      PetscInt d = PetscMin(j - i, n - (j - i));
      l[i * n + j] = l[j * n + i] = d * spacing;
      if (d <= p->neighbours) w[i * n + j] = w[j * n + i] = PetscExpReal(-d / p->decay);
      else if (p->p_long > 0 && NMPairUniform(seed, i, j, 0) < p->p_long) {
        PetscInt k = 3 + (PetscInt)(3 * NMPairUniform(seed, i, j, 1)); /* uniform on {3, 4, 5} */
        w[i * n + j] = w[j * n + i] = p->w_long * k / 4.0;
      }
    }
  }
  PetscCall(NMFormat(source, sizeof(source), "ring generator: N %" PetscInt_FMT ", neighbours %" PetscInt_FMT ", decay %g, long-range probability %g weight %g, circumference %g mm, seed %" PetscInt64_FMT, n, p->neighbours, (double)p->decay, (double)p->p_long, (double)p->w_long, (double)p->circumference, seed));
  PetscCall(NMConnectomeSetSource(*conn, source));
  PetscCall(PetscLogEventEnd(NM_EVENT_Generate, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* The weight of a linked pair at distance d (mm): uniform in [0.5, 1.5], or log-normal
   around exp(-d/weight_lambda). The normal comes from step 1 of the pair's stream (the
   uniforms of step 0 decide the link), so switching the law does not move the links. */
static PetscReal NMGeometricWeight(const NMGeometricParams *p, PetscInt64 seed, PetscInt i, PetscInt j, PetscReal d)
{
  NMRandomStream s;
  double         z[4];

  if (p->weight_lambda <= 0) return 0.5 + NMPairUniform(seed, i, j, 1);
  NMRandomStreamInit(&s, (uint64_t)seed, (uint32_t)PetscMin(i, j), (uint32_t)PetscMax(i, j));
  NMRandomNormal4(&s, 1, z);
  return PetscExpReal(-d / p->weight_lambda + p->weight_sd * PetscLogReal(10.0) * z[0]);
}

PetscErrorCode NMGenerateGeometric(MPI_Comm comm, const NMGeometricParams *p, PetscInt64 seed, NMConnectome *conn)
{
  PetscInt   n = p->n;
  PetscReal *w, *l, *c;
  char       source[256];

  PetscFunctionBeginUser;
  PetscCheck(n >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-n %" PetscInt_FMT ": a geometric network needs at least 2 regions", n);
  PetscCheck(p->radius > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-geometric_radius %g mm must be positive", (double)p->radius);
  PetscCheck(p->lambda > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-geometric_lambda %g mm must be positive", (double)p->lambda);
  PetscCheck(p->weight_lambda >= 0 && p->weight_sd >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-geometric_weight_lambda %g mm and -geometric_weight_sd %g must not be negative (weight_lambda 0: uniform weights)", (double)p->weight_lambda, (double)p->weight_sd);
  PetscCall(PetscLogEventBegin(NM_EVENT_Generate, 0, 0, 0, 0));
  PetscCall(NMConnectomeCreate(comm, n, conn));
  PetscCall(NMConnectomeGetArrays(*conn, &w, &l, &c));
  /* Positions uniform in the ball: uniform direction from three normals, radius R u^(1/3).
     Stream (seed, i, i) is disjoint from the pair streams (i < j). */
  for (PetscInt i = 0; i < n; i++) {
    NMRandomStream s;
    double         z[4], u[4], norm;
    NMRandomStreamInit(&s, (uint64_t)seed, (uint32_t)i, (uint32_t)i);
    NMRandomNormal4(&s, 0, z);
    NMRandomUniform4(&s, 1, u);
    norm = PetscSqrtReal(z[0] * z[0] + z[1] * z[1] + z[2] * z[2]);
    for (PetscInt k = 0; k < 3; k++) c[3 * i + k] = p->radius * PetscCbrtReal(u[0]) * z[k] / norm;
  }
  PetscCall(NMConnectomeSetLengthsFromCentres(*conn));
  for (PetscInt i = 0; i < n; i++) {
    l[i * n + i] = 0;
    for (PetscInt j = i + 1; j < n; j++) {
      PetscReal d = l[i * n + j];
      if (NMPairUniform(seed, i, j, 0) < PetscExpReal(-d / p->lambda)) w[i * n + j] = w[j * n + i] = NMGeometricWeight(p, seed, i, j, d);
    }
  }
  PetscCall(NMFormat(source, sizeof(source), "geometric generator: N %" PetscInt_FMT ", ball radius %g mm, exponential distance rule lambda %g mm, weights %s lambda_w %g mm sd %g, seed %" PetscInt64_FMT, n, (double)p->radius, (double)p->lambda, p->weight_lambda > 0 ? "log-normal" : "uniform", (double)p->weight_lambda, (double)p->weight_sd, seed));
  PetscCall(NMConnectomeSetSource(*conn, source));
  PetscCall(PetscLogEventEnd(NM_EVENT_Generate, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
