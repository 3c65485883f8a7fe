#pragma once
/* The commands of the netmass executable. Each one reads its options from PETSc's
   options database, errors out on options it does not know, returns right after
   listing its options when -help is given, and otherwise does its work on comm. */
#include <petscsys.h>

typedef struct {
  const char *name;
  const char *summary; /* one line for 'netmass help' */
  const char *help;    /* header of 'netmass <command> -help' */
  PetscErrorCode (*run)(MPI_Comm comm);
} NMCommand;

PetscErrorCode NMCommandImport(MPI_Comm comm);
PetscErrorCode NMCommandConnectome(MPI_Comm comm);
PetscErrorCode NMCommandSimulate(MPI_Comm comm);
PetscErrorCode NMCommandSweep(MPI_Comm comm);
PetscErrorCode NMCommandFixedPoints(MPI_Comm comm);
PetscErrorCode NMCommandAnalyze(MPI_Comm comm);
PetscErrorCode NMCommandBench(MPI_Comm comm);
PetscErrorCode NMCommandDemo(MPI_Comm comm);
PetscErrorCode NMCommandPhasePlane(MPI_Comm comm);
PetscErrorCode NMCommandTrain(MPI_Comm comm);
PetscErrorCode NMCommandEncode(MPI_Comm comm);
PetscErrorCode NMCommandGenerate(MPI_Comm comm);
PetscErrorCode NMCommandEvaluate(MPI_Comm comm);
