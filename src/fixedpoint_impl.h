#pragma once
/* The fixed-point search's internals (fixedpoint_snes.c, fixedpoint_stability.c). */
#include <netmass/analysis_dist.h>
#include <netmass/fixedpoint.h>
#include <netmass/integrator.h>
#include <netmass/model.h>
#include <netmass/simulator.h>

typedef enum {
  NM_FP_EIG_AUTO,
  NM_FP_EIG_DGEEV,
  NM_FP_EIG_SCALAPACK
} NMFPEigMethod;
extern const char *const NMFPEigMethods[];

struct _n_NMFixedPoints {
  MPI_Comm           comm;
  NMSimulator        sim; /* parses the network options and builds the network */
  const NMModelType *model;
  PetscReal         *theta; /* n x nparam, our copy: continuation changes it */
  PetscReal         *W;     /* n x n, receiver x emitter */
  PetscReal          G, *rowsum;
  PetscInt           n, rstart, rend; /* nodes; owned nodes [rstart, rend) */
  PetscReal         *c, *scale;       /* coupling outputs of all nodes; start-box scale per state */
  Vec                X, R, Xall;
  VecScatter         toall;
  Mat                J;
  SNES               snes;
  /* search */
  PetscInt64         seed;
  PetscInt           starts, max_solves, patience, solves, converged, iterations;
  PetscReal          box[2], power, shift, merge, max_step, relax, relax_dt; /* relax: s of dynamics before Newton, in steps of relax_dt */
  PetscBool          deflate, exhausted, setup;
  PetscInt           nroots;
  Vec               *rootvecs;
  /* results on every rank: roots (nroots x m), eigenvalues (nroots x m), m = n nstate */
  PetscReal         *roots, *re, *im;
  /* continuation (fixedpoint_continuation.c): parameter, range, steps */
  char               cont_param[64];
  PetscReal          cont_range[2], cont_ds, cont_ds_max, cont_tol;
  PetscInt           cont_steps;
  PetscBool          cont;
  /* branch points: npts x (3 + m): branch, parameter, unstable count, x; special points:
     nspecial x 5: type (0 fold, 1 Hopf), branch, parameter, frequency (Hz), unstable count */
  PetscInt           npts, cap_pts, nspecial, cap_special;
  PetscReal         *pts, *special;
  /* unsteady-dynamics check (fixedpoint_dynamics.c): per start outcome (0 fixed point,
     1 periodic, 2 unsteady), root reached (-1: none), period (s), spread over the last 10 % */
  PetscBool          dynamics;
  PetscInt           dyn_starts, dyn_class; /* class: 0 monostable, 1 multistable, 2 unsteady */
  PetscReal          dyn_dt, dyn_t[2], dyn_tol, dyn_period_tol, *dyn;
  NMIntegratorType   dyn_integrator;
  /* eigenvalues (fixedpoint_stability*.c): dgeev on rank 0, or ScaLAPACK over the ranks of
     comm (-fp_eig, -fp_eig_scalapack_threshold) on the BLACS grid eig_grid */
  NMFPEigMethod      eig_method;
  PetscInt           eig_threshold;
  NMDistGrid         eig_grid;
  /* delay characteristic roots (fixedpoint_delay.c): collocation intervals, largest
     generator, roots kept per equilibrium; results nroots x (4 + 2 delay_nroots): class,
     unstable roots, max Re lambda, frequency (Hz), then the rightmost roots' re and im */
  PetscBool          delay_check;
  PetscInt           delay_points, delay_max_size, delay_nroots;
  PetscReal         *delay;
};

void           NMFPStartDense(NMFixedPoints f, PetscInt s, PetscReal x[]);
PetscErrorCode NMFPResidualDense(NMFixedPoints f, const PetscReal x[], PetscReal F[]);
PetscErrorCode NMFPJacobianDense(NMFixedPoints f, const PetscReal x[], PetscReal J[]);
PetscErrorCode NMFixedPointsContinue(NMFixedPoints f);
PetscErrorCode NMFixedPointsDynamics(NMFixedPoints f);
PetscErrorCode NMFPRelaxStart(NMFixedPoints f, PetscReal x[]);
PetscErrorCode NMFixedPointsWriteBranches(NMFixedPoints f, void *file);

PetscErrorCode NMFPJacobianRows(NMFixedPoints f, const PetscReal x[], PetscInt g, PetscReal row[]);
PetscErrorCode NMFPJacobianParts(NMFixedPoints f, const PetscReal x[], PetscInt g, PetscReal local[], PetscReal row[]);
/* -fp_delay_stability (fixedpoint_delay.c): the rightmost characteristic roots of the
   linearisation with the network's delays at every root */
PetscErrorCode NMFixedPointsDelayStability(NMFixedPoints f);
PetscErrorCode NMFixedPointsWriteDelayStability(NMFixedPoints f, NMFile file);
PetscErrorCode NMFixedPointsStability(NMFixedPoints f);
/* Eigenvalues of the Jacobian at x (f->c set for x) by ScaLAPACK over f->eig_grid, on
   every rank, unsorted. */
PetscErrorCode NMFPEigenvaluesDist(NMFixedPoints f, const PetscReal x[], PetscReal re[], PetscReal im[]);
