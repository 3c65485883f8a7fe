/* rWW2: the two-population (excitatory-inhibitory) reduced Wong-Wang model.

   References: G. Deco, A. Ponce-Alvarez, P. Hagmann, G. L. Romani, D. Mantini and
   M. Corbetta, "How local excitation-inhibition ratio impacts the whole brain dynamics",
   J. Neurosci. 34:7886-7898 (2014), eq. 1-6; The Virtual Brain's ReducedWongWangExcInh.
       I_E = W_E I_0 + w_p J_N S_E - J_i S_I + J_N u,    u = G sum_j w_ij S_E,j
       I_I = W_I I_0 + J_N S_E - S_I
       r_E = H(I_E; a_E, b_E, d_E),  r_I = H(I_I; a_I, b_I, d_I),
       H(I; a, b, d) = (a I - b) / (1 - exp(-d (a I - b)))          (Hz)
       dS_E/dt = -S_E / tau_E + (1 - S_E) gamma_E r_E + sigma dW_E/dt
       dS_I/dt = -S_I / tau_I + gamma_I r_I           + sigma dW_I/dt
   J_i is the local feedback inhibition (Deco 2014's FIC weight, tuned per region there).

   Verified against TVB's source (tvb_library/tvb/simulator/models/wong_wang_exc_inh.py,
   ReducedWongWangExcInh: _numpy_dfun and the parameter defaults): the equations above
   with coupling term G J_N c added to the excitatory current; the defaults a_e 310 n/C,
   b_e 125 Hz, d_e 0.16 s, gamma_e 0.641/1000, tau_e 100 ms, w_p 1.4, J_N 0.15 nA, W_e 1,
   a_i 615 n/C, b_i 177 Hz, d_i 0.087 s, gamma_i 1/1000, tau_i 10 ms, J_i 1 nA, W_i 0.7,
   I_o 0.382 nA. TVB's time unit is ms, ours is s: gamma_E = 0.641, gamma_I = 1,
   tau_E = 0.1 s, tau_I = 0.01 s. Not included: TVB's I_ext (default 0) and lamda (default 0,
   network input on the inhibitory population). TVB uses the direct formula for H, which is
   0/0 at a I = b; here H is evaluated stably there (NMRateTransfer, rate_transfer.h). */
#include <netmass/model.h>
#include "rate_transfer.h"

enum {
  RWW2_A_E,
  RWW2_B_E,
  RWW2_D_E,
  RWW2_GAMMA_E,
  RWW2_TAU_E,
  RWW2_A_I,
  RWW2_B_I,
  RWW2_D_I,
  RWW2_GAMMA_I,
  RWW2_TAU_I,
  RWW2_W_E,
  RWW2_W_I,
  RWW2_I_0,
  RWW2_W_P,
  RWW2_J_N,
  RWW2_J_I,
  RWW2_SIGMA,
  RWW2_NPARAM
};

static const char *const rww2_state_names[] = {"S_E", "S_I"};
static const char *const rww2_state_units[] = {"1", "1"};

#define POS 1e-12 /* lower bound of the strictly positive parameters */

