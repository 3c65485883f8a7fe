#pragma once
/* NMSimulator: a network of neural masses with distributed axonal delays, integrated
   with the Local Linearization scheme (or Euler-Maruyama, Heun). Receivers (nodes) are
   split in contiguous blocks over the ranks of the communicator; each rank integrates its
   nodes, contracts the connectome tensor for their inputs and exchanges coupling outputs
   with other ranks only every `interval` steps (the smallest delay cut by the partition).
   Results do not depend on the number of ranks: sums run in a fixed order and noise comes
   from Philox streams keyed by (seed, node, step).

   Lifecycle (PETSc style): Create -> SetFromOptions -> SetUp -> Run -> Destroy.
   Monitors stream to the result file while the run proceeds:
     raw  (time, region, state): the states every -monitor_raw_period s
     tavg (time, region, state): their averages over windows of -monitor_tavg_period s
     bold (time, region): Balloon-Windkessel BOLD of the first coupling output, every -monitor_bold_tr s */
#include <petscviewer.h>
#include <netmass/connectome.h>
#include <netmass/model.h>

typedef struct _n_NMSimulator *NMSimulator;

#define NM_FORMAT_SIMULATION "netmass-simulation"

PETSC_EXTERN PetscErrorCode NMSimulatorCreate(MPI_Comm comm, NMSimulator *sim);
PETSC_EXTERN PetscErrorCode NMSimulatorSetFromOptions(NMSimulator sim);
/* One subject of a synthetic cohort (before SetUp): the subject index keys every random
   stream (parameters, initial state, noise), the coupling is G (PETSC_DEFAULT: keep -G),
   and the connectome is the configured one perturbed by eps (NMMatrixPerturb, stream =
   subject). */
PETSC_EXTERN PetscErrorCode NMSimulatorSetSubject(NMSimulator sim, PetscInt subject, PetscReal G, PetscReal eps);
/* Override -duration and -transient (s), before SetUp. */
PETSC_EXTERN PetscErrorCode NMSimulatorSetDuration(NMSimulator sim, PetscReal duration, PetscReal transient);
/* Run to the end even when SIGTERM/SIGUSR1 arrive (before Run): for a caller that stops
   between short runs itself (netmass sweep finishes the point it holds). */
PETSC_EXTERN PetscErrorCode NMSimulatorSetIgnoreSignals(NMSimulator sim, PetscBool ignore);
PETSC_EXTERN PetscErrorCode NMSimulatorSetUp(NMSimulator sim);
/* After SetUp: the connectome the run uses, and the model (not owned by the caller). */
PETSC_EXTERN PetscErrorCode NMSimulatorGetConnectome(NMSimulator sim, NMConnectome *conn);
PETSC_EXTERN PetscErrorCode NMSimulatorGetModel(NMSimulator sim, const NMModelType **model);
/* After SetUp: the network the options describe, for other engines (fixed points):
   parameters of all nodes (n x nparam, row-major) and the global coupling G. */
PETSC_EXTERN PetscErrorCode NMSimulatorGetNetwork(NMSimulator sim, const NMModelType **model, NMConnectome *conn, const PetscReal **theta, PetscReal *G);
/* After SetUp: the mean delay (s) of every edge, n x n like the weights (0 where there is
   no edge), of the configured kernel (-delay, -velocity, ...; NMDelayKernelMean: d/v for
   a single velocity, the kernel's mean for distributed ones, dt for -delay instant). */
PETSC_EXTERN PetscErrorCode NMSimulatorGetMeanDelays(NMSimulator sim, PetscReal tau[]);
/* Integrate and write the monitors to `path` (atomically). A state that becomes NaN or
   Inf stops the run with an error naming the step and node; the output written so far
   is kept, marked incomplete (attribute complete = 0). */
PETSC_EXTERN PetscErrorCode NMSimulatorRun(NMSimulator sim, const char path[]);
PETSC_EXTERN PetscErrorCode NMSimulatorView(NMSimulator sim, PetscViewer viewer);
PETSC_EXTERN PetscErrorCode NMSimulatorDestroy(NMSimulator *sim);
/* The first state of monitor "raw", "tavg" or "bold" of a simulation result file, as
   n regions x t samples (row-major, PetscMalloc'ed), sampled every dt s. Collective. */
PETSC_EXTERN PetscErrorCode NMSimulationReadObserved(MPI_Comm comm, const char path[], const char monitor[], PetscInt *n, PetscInt *t, PetscReal *dt, PetscReal **obs);

/* A synthetic cohort (Sip et al. 2023, Methods): S subjects simulated with the same
   options, subject s with its own random streams, coupling G_s = linspace(G_lo, G_hi, S)
   and the connectome perturbed per subject; written as a cohort file with the observed
   first state of one monitor and the ground truth. Options -cohort_*. */
typedef struct _n_NMCohortSpec *NMCohortSpec;
PETSC_EXTERN PetscErrorCode NMCohortSpecCreate(MPI_Comm comm, NMCohortSpec *spec);
PETSC_EXTERN PetscErrorCode NMCohortSpecGetSubjects(NMCohortSpec spec, PetscInt *subjects);
PETSC_EXTERN PetscErrorCode NMCohortSpecRun(NMCohortSpec spec, const char path[]);
PETSC_EXTERN PetscErrorCode NMCohortSpecDestroy(NMCohortSpec *spec);
