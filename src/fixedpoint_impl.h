#pragma once
/* The fixed-point search's internals (fixedpoint_snes.c, fixedpoint_stability.c). */
#include <netmass/analysis_dist.h>
#include <lapacke.h>
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

typedef enum {
  NM_FP_START_BOX,
  NM_FP_START_UNCOUPLED,
  NM_FP_START_RELAX
} NMFPStartKind;
extern const char *const NMFPStartKinds[];

/* The grid of the node-level analysis (fixedpoint_node_analysis.c): parameters (names,
   indices, ranges, points), values of u and u_ext, points in all. */
#define NM_NODE_MAXP 8
typedef struct {
  PetscInt  np, nu, nuext, idx[NM_NODE_MAXP], points[NM_NODE_MAXP], P;
  PetscReal range[NM_NODE_MAXP][2], u[16], uext[16];
  char     *names[NM_NODE_MAXP];
  PetscBool given;
} NMNodeGrid;

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
  PetscInt           singular; /* solves whose linear solve failed (singular Jacobian) */
  PetscReal          box[2], power, shift, merge, max_step, relax, relax_dt; /* relax: s of dynamics before Newton, in steps of relax_dt */
  PetscBool          deflate, deflate_now, exhausted, setup; /* deflate_now: in the current solve */
  /* kinds of start, used in turn (start s has kind kinds[s % nkinds]); the equilibria of
     the uncoupled nodes (fixedpoint_node.c): node g's are node_roots rows
     [node_off[g], node_off[g+1]) */
  NMFPStartKind      kinds[3];
  PetscInt           nkinds, node_starts, *node_off;
  PetscReal         *node_roots;
  NMNodeGrid         grid;
  PetscInt           nroots;
  Vec               *rootvecs;
  /* results on every rank: roots (nroots x m), eigenvalues (nroots x m), m = n nstate */
  PetscReal         *roots, *re, *im;
  /* continuation (fixedpoint_continuation.c): parameter, range, steps */
  char               cont_param[64];
  PetscReal          cont_range[2], cont_ds, cont_ds_max, cont_tol;
  PetscInt           cont_steps;
  PetscBool          cont;
  /* deflated searches during continuation (fixedpoint_cont_search.c): every k steps of a
     branch, from this many starts; at most this many branches; solves made; branches */
  PetscInt           cont_search_every, cont_search_starts, cont_max_branches, cont_search_solves, cont_branches;
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

/* Small dense problems (fixedpoint_dense.c): F and the row-major Jacobian at x. */
typedef PetscErrorCode (*NMFPDenseFn)(void *ctx, const PetscReal x[], PetscReal F[], PetscReal J[]);
typedef struct {
  PetscInt    m, nroots, cap, max_its;
  PetscReal  *roots; /* nroots x m, the deflated set */
  PetscReal   power, shift, merge, max_step, atol;
  NMFPDenseFn fn;
  void       *ctx;
  PetscReal  *F, *J, *Y;
  lapack_int *ipiv;
} NMFPDense;
/* Random streams: network starts (seed, node, 16 + 256 s), the choice of uncoupled
   equilibria (seed, node, 17 + 256 s), starts of the dense searches (seed, key, 18 + 256 s). */
#define NM_FP_STREAM         16
#define NM_FP_STREAM_CHOICE  17
#define NM_FP_STREAM_DENSE   18
PetscReal      NMFPDeflationTerm(PetscReal dist, PetscReal dy, PetscReal power, PetscReal shift);
PetscErrorCode NMFPDenseSetUp(NMFPDense *d, PetscInt m, NMFPDenseFn fn, void *ctx, PetscReal power, PetscReal shift, PetscReal merge, PetscReal max_step);
PetscErrorCode NMFPDenseDestroy(NMFPDense *d);
PetscBool      NMFPDenseKnown(const NMFPDense *d, const PetscReal x[]);
PetscErrorCode NMFPDenseAdd(NMFPDense *d, const PetscReal x[]);
PetscErrorCode NMFPDenseNewton(NMFPDense *d, PetscBool deflate, PetscReal x[], PetscBool *ok, PetscInt *its);
PetscErrorCode NMFPDenseSearch(NMFPDense *d, PetscInt64 seed, PetscInt key, PetscInt starts, PetscInt ns, const PetscReal box[], const PetscReal scale[], PetscInt *solves);

/* One uncoupled node at input u (fixedpoint_node.c), an NMFPDenseFn. */
typedef struct {
  const NMModelType *model;
  const PetscReal   *theta;
  PetscReal          u[16];
} NMFPNode;
PetscErrorCode NMFPNodeResidual(void *ctx, const PetscReal x[], PetscReal F[], PetscReal J[]);
PetscErrorCode NMFPUncoupledRoots(NMFixedPoints f);
PetscErrorCode NMFPNodeGridFromOptions(NMFixedPoints f);
void           NMFPStartUncoupled(NMFixedPoints f, PetscInt s, PetscReal x[]);

void           NMFPStartDense(NMFixedPoints f, PetscInt s, PetscReal x[]);
PetscErrorCode NMFPResidualDense(NMFixedPoints f, const PetscReal x[], PetscReal F[]);
PetscErrorCode NMFPJacobianDense(NMFixedPoints f, const PetscReal x[], PetscReal J[]);
PetscErrorCode NMFixedPointsContinue(NMFixedPoints f);
/* Search keys (stream a) of the continuation's searches: NM_FP_CONT_SEARCH_KEY + search. */
#define NM_FP_CONT_SEARCH_KEY 0x40000000
void           NMFPSetContParam(NMFixedPoints f, PetscInt p, PetscReal lambda);
PetscErrorCode NMFPSeedAppend(PetscInt *nseeds, PetscInt *cap, PetscReal **seeds, PetscInt m, const PetscReal x[], PetscReal lambda);
PetscErrorCode NMFPContOnBranch(NMFixedPoints f, PetscInt p, const PetscReal z[], PetscBool *on);
PetscErrorCode NMFPContSearch(NMFixedPoints f, PetscReal lambda, PetscInt key, PetscInt *nseeds, PetscInt *cap, PetscReal **seeds);
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
