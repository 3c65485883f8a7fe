/* Zetterberg-Jansen-Rit (ZJR) cortical column.

   References: B. H. Jansen and V. G. Rit, Biol. Cybern. 73:357-366 (1995); L. H. Zetterberg,
   L. Kristiansson and K. Mossberg, Biol. Cybern. 31:15-26 (1978); A. González-Mitjans et al.,
   "Accurate and efficient simulation of very high-dimensional neural mass models with
   distributed-delay connectome tensors", NeuroImage 274:120137 (2023), eq. 21 for C (the
   DD-NMM toolbox, github.com/CCC-members/Neural_Mass_Modeling).

   Three masses j in {pyr, inh, ste} (pyramidal cells, inhibitory interneurons, spiny
   stellate cells), each a second-order PSP block, i.e. the impulse response
   h_j beta_j t exp(-beta_j t) written as a first-order system:
       dy_j/dt = z_j
       dz_j/dt = h_j beta_j [mu_j + s(ytilde_j)] - 2 beta_j z_j - beta_j^2 y_j  (+ h_j beta_j sigma_j dW/dt)
   with the sigmoid s(v) = 2 e0 / (1 + exp(r (v0 - v))) and the column's wiring
       ytilde = C y,   C = [[0, c_pyr_inh, c_pyr_ste], [c_inh_pyr, 0, 0], [c_ste_pyr, 0, 0]]
   (rows receiver, columns emitter; defaults [[0, -33.75, 108], [33.75, 0, 0], [135, 0, 0]],
   the toolbox's C with c = 135: c1 = c, c2 = 0.8 c, c3 = c4 = 0.25 c, eq. 21).
   The network input u[0] (mV) adds to ytilde_ste: cortico-cortical afferents arrive on the
   stellate (layer 4) mass. The coupling output is y_pyr, the pyramidal PSP.

   Units: y in mV, z in mV/s, h in mV, beta in 1/s, rates (s, mu) in 1/s. sigma_j multiplies
   white noise dW/dt in the same units as mu_j, so it is in s^-1 s^(1/2): the state noise on
   z_j is h_j beta_j sigma_j in (mV/s)/sqrt(s).

   Checked against the toolbox (unit_jansen_and_rit_param.m, cortex_parameters.m,
   system_response_param.m): e0 = 2.5 /s, v0 = 6 mV, r = 0.56 /mV, C as above, excitatory
   blocks h = 325 tau with tau = 10 ms (h = 3.25 mV, beta = 100 /s), inhibitory h = 1100 tau
   with tau = 20 ms (h = 22 mV, beta = 50 /s), mu_ste = 3 /s ("3E0"; the thalamocortical
   variant sets e0 = 5). mu_ste = 3 is Jansen-Rit's p = 324 /s in this scaling
   (p = c_pyr_ste mu_ste) and gives the alpha limit cycle; mu_ste = 30 would drive the
   pyramidal sigmoid into saturation (a fixed point at y_pyr = 2 e0 h_pyr / beta_pyr). */
#include <netmass/model_zjr.h>

static const char *const zjr_state_names[] = {"y_pyr", "z_pyr", "y_inh", "z_inh", "y_ste", "z_ste"};
static const char *const zjr_state_units[] = {"mV", "mV/s", "mV", "mV/s", "mV", "mV/s"};

#define POS 1e-12 /* lower bound of the strictly positive parameters */

