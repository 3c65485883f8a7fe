#include "elbo_impl.h"

/* The batch workspace of the inference engine: one allocation, carved into the buffers of
   NMInferWork, sized for the largest batch seen so far. Its size in doubles, with B items,
   T = nt, H = lstm_units, hf = hidden_f and the model's nfin, neps and ms_eff, is
     T B (26 H + 6 ns + 8) + (T-1) B (2 nfin + 2 hf + 2 ns) + B (6 H + 6 mr + 6 ms_eff + neps)
   (docs/inference.md, "What is kept for back-propagation"). */

/* The next n doubles after *off in base (NULL while only counting). */
static double *NMInferTake(double *base, size_t *off, size_t n)
{
  double *r = base ? base + *off : NULL;
  *off += n;
  return r;
}

static void NMInferCarveEncoder(double *base, size_t *off, size_t tb, size_t nu, NMInferEncoderWork *e)
{
  e->Gf = NMInferTake(base, off, tb * 4 * nu);
  e->Gb = NMInferTake(base, off, tb * 4 * nu);
  e->Cf = NMInferTake(base, off, tb * nu);
  e->Cb = NMInferTake(base, off, tb * nu);
  e->H  = NMInferTake(base, off, tb * 2 * nu);
}

/* Carve the buffers out of base (NULL: only count). Returns the doubles used. */
static size_t NMInferCarve(NMInferModel m, size_t B, double *base, NMInferWork *w)
{
  const size_t T = (size_t)m->d.nt, tb = T * B, fb = (T - 1) * B, nu = (size_t)m->d.lstm_units, ns = (size_t)m->d.ns, mr = (size_t)m->d.mr, ms = (size_t)m->ms_eff;
  size_t       used = 0, *off = &used;

  w->Xin = NMInferTake(base, off, tb * 2);
  NMInferCarveEncoder(base, off, tb, nu, &w->ex);
  NMInferCarveEncoder(base, off, tb, nu, &w->er);
  w->ex.dH = w->er.dH = NMInferTake(base, off, tb * 2 * nu); /* the encoders' backward passes run one after the other */
  w->Px    = NMInferTake(base, off, tb * 2 * ns);
  w->dPx   = NMInferTake(base, off, tb * 2 * ns);
  w->X     = NMInferTake(base, off, tb * ns);
  w->dX    = NMInferTake(base, off, tb * ns);
  w->ue    = NMInferTake(base, off, tb);
  w->due   = NMInferTake(base, off, tb);
  w->gue   = NMInferTake(base, off, tb * 2);
  w->dgue  = NMInferTake(base, off, tb * 2);
  w->Fin   = NMInferTake(base, off, fb * (size_t)m->nfin);
  w->dFin  = NMInferTake(base, off, fb * (size_t)m->nfin);
  w->Fh    = NMInferTake(base, off, fb * (size_t)m->d.hidden_f);
  w->dFh   = NMInferTake(base, off, fb * (size_t)m->d.hidden_f);
  w->Fo    = NMInferTake(base, off, fb * ns);
  w->dFo   = NMInferTake(base, off, fb * ns);
  w->lstm_work = NMInferTake(base, off, 2 * B * nu);
  w->Hr    = NMInferTake(base, off, B * 2 * nu);
  w->dHr   = NMInferTake(base, off, B * 2 * nu);
  w->Pr    = NMInferTake(base, off, B * 2 * mr);
  w->dPr   = NMInferTake(base, off, B * 2 * mr);
  w->thr   = NMInferTake(base, off, B * mr);
  w->dthr  = NMInferTake(base, off, B * mr);
  w->ths   = NMInferTake(base, off, B * ms);
  w->dths  = NMInferTake(base, off, B * ms);
  w->gths  = NMInferTake(base, off, B * 2 * ms);
  w->dgths = NMInferTake(base, off, B * 2 * ms);
  w->eps   = NMInferTake(base, off, B * (size_t)m->neps);
  return used;
}

PetscErrorCode NMInferWorkSetUp(NMInferModel m, PetscInt nitems)
{
  NMInferWork *w = &m->w;
  size_t       n;
  double      *base;

  PetscFunctionBegin;
  if (nitems <= w->cap) PetscFunctionReturn(0);
  PetscCall(NMInferWorkDestroy(w));
  n = NMInferCarve(m, (size_t)nitems, NULL, w);
  PetscCall(PetscMalloc1(n, &base));
  (void)NMInferCarve(m, (size_t)nitems, base, w);
  w->cap = nitems;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferWorkDestroy(NMInferWork *w)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(w->Xin)); /* the base of the one allocation */
  PetscCall(PetscMemzero(w, sizeof(*w)));
  PetscFunctionReturn(0);
}
