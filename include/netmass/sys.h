#pragma once
/* netmass runtime: initialisation, error reporting, logging events and small
   helpers shared by every command. Built on PETSc's options database and error
   machinery, so every routine returns a PetscErrorCode and is called via PetscCall(). */
#include <petscsys.h>

/* Log events: -log_view shows where time goes, phase by phase. */
PETSC_EXTERN PetscLogEvent NM_EVENT_FileWrite, NM_EVENT_FileRead, NM_EVENT_Import, NM_EVENT_Generate, NM_EVENT_Preprocess;
/* The simulator's phases: the whole time loop, the tensor contraction, the exchange of
   ghost histories, the node steps, the monitors. */
PETSC_EXTERN PetscLogEvent NM_EVENT_Integrate, NM_EVENT_Contract, NM_EVENT_Exchange, NM_EVENT_NodeStep, NM_EVENT_Monitor;
/* The inference engine's phases: both encoders (forward and backward) and the generative
   part of the ELBO (all samples, forward and backward); GEMM flops are logged. */
PETSC_EXTERN PetscLogEvent NM_EVENT_InferEncoders, NM_EVENT_InferGenerative;
/* The fixed points' eigenvalues (dgeev or ScaLAPACK) and the delay characteristic roots. */
PETSC_EXTERN PetscLogEvent NM_EVENT_FPEigenvalues, NM_EVENT_FPDelayRoots;

/* Initialise PETSc for `command` with `help` as the -help header, install netmass's
   error handler and register the log events. */
PETSC_EXTERN PetscErrorCode NMInitialize(int *argc, char ***argv, const char command[], const char help[]);
/* "netmass <command> <arguments>" as typed, for provenance. */
PETSC_EXTERN const char    *NMCommandLine(void);
/* Finalise; with `failed` set, first remove every uncommitted output file. */
PETSC_EXTERN PetscErrorCode NMFinalize(PetscBool failed);

/* True when an error was raised identically on every rank, so the run can end
   through PetscFinalize() instead of MPI_Abort(). */
PETSC_EXTERN PetscBool NMErrorIsCollective(void);

/* Run fn(ctx) on rank 0 of comm only (e.g. parsing an input file) and make any
   error it raises an error on every rank, reported once. */
PETSC_EXTERN PetscErrorCode NMRunOnRoot(MPI_Comm comm, PetscErrorCode (*fn)(void *), void *ctx);

/* With -help set, a command prints its options and does no work. */
PETSC_EXTERN PetscErrorCode NMHelpRequested(PetscBool *help);

/* Error out on options nobody read (a misspelt option must not be ignored silently). */
PETSC_EXTERN PetscErrorCode NMCheckUnusedOptions(MPI_Comm comm, const char command[]);

/* The run's random seed (-seed, default 1), recorded in every result file. */
PETSC_EXTERN PetscErrorCode NMGetSeed(PetscInt64 *seed);

/* Check that the file named by option `option` exists and can be read. */
PETSC_EXTERN PetscErrorCode NMCheckReadable(MPI_Comm comm, const char option[], const char path[]);

/* Make rank 0's n strings the strings of every rank (each entry PetscMalloc'ed). */
PETSC_EXTERN PetscErrorCode NMBcastStrings(MPI_Comm comm, PetscInt n, char **strings);
/* Free an array of n PetscMalloc'ed strings and the array itself. */
PETSC_EXTERN PetscErrorCode NMStringsDestroy(PetscInt n, char ***strings);
/* snprintf for text stored in files: C's %g ("97"), not PETSc's ("97."). Errors on truncation. */
PETSC_EXTERN PetscErrorCode NMFormat(char buf[], size_t len, const char format[], ...) PETSC_ATTRIBUTE_FORMAT(3, 4);

/* SIGTERM and SIGUSR1 (Slurm's warnings before a time limit or preemption) are caught
   and remembered, so a long run can checkpoint and stop cleanly. NMSignalCaught()
   returns the last signal number caught, or 0. */
PETSC_EXTERN PetscErrorCode NMCatchSignals(void);
PETSC_EXTERN int            NMSignalCaught(void);
