#pragma once
/* The fixed-point search's internals (fixedpoint_snes.c, fixedpoint_stability.c). */
#include <netmass/fixedpoint.h>
#include <netmass/model.h>
#include <netmass/simulator.h>

struct _n_NMFixedPoints {
  MPI_Comm           comm;
  NMSimulator        sim; /* parses the network options and builds the network */
  const NMModelType *model;
  const PetscReal   *theta; /* n x nparam */
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
  PetscReal          box[2], power, shift, merge;
  PetscBool          deflate, exhausted, setup;
  PetscInt           nroots;
  Vec               *rootvecs;
  /* results on every rank: roots (nroots x m), eigenvalues (nroots x m), m = n nstate */
  PetscReal         *roots, *re, *im;
};

PetscErrorCode NMFPJacobianRows(NMFixedPoints f, const PetscReal x[], PetscInt g, PetscReal row[]);
PetscErrorCode NMFixedPointsStability(NMFixedPoints f);
