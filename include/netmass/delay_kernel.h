#pragma once
/* Axonal delay kernels D[e,r,tau] (Gonzalez-Mitjans et al., sec. 2.1 and 3): the
   distribution of the conduction delay of an edge of length d, discretised into bins of
   width dt by integrating the delay density over [tau dt, (tau+1) dt). The signal sent
   at t arrives with lag tau steps. An explicit scheme needs lag >= 1: the mass of bin 0
   (delays shorter than one step) is moved into bin 1 and reported as "sub-step mass".
   Kernels are truncated at tau_max and renormalised; the truncated mass is reported.
   A delay model must be zero-initialised before use (a velocity file replaces any table
   already loaded). */
#include <petscsys.h>

typedef enum {
  NM_DELAY_INSTANT,     /* D1: a one-step lag for every edge */
  NM_DELAY_SINGLE,      /* D2: one velocity v, Dirac at d/v */
  NM_DELAY_GAMMA,       /* D3: velocities gamma distributed (Nunez), delay d/v */
  NM_DELAY_VELOCITY_FILE /* any velocity density from a file, delay d/v */
} NMDelayType;
PETSC_EXTERN const char *const NMDelayTypes[];

typedef struct {
  NMDelayType type;
  PetscReal   velocity;        /* D2: m/s */
  PetscReal   peak, halfwidth; /* D3: mode and half width at half maximum of the velocity density, m/s */
  PetscInt    nvel;            /* file: velocity grid (m/s, increasing) and density values */
  PetscReal  *vel, *density;
  PetscInt    max_lag;         /* tau_max, in steps (>= 1) */
  PetscReal   tail;            /* distributed kernels: mass that may be dropped from their two
                                  tails (default 0: none); counted as truncated mass */
} NMDelayModel;

/* Fill the velocity grid of a file kernel from a text file with two columns (m/s,
   density >= 0); the density need not be normalised. */
PETSC_EXTERN PetscErrorCode NMDelayModelLoadVelocityFile(NMDelayModel *dm, const char path[]);
PETSC_EXTERN PetscErrorCode NMDelayModelDestroy(NMDelayModel *dm);
/* Gamma shape k and scale theta (m/s) whose mode is `peak` and whose half width at half
   maximum (on the fast side) is `halfwidth`. */
PETSC_EXTERN PetscErrorCode NMDelayGammaParameters(PetscReal peak, PetscReal halfwidth, PetscReal *k, PetscReal *theta);

/* Discretise the kernel of an edge of length `length` (mm) with step dt (s):
   w[0..nbins) are the weights of lags first, first+1, ..., summing to 1, first >= 1,
   nbins <= max_lag - first + 1. `w` has room for max_lag entries. `substep` and
   `truncated` return the mass moved from bin 0 and the mass dropped beyond tau_max
   (before renormalisation). Errors: negative or non-finite length, a D2 delay shorter
   than dt, a kernel entirely beyond tau_max. */
PETSC_EXTERN PetscErrorCode NMDelayKernelDiscretize(const NMDelayModel *dm, PetscReal length, PetscReal dt, PetscInt *first, PetscInt *nbins, PetscReal w[], PetscReal *substep, PetscReal *truncated);
/* Mean delay (s) of the continuous kernel of an edge (D1: dt). */
PETSC_EXTERN PetscErrorCode NMDelayKernelMean(const NMDelayModel *dm, PetscReal length, PetscReal dt, PetscReal *mean);
