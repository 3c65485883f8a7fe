/* Adam with elementwise gradient clipping, as Keras applies it; see include/netmass/adam.h. */
#include <netmass/adam.h>

struct _n_NMAdam {
  size_t     n;
  PetscReal  lr, beta1, beta2, eps, clip;
  PetscInt64 t;
  double    *m, *v;
};

PetscErrorCode NMAdamCreate(size_t n, NMAdam *adam)
{
  NMAdam a;

  PetscFunctionBegin;
  PetscCall(PetscNew(&a));
  a->n = n;
  PetscCall(PetscCalloc2(n + 1, &a->m, n + 1, &a->v));
  PetscCall(NMAdamSetParameters(a, 1e-3, 0.9, 0.999, 1e-7, 1000));
  *adam = a;
  PetscFunctionReturn(0);
}

PetscErrorCode NMAdamSetParameters(NMAdam a, PetscReal lr, PetscReal beta1, PetscReal beta2, PetscReal eps, PetscReal clip)
{
  PetscFunctionBegin;
  PetscCheck(lr > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Adam learning rate %g must be positive", (double)lr);
  PetscCheck(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Adam betas %g, %g must be in [0, 1)", (double)beta1, (double)beta2);
  PetscCheck(eps > 0 && clip > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Adam epsilon %g and clip %g must be positive", (double)eps, (double)clip);
  a->lr    = lr;
  a->beta1 = beta1;
  a->beta2 = beta2;
  a->eps   = eps;
  a->clip  = clip;
  PetscFunctionReturn(0);
}

PetscErrorCode NMAdamStep(NMAdam a, double theta[], double grad[])
{
  double lr_t;

  PetscFunctionBegin;
  a->t++;
  lr_t = a->lr * sqrt(1 - pow(a->beta2, (double)a->t)) / (1 - pow(a->beta1, (double)a->t));
  for (size_t i = 0; i < a->n; i++) {
    const double g = PetscMin(PetscMax(grad[i], -a->clip), a->clip);
    grad[i]        = g;
    a->m[i]        = a->beta1 * a->m[i] + (1 - a->beta1) * g;
    a->v[i]        = a->beta2 * a->v[i] + (1 - a->beta2) * g * g;
    theta[i] -= lr_t * a->m[i] / (sqrt(a->v[i]) + a->eps);
  }
  PetscCall(PetscLogFlops(12.0 * (PetscLogDouble)a->n));
  PetscFunctionReturn(0);
}

PetscErrorCode NMAdamGetState(NMAdam a, PetscInt64 **steps, double **m, double **v)
{
  PetscFunctionBegin;
  if (steps) *steps = &a->t;
  if (m) *m = a->m;
  if (v) *v = a->v;
  PetscFunctionReturn(0);
}

PetscErrorCode NMAdamDestroy(NMAdam *adam)
{
  PetscFunctionBegin;
  if (!*adam) PetscFunctionReturn(0);
  PetscCall(PetscFree2((*adam)->m, (*adam)->v));
  PetscCall(PetscFree(*adam));
  PetscFunctionReturn(0);
}
