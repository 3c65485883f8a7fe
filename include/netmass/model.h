#pragma once
/* Node models: the dynamics of one neural mass (or one cortical column) of a network,
   defined once and shared by the simulator, the fixed-point search and inference.

   A node has `nstate` states x and receives `ncoupling` network inputs u. The network
   input of receiver r on channel k is u_k = G sum_e sum_tau K[e,r,tau] c_k(x_e(t - tau dt)),
   already scaled by the global coupling G; c(x) is the node's coupling output.
       dx/dt = f(x, u; theta) + sigma(theta) dW/dt            (additive noise)
   For diffusive coupling G sum_e w_re (c_e - c_r) (Hopf, Sip et al. eq. 30-31) the model
   also receives self = G sum_e w_re and subtracts self * c_r(x) itself.
   Models never call MPI and never allocate: they are plain functions on small arrays.
   Time is in seconds everywhere. */
#include <petscsys.h>

/* One parameter of a node model, settable globally (-<model>_<name> value) or per node
   from a file; values outside [lower, upper] are rejected. */
typedef struct {
  const char *name;
  const char *units;
  const char *description;
  PetscReal   value; /* default */
  PetscReal   lower, upper;
} NMParamInfo;

typedef struct {
  const char        *name;        /* -model <name> */
  const char        *description; /* one line, with the reference */
  PetscInt           nstate;
  const char *const *state_names;
  const char *const *state_units;
  PetscInt           ncoupling;
  PetscInt           nparam;
  const NMParamInfo *params;
  PetscBool          diffusive;
  /* f (nstate) */
  void (*rhs)(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[]);
  /* df/dx, nstate x nstate row-major: J[i*nstate + j] = df_i/dx_j */
  void (*jacobian)(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal J[]);
  /* df/du, nstate x ncoupling row-major */
  void (*input_jacobian)(const void *ctx, const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal B[]);
  /* optional: f, df/dx and df/du at once, bit for bit the three functions above (the LL
     step needs all three every step; a model whose three share costly subexpressions,
     such as rww2's transfer functions, computes them once). NULL: the three are called. */
  void (*linearize)(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[], PetscReal J[], PetscReal B[]);
  /* c(x) (ncoupling) and dc/dx (ncoupling x nstate row-major) */
  void (*coupling)(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal c[]);
  void (*coupling_jacobian)(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal C[]);
  /* noise amplitude per state: dx = f dt + sigma dW (units of x / sqrt(s)) */
  void (*noise)(const void *ctx, const PetscReal theta[], PetscReal sigma[]);
  /* a sensible initial state of an uncoupled node */
  void (*initial_state)(const void *ctx, const PetscReal theta[], PetscReal x0[]);
  /* data of a model made at run time (the learned MLP: its weights), passed as the first
     argument of every function above; NULL for the built-in models */
  const void *ctx;
} NMModelType;

/* NULL-terminated list of every model, and lookup by name with a clear error. */
PETSC_EXTERN const NMModelType *const NMModelTypes[];
PETSC_EXTERN PetscErrorCode NMModelFind(MPI_Comm comm, const char name[], const NMModelType **model);
/* Index of parameter `name`, or -1. */
PETSC_EXTERN PetscInt NMModelParamIndex(const NMModelType *model, const char name[]);
/* Check theta (nparam values) against the domains; `where` names the node in errors. */
PETSC_EXTERN PetscErrorCode NMModelCheckParams(MPI_Comm comm, const NMModelType *model, const PetscReal theta[], const char where[]);

/* The models (src/models/model_<name>.c). */
PETSC_EXTERN const NMModelType NMModelZJR;    /* Zetterberg-Jansen-Rit column, 6 states */
PETSC_EXTERN const NMModelType NMModelHopf;   /* Stuart-Landau, 2 states, diffusive */
PETSC_EXTERN const NMModelType NMModelHopfPlain; /* Stuart-Landau, 2 states, plain coupling */
PETSC_EXTERN const NMModelType NMModelPMFM;   /* one-population reduced Wong-Wang (pMFM) */
PETSC_EXTERN const NMModelType NMModelRWW2;   /* two-population reduced Wong-Wang (Deco 2014) */
PETSC_EXTERN const NMModelType NMModelLinear; /* dx/dt = A x + B u, 2 states */
