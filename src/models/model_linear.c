/* A linear two-state node, dx/dt = A x + b u + diag(sigma) dW/dt, with coupling output x1.

   Not a brain model: a test case with known answers. Its flow is exp(A t), so integrators,
   fixed-point searches and (in a network) the linearised dynamics can be checked against
   closed forms; the stationary covariance of the noisy node solves a Lyapunov equation. */
#include <netmass/model.h>

enum {
  LIN_A11,
  LIN_A12,
  LIN_A21,
  LIN_A22,
  LIN_B1,
  LIN_B2,
  LIN_SIGMA1,
  LIN_SIGMA2,
  LIN_NPARAM
};

static const char *const linear_state_names[] = {"x1", "x2"};
static const char *const linear_state_units[] = {"1", "1"};

static const NMParamInfo linear_params[LIN_NPARAM] = {
  [LIN_A11]    = {"a11", "1/s", "A[1,1]", -1, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [LIN_A12]    = {"a12", "1/s", "A[1,2]", 0, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [LIN_A21]    = {"a21", "1/s", "A[2,1]", 0, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [LIN_A22]    = {"a22", "1/s", "A[2,2]", -1, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [LIN_B1]     = {"b1", "1/s", "input gain of x1", 1, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [LIN_B2]     = {"b2", "1/s", "input gain of x2", 0, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [LIN_SIGMA1] = {"sigma1", "1/sqrt(s)", "noise amplitude on x1 (>= 0)", 0, 0, PETSC_MAX_REAL},
  [LIN_SIGMA2] = {"sigma2", "1/sqrt(s)", "noise amplitude on x2 (>= 0)", 0, 0, PETSC_MAX_REAL},
};

static void LinearRhs(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[])
{
  (void)ctx;
  (void)self; /* additive coupling */
  f[0] = theta[LIN_A11] * x[0] + theta[LIN_A12] * x[1] + theta[LIN_B1] * u[0];
  f[1] = theta[LIN_A21] * x[0] + theta[LIN_A22] * x[1] + theta[LIN_B2] * u[0];
}

static void LinearJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal J[])
{
  (void)ctx;
  (void)x;
  (void)u;
  (void)self;
  J[0] = theta[LIN_A11];
  J[1] = theta[LIN_A12];
  J[2] = theta[LIN_A21];
  J[3] = theta[LIN_A22];
}

static void LinearInputJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal B[])
{
  (void)ctx;
  (void)x;
  (void)u;
  B[0] = theta[LIN_B1];
  B[1] = theta[LIN_B2];
}

static void LinearCoupling(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal c[])
{
  (void)ctx;
  (void)theta;
  c[0] = x[0];
}

static void LinearCouplingJacobian(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal C[])
{
  (void)ctx;
  (void)x;
  (void)theta;
  C[0] = 1;
  C[1] = 0;
}

static void LinearNoise(const void *ctx, const PetscReal theta[], PetscReal sigma[])
{
  (void)ctx;
  sigma[0] = theta[LIN_SIGMA1];
  sigma[1] = theta[LIN_SIGMA2];
}

/* The origin: the fixed point of the uncoupled node for any invertible A. */
static void LinearInitialState(const void *ctx, const PetscReal theta[], PetscReal x0[])
{
  (void)ctx;
  (void)theta;
  x0[0] = x0[1] = 0;
}

const NMModelType NMModelLinear = {
  .name              = "linear",
  .description       = "linear test node dx/dt = A x + b u, 2 states (known-answer checks)",
  .nstate            = 2,
  .state_names       = linear_state_names,
  .state_units       = linear_state_units,
  .ncoupling         = 1,
  .nparam            = LIN_NPARAM,
  .params            = linear_params,
  .diffusive         = PETSC_FALSE,
  .rhs               = LinearRhs,
  .jacobian          = LinearJacobian,
  .input_jacobian    = LinearInputJacobian,
  .coupling          = LinearCoupling,
  .coupling_jacobian = LinearCouplingJacobian,
  .noise             = LinearNoise,
  .initial_state     = LinearInitialState,
};
