/* pMFM: the one-population reduced Wong-Wang model (mean-field model of NMDA gating).

   References: G. Deco, A. Ponce-Alvarez, D. Mantini, G. L. Romani, P. Hagmann and
   M. Corbetta, "Resting-state functional connectivity emerges from structurally and
   dynamically shaped slow linear fluctuations", J. Neurosci. 33:11239-11252 (2013), eq. 1-4;
   V. Sip et al., Sci. Adv. 9:eabq7547 (2023), eq. 32-34.
       dS/dt = -S / tau_s + (1 - S) gamma H(x) + sigma dW/dt
       x     = w J S + I_o + u,              u = G sum_j w_ij S_j   (nA, from the simulator)
       H(x)  = (a x - b) / (1 - exp(-d (a x - b)))   (firing rate, Hz)
   S is the fraction of open NMDA channels (dimensionless, in [0, 1]).

   Time is in seconds: Deco et al. write gamma = 0.641/1000 and tau_s = 100 ms because
   their time unit is ms while H is in Hz (1/s); with t in s the same model has gamma = 0.641
   and tau_s = 0.1 s. Deco's network term is G J_N sum_j C_ij S_j; here J_N is not applied
   to u, so a coupling G of Deco's paper corresponds to G J here.

   H(x) = z / (1 - exp(-d z)), z = a x - b, is smooth but 0/0 at z = 0 (value 1/d): it is
   evaluated with expm1 (no cancellation in 1 - exp(-d z)) and by its Taylor series
   for |d z| < 1e-3 (see NMRateTransfer in rate_transfer.h). */
#include <netmass/model.h>
#include "rate_transfer.h"

enum {
  PMFM_TAU_S,
  PMFM_GAMMA,
  PMFM_A,
  PMFM_B,
  PMFM_D,
  PMFM_J,
  PMFM_I_O,
  PMFM_W,
  PMFM_SIGMA,
  PMFM_NPARAM
};

static const char *const pmfm_state_names[] = {"S"};
static const char *const pmfm_state_units[] = {"1"};

static const NMParamInfo pmfm_params[PMFM_NPARAM] = {
  [PMFM_TAU_S] = {"tau_s", "s", "NMDA decay time constant (> 0)", 0.1, 1e-12, PETSC_MAX_REAL},
  [PMFM_GAMMA] = {"gamma", "1", "kinetic parameter: gating per spike (>= 0; Deco et al.'s 0.641/1000 per ms)", 0.641, 0, PETSC_MAX_REAL},
  [PMFM_A]     = {"a", "1/nC", "gain of the transfer function H (> 0)", 270, 1e-12, PETSC_MAX_REAL},
  [PMFM_B]     = {"b", "Hz", "threshold of the transfer function H", 108, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [PMFM_D]     = {"d", "s", "curvature of the transfer function H (> 0)", 0.154, 1e-12, PETSC_MAX_REAL},
  [PMFM_J]     = {"J", "nA", "synaptic coupling J_N (>= 0)", 0.2609, 0, PETSC_MAX_REAL},
  [PMFM_I_O]   = {"I_o", "nA", "external input current", 0.295, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [PMFM_W]     = {"w", "1", "recurrent excitation strength (>= 0)", 1, 0, PETSC_MAX_REAL},
  [PMFM_SIGMA] = {"sigma", "1/sqrt(s)", "noise amplitude on S (>= 0)", 0.01, 0, PETSC_MAX_REAL},
};

/* z = a x - b with x = w J S + I_o + u. */
static PetscReal PMFMDrive(const PetscReal x[], const PetscReal u[], const PetscReal theta[])
{
  return theta[PMFM_A] * (theta[PMFM_W] * theta[PMFM_J] * x[0] + theta[PMFM_I_O] + u[0]) - theta[PMFM_B];
}

static void PMFMRhs(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[])
{
  (void)ctx;
  PetscReal H = NMRateTransfer(PMFMDrive(x, u, theta), theta[PMFM_D], NULL);

  (void)self; /* additive coupling */
  f[0] = -x[0] / theta[PMFM_TAU_S] + (1 - x[0]) * theta[PMFM_GAMMA] * H;
}

/* df/dS = -1/tau_s - gamma H + (1 - S) gamma H'(z) a w J. */
static void PMFMJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal J[])
{
  (void)ctx;
  PetscReal dH, H = NMRateTransfer(PMFMDrive(x, u, theta), theta[PMFM_D], &dH), g = theta[PMFM_GAMMA];

  (void)self;
  J[0] = -1 / theta[PMFM_TAU_S] - g * H + (1 - x[0]) * g * dH * theta[PMFM_A] * theta[PMFM_W] * theta[PMFM_J];
}

/* df/du = (1 - S) gamma H'(z) a. */
static void PMFMInputJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal B[])
{
  (void)ctx;
  PetscReal dH;

  (void)NMRateTransfer(PMFMDrive(x, u, theta), theta[PMFM_D], &dH);
  B[0] = (1 - x[0]) * theta[PMFM_GAMMA] * dH * theta[PMFM_A];
}

static void PMFMCoupling(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal c[])
{
  (void)ctx;
  (void)theta;
  c[0] = x[0];
}

static void PMFMCouplingJacobian(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal C[])
{
  (void)ctx;
  (void)x;
  (void)theta;
  C[0] = 1;
}

static void PMFMNoise(const void *ctx, const PetscReal theta[], PetscReal sigma[])
{
  (void)ctx;
  sigma[0] = theta[PMFM_SIGMA];
}

/* The lowest fixed point of the uncoupled deterministic node (the spontaneous, low-activity
   state). f(S) = -S/tau_s + (1 - S) gamma H has f(0) = gamma H >= 0 (H > 0) and
   f(1) = -1/tau_s < 0, so a root lies in [0, 1]: scan upward for the first sign change,
   then bisect. The first crossing from + to - is a stable fixed point. */
static void PMFMInitialState(const void *ctx, const PetscReal theta[], PetscReal x0[])
{
  (void)ctx;
  const PetscReal u[1] = {0};
  PetscReal       lo = 0, hi = 1, f;

  for (int k = 1; k <= 100; k++) {
    PetscReal S[1] = {k / 100.0};
    PMFMRhs(ctx, S, u, 0, theta, &f);
    if (f <= 0) {
      hi = S[0];
      break;
    }
    lo = S[0];
  }
  for (int it = 0; it < 60; it++) {
    PetscReal S[1] = {0.5 * (lo + hi)};
    PMFMRhs(ctx, S, u, 0, theta, &f);
    if (f > 0) lo = S[0];
    else hi = S[0];
  }
  x0[0] = 0.5 * (lo + hi);
}

const NMModelType NMModelPMFM = {
  .name              = "pmfm",
  .description       = "one-population reduced Wong-Wang mean-field model (Deco et al., J. Neurosci. 2013; Sip et al., Sci. Adv. 2023, eq. 32-34)",
  .nstate            = 1,
  .state_names       = pmfm_state_names,
  .state_units       = pmfm_state_units,
  .ncoupling         = 1,
  .nparam            = PMFM_NPARAM,
  .params            = pmfm_params,
  .diffusive         = PETSC_FALSE,
  .rhs               = PMFMRhs,
  .jacobian          = PMFMJacobian,
  .input_jacobian    = PMFMInputJacobian,
  .coupling          = PMFMCoupling,
  .coupling_jacobian = PMFMCouplingJacobian,
  .noise             = PMFMNoise,
  .initial_state     = PMFMInitialState,
};
