#include <netmass/rng.h>
#include "fixedpoint_impl.h"

/* One uncoupled node: f(x, u; theta) with a fixed input u (self = 0: no diffusive
   coupling term), as a small dense problem. */
PetscErrorCode NMFPNodeResidual(void *ctx, const PetscReal x[], PetscReal F[], PetscReal J[])
{
  const NMFPNode    *nd = (const NMFPNode *)ctx;
  const NMModelType *m  = nd->model;

  PetscFunctionBegin;
  m->rhs(m->ctx, x, nd->u, 0, nd->theta, F);
  m->jacobian(m->ctx, x, nd->u, 0, nd->theta, J);
  PetscFunctionReturn(0);
}

/* The equilibria of every uncoupled node (u = 0: the node without network input, its
   external drive being part of its parameters), by a deflated search of its own
   (-fp_node_starts starts in the box, stream key = node). Every rank searches every node:
   they are problems of 1-6 unknowns, and the starts then do not depend on the ranks. */
PetscErrorCode NMFPUncoupledRoots(NMFixedPoints f)
{
  const NMModelType *m  = f->model;
  const PetscInt     ns = m->nstate;
  NMFPNode           nd = {0};
  NMFPDense          d;
  PetscInt           total = 0, cap = 0;

  PetscFunctionBegin;
  if (f->node_off) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(f->n + 1, &f->node_off));
  nd.model = m;
  PetscCall(PetscArrayzero(nd.u, 16));
  f->node_off[0] = 0;
  for (PetscInt g = 0; g < f->n; g++) {
    nd.theta = f->theta + g * m->nparam;
    PetscCall(NMFPDenseSetUp(&d, ns, NMFPNodeResidual, &nd, f->power, f->shift, f->merge, f->max_step));
    PetscCall(NMFPDenseSearch(&d, f->seed, g, f->node_starts, ns, f->box, f->scale, NULL));
    if (total + d.nroots > cap) {
      PetscReal *grown;
      cap = PetscMax(2 * cap, total + d.nroots + 8 * ns);
      PetscCall(PetscMalloc1(cap * ns, &grown));
      if (total) PetscCall(PetscArraycpy(grown, f->node_roots, total * ns));
      PetscCall(PetscFree(f->node_roots));
      f->node_roots = grown;
    }
    if (d.nroots) PetscCall(PetscArraycpy(f->node_roots + total * ns, d.roots, d.nroots * ns));
    total += d.nroots;
    f->node_off[g + 1] = total;
    PetscCall(NMFPDenseDestroy(&d));
  }
  PetscFunctionReturn(0);
}

/* Start s from the uncoupled equilibria: each node takes one of its own equilibria,
   chosen by the stream (seed, node, NM_FP_STREAM_CHOICE + 256 s), so the starts sample
   the product of the node equilibria (3^N for bistable nodes) without enumerating it.
   A node whose search found nothing keeps the box start it has in x. */
void NMFPStartUncoupled(NMFixedPoints f, PetscInt s, PetscReal x[])
{
  const PetscInt ns = f->model->nstate;

  for (PetscInt g = 0; g < f->n; g++) {
    const PetscInt nr = f->node_off[g + 1] - f->node_off[g];
    NMRandomStream rs;
    double         u[4];
    PetscInt       k;
    if (!nr) continue;
    NMRandomStreamInit(&rs, (uint64_t)f->seed, (uint32_t)g, (uint32_t)(NM_FP_STREAM_CHOICE + 256 * s));
    NMRandomUniform4(&rs, 0, u);
    k = PetscMin((PetscInt)(u[0] * nr), nr - 1);
    for (PetscInt j = 0; j < ns; j++) x[g * ns + j] = f->node_roots[(f->node_off[g] + k) * ns + j];
  }
}
