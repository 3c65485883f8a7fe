#include <netmass/bold.h>

void NMBalloonDefaults(NMBalloonParams *p)
{
  p->kappa = 0.65;
  p->gamma = 0.41;
  p->tau   = 0.98;
  p->alpha = 0.32;
  p->rho   = 0.34;
  p->V0    = 0.02;
}

void NMBalloonRest(PetscReal x[4])
{
  x[0] = x[1] = x[2] = x[3] = 0;
}

/* d/dt of (s, ln f, ln v, ln q): the equations above divided by f, v and q. */
static void NMBalloonRhs(const NMBalloonParams *p, const PetscReal x[4], PetscReal z, PetscReal dx[4])
{
  const PetscReal s = x[0], f = PetscExpReal(x[1]), v = PetscExpReal(x[2]), q = PetscExpReal(x[3]);
  const PetscReal vout = PetscPowReal(v, 1 / p->alpha);       /* outflow f_out(v) */
  const PetscReal E    = 1 - PetscPowReal(1 - p->rho, 1 / f); /* oxygen extraction */

  dx[0] = z - p->kappa * s - p->gamma * (f - 1);
  dx[1] = s / f;
  dx[2] = (f - vout) / (p->tau * v);
  dx[3] = (f * E / p->rho - vout * q / v) / (p->tau * q);
}

void NMBalloonStep(const NMBalloonParams *p, PetscReal x[4], PetscReal z, PetscReal h)
{
  PetscReal k1[4], k2[4], xp[4];

  NMBalloonRhs(p, x, z, k1);
  for (int i = 0; i < 4; i++) xp[i] = x[i] + h * k1[i];
  NMBalloonRhs(p, xp, z, k2);
  for (int i = 0; i < 4; i++) x[i] += 0.5 * h * (k1[i] + k2[i]);
}

PetscReal NMBalloonSignal(const NMBalloonParams *p, const PetscReal x[4])
{
  const PetscReal k1 = 7 * p->rho, k2 = 2, k3 = 2 * p->rho - 0.2, v = PetscExpReal(x[2]), q = PetscExpReal(x[3]);
  return p->V0 * (k1 * (1 - q) + k2 * (1 - q / v) + k3 * (1 - v));
}
