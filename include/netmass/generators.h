#pragma once
/* Built-in connectome generators, so demos and tests need no external data.
   All are symmetric, have a zero diagonal and draw their randomness from Philox
   streams keyed by (seed, i, j) for the pair i < j, so the network depends only on
   the seed, never on the number of ranks. */
#include <netmass/connectome.h>

/* Ring of N columns (González-Mitjans et al., sec. 2.4 and 3, eq. 21-22): columns
   equally spaced on a circle of circumference `circumference` mm; columns at ring
   distance d <= neighbours are linked with weight exp(-d/decay) (short range, C_s);
   each farther pair is linked with probability p_long and weight w_long * k/4, k drawn
   from {3, 4, 5} (long range, C_l). Tract lengths of every pair are the arc distances
   d * spacing, spacing = circumference / N.
   NN: p_long = 0; small-world (SW): 0 < p_long < 1; fully connected (FC): p_long = 1. */
typedef struct {
  PetscInt  n;
  PetscInt  neighbours;    /* Ns, default floor(N/6) */
  PetscReal decay;         /* b in exp(-d/b), in units of ring steps, default 8 */
  PetscReal p_long;        /* probability of a long-range link */
  PetscReal w_long;        /* mean long-range weight */
  PetscReal circumference; /* mm */
} NMRingParams;

/* Random geometric network: N regions uniform in a ball of radius `radius` mm; a pair at
   distance d is linked with probability exp(-d/lambda) (the exponential distance rule
   of Ercsey-Ravasz et al. 2013); tract lengths are the Euclidean distances. Weights are
   uniform in [0.5, 1.5], or, with weight_lambda > 0, log-normal around a decay with
   distance, w = exp(-d/weight_lambda) 10^(weight_sd z), z ~ N(0, 1): the heavy-tailed,
   length-dependent weights of diffusion-MRI connectomes (docs/connectomes.md). */
typedef struct {
  PetscInt  n;
  PetscReal radius;        /* mm */
  PetscReal lambda;        /* mm */
  PetscReal weight_lambda; /* mm; 0: uniform weights */
  PetscReal weight_sd;     /* log10 units */
} NMGeometricParams;

PETSC_EXTERN PetscErrorCode NMGenerateRing(MPI_Comm comm, const NMRingParams *p, PetscInt64 seed, NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMGenerateGeometric(MPI_Comm comm, const NMGeometricParams *p, PetscInt64 seed, NMConnectome *conn);

/* The generator chosen with options: `typeopt` (e.g. "-type") names ring, smallworld,
   full, geometric or none (N unconnected nodes), `nopt` (e.g. "-n") the size; the
   -ring_* and -geometric_* options set the parameters. Reading the options is separate
   from generating, so a command checks all its options before doing any work. */
typedef enum {
  NM_GENERATE_RING,
  NM_GENERATE_SMALLWORLD,
  NM_GENERATE_FULL,
  NM_GENERATE_GEOMETRIC,
  NM_GENERATE_NONE
} NMGenerateType;
typedef struct {
  PetscBool         set; /* `typeopt` was given */
  NMGenerateType    type;
  PetscInt          n;
  NMRingParams      ring;
  NMGeometricParams geo;
  char              typeopt[32], nopt[32];
} NMGeneratorOptions;
PETSC_EXTERN PetscErrorCode NMGeneratorOptionsRead(MPI_Comm comm, const char typeopt[], const char nopt[], NMGeneratorOptions *go);
PETSC_EXTERN PetscErrorCode NMGeneratorOptionsGenerate(MPI_Comm comm, const NMGeneratorOptions *go, PetscInt64 seed, NMConnectome *conn);
