/* Hopf (Stuart-Landau) oscillator with diffusive coupling (`hopf`) or plain coupling
   (`hopf_plain`).

   Reference: V. Sip, M. Hashemi, T. Dickscheid, K. Amunts, S. Petkoski and V. Jirsa,
   "Characterization of regional differences in resting-state fMRI with a data-driven
   network model of brain dynamics", Sci. Adv. 9:eabq7547 (2023), eq. 30-31 (after Deco
   et al., Sci. Rep. 2017):
       dx/dt = (a - x^2 - y^2) x - omega y + G sum_j w_ij (x_j - x) + beta eta_x
       dy/dt = (a - x^2 - y^2) y + omega x + G sum_j w_ij (y_j - y) + beta eta_y
   with omega = 2 pi f. Below the bifurcation (a < 0) the origin is a stable focus with
   eigenvalues a +- i omega; above it (a > 0) a limit cycle of radius sqrt(a).

   Diffusive coupling: the simulator passes u = G sum_j w_ij (x_j, y_j) and
   self = G sum_j w_ij, and the model subtracts self * (x, y) itself (model.h).
   `hopf_plain` keeps u = G sum_j w_ij (x_j, y_j) alone: then the origin's eigenvalues are
   a + G lambda_i(W) +- i omega, so its Hopf bifurcation lies at G* = -a / lambda_max(W)
   (the fixed-point issue's known answer); the model's ctx is the factor of the self term.

   Noise: dx = f dt + beta dW, i.e. beta is in units of x / sqrt(s). Sip et al.'s reference
   code adds beta * N(0, 1) per step without the sqrt(dt) factor, so its effective beta
   differs from ours by sqrt(dt) (dt in s); convert when comparing fitted values. */
#include <netmass/model.h>

enum {
  HOPF_A,
  HOPF_F,
  HOPF_BETA,
  HOPF_NPARAM
};

static const char *const hopf_state_names[] = {"x", "y"};
static const char *const hopf_state_units[] = {"1", "1"};

static const NMParamInfo hopf_params[HOPF_NPARAM] = {
  [HOPF_A]    = {"a", "1/s", "bifurcation parameter (< 0: damped focus, > 0: limit cycle)", -0.5, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [HOPF_F]    = {"f", "Hz", "intrinsic frequency, omega = 2 pi f (> 0)", 0.05, 1e-12, PETSC_MAX_REAL},
  [HOPF_BETA] = {"beta", "1/sqrt(s)", "noise amplitude on x and y (>= 0)", 0.02, 0, PETSC_MAX_REAL},
};

static void HopfRhs(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[])
{
  const PetscReal a = theta[HOPF_A], w = 2 * PETSC_PI * theta[HOPF_F], g = a - x[0] * x[0] - x[1] * x[1], s = *(const PetscReal *)ctx * self;

  f[0] = g * x[0] - w * x[1] + u[0] - s * x[0];
  f[1] = g * x[1] + w * x[0] + u[1] - s * x[1];
}

static void HopfJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal J[])
{
  const PetscReal a = theta[HOPF_A], w = 2 * PETSC_PI * theta[HOPF_F], s = *(const PetscReal *)ctx * self;

  (void)u;
  J[0] = a - 3 * x[0] * x[0] - x[1] * x[1] - s;
  J[1] = -2 * x[0] * x[1] - w;
  J[2] = -2 * x[0] * x[1] + w;
  J[3] = a - x[0] * x[0] - 3 * x[1] * x[1] - s;
}

static void HopfInputJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal B[])
{
  (void)ctx;
  (void)x;
  (void)u;
  (void)theta;
  B[0] = 1;
  B[1] = 0;
  B[2] = 0;
  B[3] = 1;
}

static void HopfCoupling(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal c[])
{
  (void)ctx;
  (void)theta;
  c[0] = x[0];
  c[1] = x[1];
}

static void HopfCouplingJacobian(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal C[])
{
  (void)ctx;
  (void)x;
  (void)theta;
  C[0] = 1;
  C[1] = 0;
  C[2] = 0;
  C[3] = 1;
}

static void HopfNoise(const void *ctx, const PetscReal theta[], PetscReal sigma[])
{
  (void)ctx;
  sigma[0] = sigma[1] = theta[HOPF_BETA];
}

/* The attractor of the uncoupled deterministic node: the origin for a <= 0, a point of
   the limit cycle of radius sqrt(a) for a > 0 (starting at the origin there would sit on
   the unstable fixed point forever without noise). */
static void HopfInitialState(const void *ctx, const PetscReal theta[], PetscReal x0[])
{
  (void)ctx;
  x0[0] = theta[HOPF_A] > 0 ? PetscSqrtReal(theta[HOPF_A]) : 0;
  x0[1] = 0;
}

/* the factor of the self term: 1 diffusive, 0 plain coupling */
static const PetscReal hopf_diffusive = 1, hopf_plain = 0;

/* what the two couplings share */
#define NM_HOPF_COMMON \
  .nstate = 2, .state_names = hopf_state_names, .state_units = hopf_state_units, .ncoupling = 2, .nparam = HOPF_NPARAM, .params = hopf_params, .rhs = HopfRhs, .jacobian = HopfJacobian, .input_jacobian = HopfInputJacobian, .coupling = HopfCoupling, .coupling_jacobian = HopfCouplingJacobian, .noise = HopfNoise, .initial_state = HopfInitialState

const NMModelType NMModelHopf = {
  .name        = "hopf",
  .description = "Hopf (Stuart-Landau) oscillator with diffusive coupling (Sip et al., Sci. Adv. 2023, eq. 30-31)",
  .diffusive   = PETSC_TRUE,
  .ctx         = &hopf_diffusive,
  NM_HOPF_COMMON,
};

const NMModelType NMModelHopfPlain = {
  .name        = "hopf_plain",
  .description = "Hopf (Stuart-Landau) oscillator with plain coupling G sum_j w_ij (x_j, y_j) (no diffusive self term)",
  .diffusive   = PETSC_FALSE,
  .ctx         = &hopf_plain,
  NM_HOPF_COMMON,
};