static const NMParamInfo zjr_params[NM_ZJR_NPARAM] = {
  [NM_ZJR_H_PYR]     = {"h_pyr", "mV", "maximum PSP amplitude of the pyramidal block (> 0)", 3.25, POS, PETSC_MAX_REAL},
  [NM_ZJR_H_INH]     = {"h_inh", "mV", "maximum PSP amplitude of the inhibitory block (> 0)", 22, POS, PETSC_MAX_REAL},
  [NM_ZJR_H_STE]     = {"h_ste", "mV", "maximum PSP amplitude of the stellate block (> 0)", 3.25, POS, PETSC_MAX_REAL},
  [NM_ZJR_BETA_PYR]  = {"beta_pyr", "1/s", "inverse PSP time constant of the pyramidal block (> 0)", 100, POS, PETSC_MAX_REAL},
  [NM_ZJR_BETA_INH]  = {"beta_inh", "1/s", "inverse PSP time constant of the inhibitory block (> 0)", 50, POS, PETSC_MAX_REAL},
  [NM_ZJR_BETA_STE]  = {"beta_ste", "1/s", "inverse PSP time constant of the stellate block (> 0)", 100, POS, PETSC_MAX_REAL},
  [NM_ZJR_E0]        = {"e0", "1/s", "half the maximum firing rate of the sigmoid (> 0)", 2.5, POS, PETSC_MAX_REAL},
  [NM_ZJR_V0]        = {"v0", "mV", "potential at half the maximum firing rate", 6, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_R]         = {"r", "1/mV", "steepness of the sigmoid (> 0)", 0.56, POS, PETSC_MAX_REAL},
  [NM_ZJR_C_PYR_INH] = {"c_pyr_inh", "1", "connectivity inhibitory -> pyramidal (negative: inhibition)", -33.75, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_C_PYR_STE] = {"c_pyr_ste", "1", "connectivity stellate -> pyramidal", 108, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_C_INH_PYR] = {"c_inh_pyr", "1", "connectivity pyramidal -> inhibitory", 33.75, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_C_STE_PYR] = {"c_ste_pyr", "1", "connectivity pyramidal -> stellate", 135, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_MU_PYR]    = {"mu_pyr", "1/s", "mean extrinsic input rate to the pyramidal mass", 0, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_MU_INH]    = {"mu_inh", "1/s", "mean extrinsic input rate to the inhibitory mass", 0, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_MU_STE]    = {"mu_ste", "1/s", "mean extrinsic input rate to the stellate mass", 3, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [NM_ZJR_SIGMA_PYR] = {"sigma_pyr", "1/sqrt(s)", "white-noise amplitude of the pyramidal input rate, same units as mu (>= 0)", 0, 0, PETSC_MAX_REAL},
  [NM_ZJR_SIGMA_INH] = {"sigma_inh", "1/sqrt(s)", "white-noise amplitude of the inhibitory input rate, same units as mu (>= 0)", 0, 0, PETSC_MAX_REAL},
  [NM_ZJR_SIGMA_STE] = {"sigma_ste", "1/sqrt(s)", "white-noise amplitude of the stellate input rate, same units as mu (>= 0)", 0, 0, PETSC_MAX_REAL},
};

/* Per-mass parameter indices, so the three blocks share one loop. */
static const int zjr_h[3]     = {NM_ZJR_H_PYR, NM_ZJR_H_INH, NM_ZJR_H_STE};
static const int zjr_beta[3]  = {NM_ZJR_BETA_PYR, NM_ZJR_BETA_INH, NM_ZJR_BETA_STE};
static const int zjr_mu[3]    = {NM_ZJR_MU_PYR, NM_ZJR_MU_INH, NM_ZJR_MU_STE};
static const int zjr_sigma[3] = {NM_ZJR_SIGMA_PYR, NM_ZJR_SIGMA_INH, NM_ZJR_SIGMA_STE};

PetscReal NMZJRSigmoid(PetscReal v, const PetscReal theta[])
{
  /* exp overflows to +inf far below threshold, giving exactly 0, never NaN. */
  return 2 * theta[NM_ZJR_E0] / (1 + PetscExpReal(theta[NM_ZJR_R] * (theta[NM_ZJR_V0] - v)));
}

/* s'(v) = r s (1 - s / (2 e0)), free of overflow. */
static PetscReal ZJRSigmoidDerivative(PetscReal v, const PetscReal theta[])
{
  PetscReal s = NMZJRSigmoid(v, theta);
  return theta[NM_ZJR_R] * s * (1 - s / (2 * theta[NM_ZJR_E0]));
}

/* The column's connectivity C (rows receiver, columns emitter) from theta. */
static void ZJRConnectivity(const PetscReal theta[], PetscReal C[3][3])
{
  C[0][0] = 0;
  C[0][1] = theta[NM_ZJR_C_PYR_INH];
  C[0][2] = theta[NM_ZJR_C_PYR_STE];
  C[1][0] = theta[NM_ZJR_C_INH_PYR];
  C[1][1] = 0;
  C[1][2] = 0;
  C[2][0] = theta[NM_ZJR_C_STE_PYR];
  C[2][1] = 0;
  C[2][2] = 0;
}

/* ytilde = C y + (0, 0, u). */
static void ZJRPotentials(const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal yt[3])
{
  PetscReal C[3][3];

  ZJRConnectivity(theta, C);
  for (int i = 0; i < 3; i++) {
    yt[i] = 0;
    for (int j = 0; j < 3; j++) yt[i] += C[i][j] * x[2 * j];
  }
  yt[NM_ZJR_STE] += u[0];
}

void NMZJRPsp(const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal rho[3])
{
  PetscReal yt[3];

  ZJRPotentials(x, u, theta, yt);
  for (int j = 0; j < 3; j++) rho[j] = theta[zjr_mu[j]] + NMZJRSigmoid(yt[j], theta);
}

static void ZJRRhs(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[])
{
  (void)ctx;
  PetscReal rho[3];

  (void)self; /* additive coupling */
  NMZJRPsp(x, u, theta, rho);
  for (int j = 0; j < 3; j++) {
    PetscReal h = theta[zjr_h[j]], b = theta[zjr_beta[j]];
    f[2 * j]     = x[2 * j + 1];
    f[2 * j + 1] = h * b * rho[j] - 2 * b * x[2 * j + 1] - b * b * x[2 * j];
  }
}

/* d(dz_j/dt)/dy_k = h_j beta_j s'(ytilde_j) C_jk - beta_j^2 delta_jk, d(dz_j/dt)/dz_j = -2 beta_j. */
static void ZJRJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal J[])
{
  (void)ctx;
  PetscReal C[3][3], yt[3];

  (void)self;
  ZJRConnectivity(theta, C);
  ZJRPotentials(x, u, theta, yt);
  for (int k = 0; k < 36; k++) J[k] = 0;
  for (int j = 0; j < 3; j++) {
    PetscReal h = theta[zjr_h[j]], b = theta[zjr_beta[j]], g = h * b * ZJRSigmoidDerivative(yt[j], theta);
    J[(2 * j) * 6 + 2 * j + 1] = 1;
    for (int k = 0; k < 3; k++) J[(2 * j + 1) * 6 + 2 * k] = g * C[j][k];
    J[(2 * j + 1) * 6 + 2 * j] -= b * b;
    J[(2 * j + 1) * 6 + 2 * j + 1] = -2 * b;
  }
}

