#pragma once
/* NMFile: a netmass HDF5 file, written collectively through MPI-IO and atomically.

   Writing: NMFileCreate() opens "<path>.partial-<id>" beside the target and stamps the
   provenance attributes every netmass file carries (format, netmass version, creation
   time, command line, the full options database, MPI rank count, seed). NMFileCommit()
   closes it and renames it onto <path>, so a crash never leaves a half-written file
   under the final name. A file never committed is removed by NMFileDestroy() or, when a
   command fails, by NMFileAbortAll().

   Arrays are row-major; the leading dimension may be distributed: each rank passes the
   rows [rstart, rend) it owns and the write is one collective hyperslab write.
   Dimension names are HDF5 dimension-scale labels (h5py: ds.dims[i].label). */
#include <petscsys.h>

typedef struct _n_NMFile *NMFile;

#define NM_FILE_MAX_DIM 4

PETSC_EXTERN PetscErrorCode NMFileCreate(MPI_Comm comm, const char path[], const char format[], NMFile *file);
PETSC_EXTERN PetscErrorCode NMFileCommit(NMFile *file);
/* Resumable outputs (long runs that checkpoint): written as "<path>.partial", a name a
   restarted run can find. NMFileReopen() continues such a file; NMFileDetach() closes
   it without committing or removing it (the run stops at a checkpoint). A reopened file
   is never removed on failure: its checkpoint still refers to it. */
PETSC_EXTERN PetscErrorCode NMFileCreateResumable(MPI_Comm comm, const char path[], const char format[], NMFile *file);
PETSC_EXTERN PetscErrorCode NMFileReopen(MPI_Comm comm, const char path[], const char format[], NMFile *file);
PETSC_EXTERN PetscErrorCode NMFileDetach(NMFile *file);
/* Flush everything to disk (collective): HDF5 files are not crash-consistent between
   flushes, so a checkpoint flushes the output it refers to first. */
PETSC_EXTERN PetscErrorCode NMFileFlush(NMFile file);
/* From now on a failure leaves this file in place (a checkpoint refers to it). */
PETSC_EXTERN PetscErrorCode NMFileKeepOnFailure(NMFile file);
PETSC_EXTERN PetscErrorCode NMFileOpen(MPI_Comm comm, const char path[], const char format[], NMFile *file);
PETSC_EXTERN PetscErrorCode NMFileDestroy(NMFile *file);
/* The `format` attribute of a netmass file (e.g. to accept a connectome or a cohort). */
PETSC_EXTERN PetscErrorCode NMFileGetFormat(MPI_Comm comm, const char path[], char format[], size_t len);
PETSC_EXTERN PetscErrorCode NMFileAbortAll(void);
PETSC_EXTERN PetscErrorCode NMFileGetPath(NMFile file, const char **path);

/* Real (double) arrays. `dimnames` has ndim entries; `units` may be NULL. */
PETSC_EXTERN PetscErrorCode NMFileWriteReal(NMFile file, const char name[], PetscInt ndim, const PetscInt dims[], const char *const dimnames[], const char units[], PetscInt rstart, PetscInt rend, const PetscReal local[]);
PETSC_EXTERN PetscErrorCode NMFileHasDataset(NMFile file, const char name[], PetscBool *has);
/* Shape of a dataset that must have `ndim` dimensions. */
PETSC_EXTERN PetscErrorCode NMFileGetShape(NMFile file, const char name[], PetscInt ndim, PetscInt dims[]);
/* Read rows [rstart, rend) of the leading dimension into `local` (caller-allocated). */
PETSC_EXTERN PetscErrorCode NMFileReadReal(NMFile file, const char name[], PetscInt rstart, PetscInt rend, PetscReal local[]);

/* A dataset written piece by piece (e.g. streamed time series): created collectively,
   filled with NaN until written, then written in collective hyperslab blocks; a rank
   with nothing to write passes count[d] = 0. */
typedef struct _n_NMDataset *NMDataset;
PETSC_EXTERN PetscErrorCode NMFileCreateDataset(NMFile file, const char name[], PetscInt ndim, const PetscInt dims[], const char *const dimnames[], const char units[], NMDataset *ds);
PETSC_EXTERN PetscErrorCode NMFileOpenDatasetForWrite(NMFile file, const char name[], NMDataset *ds);
PETSC_EXTERN PetscErrorCode NMDatasetWrite(NMDataset ds, const PetscInt start[], const PetscInt count[], const PetscReal local[]);
PETSC_EXTERN PetscErrorCode NMDatasetClose(NMDataset *ds);

/* One-dimensional arrays of strings (labels, ids), identical on every rank. */
PETSC_EXTERN PetscErrorCode NMFileWriteStrings(NMFile file, const char name[], PetscInt n, const char *const strings[], const char dimname[]);
PETSC_EXTERN PetscErrorCode NMFileReadStrings(NMFile file, const char name[], PetscInt n, char ***strings);

/* Attributes on an object ("/" for the file, or a dataset name). */
PETSC_EXTERN PetscErrorCode NMFileSetAttributeString(NMFile file, const char object[], const char name[], const char value[]);
PETSC_EXTERN PetscErrorCode NMFileSetAttributeReal(NMFile file, const char object[], const char name[], PetscReal value);
PETSC_EXTERN PetscErrorCode NMFileSetAttributeInt(NMFile file, const char object[], const char name[], PetscInt64 value);
PETSC_EXTERN PetscErrorCode NMFileGetAttributeString(NMFile file, const char object[], const char name[], char value[], size_t len, PetscBool *found);
PETSC_EXTERN PetscErrorCode NMFileGetAttributeReal(NMFile file, const char object[], const char name[], PetscReal *value, PetscBool *found);
