#include <netmass/integrator.h>
#include <netmass/expm.h>

const char *const NMIntegratorTypes[] = {"ll", "euler", "heun", "NMIntegratorType", "NM_INTEGRATOR_", NULL};

#define NM_MAX_STATE 16

struct _n_NMIntegrator {
  const NMModelType *model;
  NMIntegratorType   type;
  PetscReal          h, sqrth;
  PetscBool          zjr;     /* LL of the ZJR column: closed form per PSP block */
  PetscBool          closed2; /* LL of a two-state model: closed-form 2 x 2 step (expm_2x2.c) */
};

PetscErrorCode NMIntegratorCreate(const NMModelType *model, NMIntegratorType type, PetscReal h, NMIntegrator *integ)
{
  NMIntegrator it;

  PetscFunctionBeginUser;
  PetscCheck(h > 0 && PetscIsNormalReal(h), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-dt %g must be positive", (double)h);
  PetscCheck(model->nstate <= NM_MAX_STATE && model->ncoupling <= NM_MAX_STATE, PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s has more than %d states", model->name, NM_MAX_STATE);
  PetscCall(PetscNew(&it));
  it->model = model;
  it->type  = type;
  it->h     = h;
  it->sqrth = PetscSqrtReal(h);
  it->zjr   = (PetscBool)(type == NM_INTEGRATOR_LL && model == &NMModelZJR);
  PetscCall(NMIntegratorSetClosedForm(it, PETSC_TRUE));
  *integ = it;
  PetscFunctionReturn(0);
}

PetscErrorCode NMIntegratorSetClosedForm(NMIntegrator it, PetscBool flg)
{
  PetscFunctionBeginUser;
  it->closed2 = (PetscBool)(flg && it->type == NM_INTEGRATOR_LL && it->model->nstate == 2);
  PetscFunctionReturn(0);
}

PetscErrorCode NMIntegratorDestroy(NMIntegrator *integ)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(*integ));
  PetscFunctionReturn(0);
}

/* x1 = x0 + L z with L the lower Cholesky factor of the noise covariance. */
static void NMAddCorrelatedNoise(PetscInt n, const PetscReal L[], const PetscReal z[], PetscReal x1[])
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j <= i; j++) x1[i] += L[i * n + j] * z[j];
}

static PetscErrorCode NMStepLL(NMIntegrator it, const PetscReal x0[], const PetscReal u0[], const PetscReal u1[], PetscReal self, const PetscReal theta[], const PetscReal z[], PetscReal x1[])
{
  const NMModelType *m = it->model;
  const PetscInt     n = m->nstate, nc = m->ncoupling;
  PetscReal          J[NM_MAX_STATE * NM_MAX_STATE], f0[NM_MAX_STATE], B[NM_MAX_STATE * NM_MAX_STATE], du[NM_MAX_STATE], dx[NM_MAX_STATE], sigma[NM_MAX_STATE], L[NM_MAX_STATE * NM_MAX_STATE];
  PetscBool          noisy = PETSC_FALSE;

  PetscFunctionBegin;
  if (m->linearize) m->linearize(m->ctx, x0, u0, self, theta, f0, J, B);
  else {
    m->rhs(m->ctx, x0, u0, self, theta, f0);
    m->jacobian(m->ctx, x0, u0, self, theta, J);
    m->input_jacobian(m->ctx, x0, u0, theta, B);
  }
  for (PetscInt k = 0; k < nc; k++) du[k] = u1[k] - u0[k];
  if (it->closed2) NMLLStep2x2(nc, J, f0, B, du, it->h, dx);
  else PetscCall(NMLLStep(n, nc, J, f0, B, du, it->h, dx));
  for (PetscInt i = 0; i < n; i++) x1[i] = x0[i] + dx[i];
  m->noise(m->ctx, theta, sigma);
  for (PetscInt i = 0; i < n; i++) noisy = (PetscBool)(noisy || sigma[i] != 0);
  if (noisy) {
    PetscReal Q[NM_MAX_STATE * NM_MAX_STATE];
    if (it->closed2) NMLLNoiseCovariance2x2(J, sigma, it->h, Q, L);
    else PetscCall(NMLLNoiseCovariance(n, J, sigma, it->h, Q, L));
    NMAddCorrelatedNoise(n, L, z, x1);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMIntegratorStep(NMIntegrator it, const PetscReal x0[], const PetscReal u0[], const PetscReal u1[], PetscReal self, const PetscReal theta[], const PetscReal z[], PetscReal x1[])
{
  const NMModelType *m = it->model;
  const PetscInt     n = m->nstate;
  PetscReal          f0[NM_MAX_STATE], f1[NM_MAX_STATE], sigma[NM_MAX_STATE], xp[NM_MAX_STATE];

  PetscFunctionBegin;
  switch (it->type) {
  case NM_INTEGRATOR_LL:
    if (it->zjr) PetscCall(NMZJRStepClosedForm(x0, u0, theta, it->h, z, x1));
    else PetscCall(NMStepLL(it, x0, u0, u1, self, theta, z, x1));
    break;
  case NM_INTEGRATOR_EULER:
    m->rhs(m->ctx, x0, u0, self, theta, f0);
    m->noise(m->ctx, theta, sigma);
    for (PetscInt i = 0; i < n; i++) x1[i] = x0[i] + it->h * f0[i] + sigma[i] * it->sqrth * z[i];
    break;
  case NM_INTEGRATOR_HEUN:
    m->rhs(m->ctx, x0, u0, self, theta, f0);
    m->noise(m->ctx, theta, sigma);
    for (PetscInt i = 0; i < n; i++) xp[i] = x0[i] + it->h * f0[i] + sigma[i] * it->sqrth * z[i];
    m->rhs(m->ctx, xp, u1, self, theta, f1);
    for (PetscInt i = 0; i < n; i++) x1[i] = x0[i] + 0.5 * it->h * (f0[i] + f1[i]) + sigma[i] * it->sqrth * z[i];
    break;
  }
  PetscFunctionReturn(0);
}