static const NMParamInfo rww2_params[RWW2_NPARAM] = {
  [RWW2_A_E]     = {"a_E", "1/nC", "gain of the excitatory transfer function (> 0)", 310, POS, PETSC_MAX_REAL},
  [RWW2_B_E]     = {"b_E", "Hz", "threshold of the excitatory transfer function", 125, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [RWW2_D_E]     = {"d_E", "s", "curvature of the excitatory transfer function (> 0)", 0.16, POS, PETSC_MAX_REAL},
  [RWW2_GAMMA_E] = {"gamma_E", "1", "excitatory kinetic parameter (>= 0; TVB's 0.641/1000 per ms)", 0.641, 0, PETSC_MAX_REAL},
  [RWW2_TAU_E]   = {"tau_E", "s", "NMDA decay time constant (> 0)", 0.1, POS, PETSC_MAX_REAL},
  [RWW2_A_I]     = {"a_I", "1/nC", "gain of the inhibitory transfer function (> 0)", 615, POS, PETSC_MAX_REAL},
  [RWW2_B_I]     = {"b_I", "Hz", "threshold of the inhibitory transfer function", 177, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [RWW2_D_I]     = {"d_I", "s", "curvature of the inhibitory transfer function (> 0)", 0.087, POS, PETSC_MAX_REAL},
  [RWW2_GAMMA_I] = {"gamma_I", "1", "inhibitory kinetic parameter (>= 0; TVB's 1/1000 per ms)", 1.0, 0, PETSC_MAX_REAL},
  [RWW2_TAU_I]   = {"tau_I", "s", "GABA decay time constant (> 0)", 0.01, POS, PETSC_MAX_REAL},
  [RWW2_W_E]     = {"W_E", "1", "scaling of the external input to the excitatory population (>= 0)", 1, 0, PETSC_MAX_REAL},
  [RWW2_W_I]     = {"W_I", "1", "scaling of the external input to the inhibitory population (>= 0)", 0.7, 0, PETSC_MAX_REAL},
  [RWW2_I_0]     = {"I_0", "nA", "effective external input current", 0.382, -PETSC_MAX_REAL, PETSC_MAX_REAL},
  [RWW2_W_P]     = {"w_p", "1", "excitatory recurrence weight (>= 0)", 1.4, 0, PETSC_MAX_REAL},
  [RWW2_J_N]     = {"J_N", "nA", "NMDA synaptic coupling (>= 0)", 0.15, 0, PETSC_MAX_REAL},
  [RWW2_J_I]     = {"J_i", "nA", "local feedback inhibition inhibitory -> excitatory (>= 0)", 1.0, 0, PETSC_MAX_REAL},
  [RWW2_SIGMA]   = {"sigma", "1/sqrt(s)", "noise amplitude on S_E and S_I (>= 0)", 0.01, 0, PETSC_MAX_REAL},
};

/* f, J = df/dx and B = df/du (each may be NULL), sharing the firing rates r_E, r_I (Hz)
   and, for J and B, their derivatives with respect to the currents I_E, I_I: the transfer
   functions are the model's whole cost. dI_E/dS_E = w_p J_N, dI_E/dS_I = -J_i,
   dI_I/dS_E = J_N, dI_I/dS_I = -1; only I_E sees u, through J_N. */
static void RWW2Eval(const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal f[], PetscReal J[], PetscReal B[])
{
  const PetscReal IE = theta[RWW2_W_E] * theta[RWW2_I_0] + theta[RWW2_W_P] * theta[RWW2_J_N] * x[0] - theta[RWW2_J_I] * x[1] + theta[RWW2_J_N] * u[0];
  const PetscReal II = theta[RWW2_W_I] * theta[RWW2_I_0] + theta[RWW2_J_N] * x[0] - x[1];
  const PetscReal gE = theta[RWW2_GAMMA_E], gI = theta[RWW2_GAMMA_I];
  const PetscBool deriv = (PetscBool)(J || B);
  PetscReal       r[2], dr[2] = {0, 0}, kE;

  r[0] = NMRateTransfer(theta[RWW2_A_E] * IE - theta[RWW2_B_E], theta[RWW2_D_E], deriv ? &dr[0] : NULL);
  r[1] = NMRateTransfer(theta[RWW2_A_I] * II - theta[RWW2_B_I], theta[RWW2_D_I], deriv ? &dr[1] : NULL);
  dr[0] *= theta[RWW2_A_E];
  dr[1] *= theta[RWW2_A_I];
  if (f) {
    f[0] = -x[0] / theta[RWW2_TAU_E] + (1 - x[0]) * gE * r[0];
    f[1] = -x[1] / theta[RWW2_TAU_I] + gI * r[1];
  }
  kE = (1 - x[0]) * gE * dr[0];
  if (J) {
    J[0] = -1 / theta[RWW2_TAU_E] - gE * r[0] + kE * theta[RWW2_W_P] * theta[RWW2_J_N];
    J[1] = -kE * theta[RWW2_J_I];
    J[2] = gI * dr[1] * theta[RWW2_J_N];
    J[3] = -1 / theta[RWW2_TAU_I] - gI * dr[1];
  }
  if (B) {
    B[0] = kE * theta[RWW2_J_N];
    B[1] = 0;
  }
}

static void RWW2Rhs(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[])
{
  (void)ctx;
  (void)self; /* additive coupling */
  RWW2Eval(x, u, theta, f, NULL, NULL);
}

static void RWW2Jacobian(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal J[])
{
  (void)ctx;
  (void)self;
  RWW2Eval(x, u, theta, NULL, J, NULL);
}

static void RWW2InputJacobian(const void *ctx, const PetscReal x[], const PetscReal u[], const PetscReal theta[], PetscReal B[])
{
  (void)ctx;
  RWW2Eval(x, u, theta, NULL, NULL, B);
}

static void RWW2Linearize(const void *ctx, const PetscReal x[], const PetscReal u[], PetscReal self, const PetscReal theta[], PetscReal f[], PetscReal J[], PetscReal B[])
{
  (void)ctx;
  (void)self;
  RWW2Eval(x, u, theta, f, J, B);
}

static void RWW2Coupling(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal c[])
{
  (void)ctx;
  (void)theta;
  c[0] = x[0];
}

static void RWW2CouplingJacobian(const void *ctx, const PetscReal x[], const PetscReal theta[], PetscReal C[])
{
  (void)ctx;
  (void)x;
  (void)theta;
  C[0] = 1;
  C[1] = 0;
}

static void RWW2Noise(const void *ctx, const PetscReal theta[], PetscReal sigma[])
{
  (void)ctx;
  sigma[0] = sigma[1] = theta[RWW2_SIGMA];
}

/* S_I at which dS_I/dt = 0 for a given S_E. dS_I/dt decreases strictly in S_I (H increases
   and I_I falls with S_I), is >= 0 at S_I = 0 and <= 0 at S_I = tau_I gamma_I r_I(S_I = 0),
   so bisection finds the unique root. */
static PetscReal RWW2InhibitoryNullcline(PetscReal SE, const PetscReal theta[])
{
  const PetscReal u[1] = {0};
  PetscReal       x[2] = {SE, 0}, f[2], lo = 0, hi;

  RWW2Rhs(NULL, x, u, 0, theta, f);
  hi = theta[RWW2_TAU_I] * f[1]; /* f[1] = gamma_I r_I at S_I = 0 */
  for (int it = 0; it < 60; it++) {
    x[1] = 0.5 * (lo + hi);
    RWW2Rhs(NULL, x, u, 0, theta, f);
    if (f[1] > 0) lo = x[1];
    else hi = x[1];
  }
  return 0.5 * (lo + hi);
}

/* The lowest fixed point of the uncoupled deterministic node (spontaneous activity): with
   S_I on its nullcline, g(S_E) = dS_E/dt has g(0) >= 0 and g(1) = -1/tau_E < 0; scan upward
   for the first sign change and bisect. */
static void RWW2InitialState(const void *ctx, const PetscReal theta[], PetscReal x0[])
{
  (void)ctx;
  const PetscReal u[1] = {0};
  PetscReal       lo = 0, hi = 1, x[2], f[2];

  for (int k = 1; k <= 100; k++) {
    x[0] = k / 100.0;
    x[1] = RWW2InhibitoryNullcline(x[0], theta);
    RWW2Rhs(ctx, x, u, 0, theta, f);
    if (f[0] <= 0) {
      hi = x[0];
      break;
    }
    lo = x[0];
  }
  for (int it = 0; it < 60; it++) {
    x[0] = 0.5 * (lo + hi);
    x[1] = RWW2InhibitoryNullcline(x[0], theta);
    RWW2Rhs(ctx, x, u, 0, theta, f);
    if (f[0] > 0) lo = x[0];
    else hi = x[0];
  }
  x0[0] = 0.5 * (lo + hi);
  x0[1] = RWW2InhibitoryNullcline(x0[0], theta);
}

const NMModelType NMModelRWW2 = {
  .name              = "rww2",
  .description       = "two-population reduced Wong-Wang model with feedback inhibition (Deco et al., J. Neurosci. 2014; TVB ReducedWongWangExcInh)",
  .nstate            = 2,
  .state_names       = rww2_state_names,
  .state_units       = rww2_state_units,
  .ncoupling         = 1,
  .nparam            = RWW2_NPARAM,
  .params            = rww2_params,
  .diffusive         = PETSC_FALSE,
  .rhs               = RWW2Rhs,
  .jacobian          = RWW2Jacobian,
  .input_jacobian    = RWW2InputJacobian,
  .linearize         = RWW2Linearize,
  .coupling          = RWW2Coupling,
  .coupling_jacobian = RWW2CouplingJacobian,
  .noise             = RWW2Noise,
  .initial_state     = RWW2InitialState,
};
