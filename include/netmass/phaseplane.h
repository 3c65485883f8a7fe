#pragma once
/* NMPhasePlane: the vector field of one uncoupled node model on a 2-D grid of two of its
   states (the others held at given values, the network input held at a given u), and
   the node's fixed points in that plane with their stability, for phase portraits with
   nullclines as in Sip et al., Sci. Adv. 9:eabq7547 (2023), Fig. 5B.

   Fixed points: every grid cell across which both components of the field change sign
   (both nullclines pass through it) seeds a 2-D Newton iteration with the model's
   analytic Jacobian; converged points inside the plotted range are merged. Their
   eigenvalues are those of the 2 x 2 Jacobian of the plane (the full node when it has two
   states, as the Hopf node). Lifecycle: Create -> SetFromOptions -> SetUp -> Compute ->
   View/Write -> Destroy; every rank holds the (small) result. */
#include <petscviewer.h>
#include <netmass/model.h>

typedef struct _n_NMPhasePlane *NMPhasePlane;

#define NM_FORMAT_PHASEPLANE "netmass-phaseplane"

PETSC_EXTERN PetscErrorCode NMPhasePlaneCreate(MPI_Comm comm, NMPhasePlane *pp);
PETSC_EXTERN PetscErrorCode NMPhasePlaneSetFromOptions(NMPhasePlane pp);
PETSC_EXTERN PetscErrorCode NMPhasePlaneSetUp(NMPhasePlane pp);
PETSC_EXTERN PetscErrorCode NMPhasePlaneCompute(NMPhasePlane pp);
PETSC_EXTERN PetscErrorCode NMPhasePlaneView(NMPhasePlane pp, PetscViewer viewer);
PETSC_EXTERN PetscErrorCode NMPhasePlaneWrite(NMPhasePlane pp, const char path[]);
PETSC_EXTERN PetscErrorCode NMPhasePlaneDestroy(NMPhasePlane *pp);

/* The results. Field: grid sizes gx, gy, the axes x (gx) and y (gy), and fx, fy
   (gy x gx, row-major: fx[j*gx + i] at (x[i], y[j])). Fixed points: n points, xy (n x 2),
   the eigenvalues re, im (n x 2, decreasing real part) and the class of each
   (NMFixedPointClass of include/netmass/fixedpoint.h). */
PETSC_EXTERN PetscErrorCode NMPhasePlaneGetModel(NMPhasePlane pp, const NMModelType **model, const PetscReal **theta);
PETSC_EXTERN PetscErrorCode NMPhasePlaneGetField(NMPhasePlane pp, PetscInt *gx, PetscInt *gy, const PetscReal **x, const PetscReal **y, const PetscReal **fx, const PetscReal **fy);
PETSC_EXTERN PetscErrorCode NMPhasePlaneGetFixedPoints(NMPhasePlane pp, PetscInt *n, const PetscReal **xy, const PetscReal **re, const PetscReal **im, const PetscInt **cls);
