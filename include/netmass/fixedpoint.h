#pragma once
/* NMFixedPoints: the equilibria of a coupled network of node models and their stability.
   Residual F(X)_j = f(x_j, u_j; theta_j) with u_j = G sum_i w_ji c(x_i) (delays do not move
   equilibria), an analytic sparse Jacobian, PETSc SNES from many starts, and deflation
   (Farrell, Birkisson & Funke, SIAM J. Sci. Comput. 37, 2015) so that each solve is pushed
   away from the roots already found. The network (model, parameters, connectome, G) is
   described by the simulator's options. Lifecycle: Create -> SetFromOptions -> SetUp ->
   Solve -> Write -> Destroy. */
#include <petscsnes.h>
#include <netmass/h5file.h>

typedef struct _n_NMFixedPoints *NMFixedPoints;

#define NM_FORMAT_FIXEDPOINTS "netmass-fixedpoints"

PETSC_EXTERN PetscErrorCode NMFixedPointsCreate(MPI_Comm comm, NMFixedPoints *fp);
PETSC_EXTERN PetscErrorCode NMFixedPointsSetFromOptions(NMFixedPoints fp);
/* One subject of a synthetic cohort (before SetUp): its own random streams and its
   connectome perturbed by eps (see NMSimulatorSetSubject). */
PETSC_EXTERN PetscErrorCode NMFixedPointsSetSubject(NMFixedPoints fp, PetscInt subject, PetscReal eps);
PETSC_EXTERN PetscErrorCode NMFixedPointsSetUp(NMFixedPoints fp);
PETSC_EXTERN PetscErrorCode NMFixedPointsSolve(NMFixedPoints fp);
PETSC_EXTERN PetscErrorCode NMFixedPointsWrite(NMFixedPoints fp, const char path[]);
PETSC_EXTERN PetscErrorCode NMFixedPointsView(NMFixedPoints fp, PetscViewer viewer);
PETSC_EXTERN PetscErrorCode NMFixedPointsDestroy(NMFixedPoints *fp);

/* The results: number of roots, root k (all n*nstate values, on every rank), its
   eigenvalues (re, im of the n*nstate eigenvalues, sorted by decreasing real part),
   and the number of SNES solves made. */
PETSC_EXTERN PetscErrorCode NMFixedPointsGetRoots(NMFixedPoints fp, PetscInt *nroots, PetscInt *size);
PETSC_EXTERN PetscErrorCode NMFixedPointsGetRoot(NMFixedPoints fp, PetscInt k, const PetscReal **x, const PetscReal **re, const PetscReal **im);
PETSC_EXTERN PetscErrorCode NMFixedPointsGetSolves(NMFixedPoints fp, PetscInt *solves);
/* After continuation (-cont_parameter): the special points found, n rows of 5 values:
   type (0 fold, 1 Hopf), branch, parameter value, frequency (Hz), unstable directions. */
PETSC_EXTERN PetscErrorCode NMFixedPointsGetSpecialPoints(NMFixedPoints fp, PetscInt *n, const PetscReal **points);
/* After the dynamics check (-fp_dynamics): per start (outcome 0 fixed point / 1 periodic /
   2 unsteady, root reached or -1, period in s, spread) and the network's class
   (0 monostable, 1 multistable, 2 unsteady). */
PETSC_EXTERN PetscErrorCode NMFixedPointsGetDynamics(NMFixedPoints fp, PetscInt *nstarts, const PetscReal **per_start, PetscInt *cls);
/* After -fp_delay_stability: per root 4 + 2 K values: class with the delays, unstable
   characteristic roots, max Re lambda, frequency (Hz) of the rightmost root, then the
   real and the imaginary parts of the K (-fp_delay_roots) rightmost roots. */
PETSC_EXTERN PetscErrorCode NMFixedPointsGetDelayStability(NMFixedPoints fp, const PetscReal **delay);
/* For tests: the residual and the analytic Jacobian of the network at X. */
PETSC_EXTERN PetscErrorCode NMFixedPointsGetSNES(NMFixedPoints fp, SNES *snes);

/* The node-level analysis of Sip et al. (2023): the equilibria of one uncoupled node (the
   configured model, node 0's parameters) and their stability over a grid of parameters
   (-fp_node_params, -fp_node_range_<name>, -fp_node_points_<name>) and inputs
   (-fp_node_u, -fp_node_uext), written to `path` (dataset node_analysis and others).
   Collective; replaces Solve. */
PETSC_EXTERN PetscErrorCode NMFixedPointsNodeAnalysis(NMFixedPoints fp, const char path[]);

/* Classes of equilibria by the eigenvalues of the Jacobian. */
typedef enum {
  NM_FP_STABLE_NODE,
  NM_FP_STABLE_FOCUS,
  NM_FP_SADDLE,
  NM_FP_UNSTABLE_NODE,
  NM_FP_UNSTABLE_FOCUS,
  NM_FP_NONHYPERBOLIC
} NMFixedPointClass;
PETSC_EXTERN const char *const NMFixedPointClasses[];
/* Class, unstable directions, largest real part and the frequency (Hz, omega/2pi) of the
   leading complex pair (0 if the leading eigenvalue is real). */
/* Write the eigenvalues (R x m: eigenvalues_real, eigenvalues_imag) of R equilibria and
   their classification (R x 4) to `file`, rows from rank 0; `point` names the first
   dimension ("root", "point"). Collective. */
PETSC_EXTERN PetscErrorCode NMFixedPointsWriteStability(MPI_Comm comm, NMFile file, const char point[], PetscInt R, PetscInt m, const PetscReal re[], const PetscReal im[]);
PETSC_EXTERN PetscErrorCode NMFixedPointClassify(PetscInt m, const PetscReal re[], const PetscReal im[], NMFixedPointClass *cls, PetscInt *unstable, PetscReal *maxre, PetscReal *freq);

/* A cohort of S subjects (the configured network perturbed per subject by eps, parameters
   drawn per subject), solved in parallel: the ranks of comm form groups of `group_size`,
   each group solves whole subjects, handed out one at a time as groups become free (their
   cost varies); every result lands in one file. */
PETSC_EXTERN PetscErrorCode NMFixedPointsCohort(MPI_Comm comm, PetscInt subjects, PetscReal eps, PetscInt group_size, const char path[]);