/* Only dz_ste/dt sees u: h_ste beta_ste s'(ytilde_ste). */
static void ZJRInputJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal B[])
{
  (void)ctx;
  PetscReal yt[3];

  ZJRPotentials(x, u, theta, yt);
  for (int k = 0; k < 6; k++) B[k] = 0;
  B[2 * NM_ZJR_STE + 1] = theta[NM_ZJR_H_STE] * theta[NM_ZJR_BETA_STE] * ZJRSigmoidDerivative(yt[NM_ZJR_STE], theta);
}

static void ZJRCoupling(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal c[])
{
  (void)ctx;
  (void)theta;
  c[0] = x[2 * NM_ZJR_PYR];
}

static void ZJRCouplingJacobian(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal C[])
{
  (void)ctx;
  (void)x;
  (void)theta;
  for (int k = 0; k < 6; k++) C[k] = 0;
  C[2 * NM_ZJR_PYR] = 1;
}

/* White noise sigma_j dW/dt on the input rate passes through the gain h_j beta_j onto dz_j/dt. */
static void ZJRNoise(const void *ctx, const PetscReal theta[], PetscReal sigma[])
{
  (void)ctx;
  for (int j = 0; j < 3; j++) {
    sigma[2 * j]     = 0;
    sigma[2 * j + 1] = theta[zjr_h[j]] * theta[zjr_beta[j]] * theta[zjr_sigma[j]];
  }
}

/* Each block at its own steady state for ytilde = 0, z = 0: y_j = h_j (mu_j + s(0)) / beta_j
   (0 = h b rho - b^2 y). Not a fixed point of the coupled column, but on the right scale
   (tenths of mV), so the transient is short and no block starts saturated. */
static void ZJRInitialState(const void *ctx, const PetscReal theta[], PetscReal x0[])
{
  (void)ctx;
  for (int j = 0; j < 3; j++) {
    x0[2 * j]     = theta[zjr_h[j]] * (theta[zjr_mu[j]] + NMZJRSigmoid(0, theta)) / theta[zjr_beta[j]];
    x0[2 * j + 1] = 0;
  }
}

const NMModelType NMModelZJR = {
  .name              = "zjr",
  .description       = "Zetterberg-Jansen-Rit cortical column, 3 masses (Jansen & Rit 1995; González-Mitjans et al. 2023)",
  .nstate            = 6,
  .state_names       = zjr_state_names,
  .state_units       = zjr_state_units,
  .ncoupling         = 1,
  .nparam            = NM_ZJR_NPARAM,
  .params            = zjr_params,
  .diffusive         = PETSC_FALSE,
  .rhs               = ZJRRhs,
  .jacobian          = ZJRJacobian,
  .input_jacobian    = ZJRInputJacobian,
  .coupling          = ZJRCoupling,
  .coupling_jacobian = ZJRCouplingJacobian,
  .noise             = ZJRNoise,
  .initial_state     = ZJRInitialState,
};
