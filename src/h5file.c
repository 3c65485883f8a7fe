#include <netmass/h5file.h>
#include <netmass/sys.h>
#include <netmass/version.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <math.h>

struct _n_NMFile {
  MPI_Comm  comm;
  hid_t     fid;
  PetscBool writing;
  PetscBool keep;                     /* a resumable file survives failures (a checkpoint refers to it) */
  char      path[PETSC_MAX_PATH_LEN]; /* final name */
  char      tmp[PETSC_MAX_PATH_LEN];  /* name while being written */
  NMFile    next;                     /* registry of files not yet committed */
};

/* Files being written; removed on failure so no partial output survives an error. */
static NMFile nm_open_writes = NULL;

static void NMFileRegistryRemove(NMFile f)
{
  for (NMFile *p = &nm_open_writes; *p; p = &(*p)->next)
    if (*p == f) {
      *p = f->next;
      return;
    }
}

/* Dataset names may contain groups ("axis/G"): create them on the way. */
static hid_t NMFileLinkCreateProps(void)
{
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  return lcpl;
}

static PetscErrorCode NMFileSilenceHDF5(void)
{
  PetscFunctionBegin;
  /* netmass reports HDF5 failures itself, naming the file; HDF5's own stack dump is noise. */
  PetscCheck(H5Eset_auto2(H5E_DEFAULT, NULL, NULL) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "H5Eset_auto2 failed");
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFileAccessList(MPI_Comm comm, hid_t *fapl)
{
  PetscFunctionBegin;
  *fapl = H5Pcreate(H5P_FILE_ACCESS);
  PetscCheck(*fapl >= 0, comm, PETSC_ERR_LIB, "H5Pcreate failed");
  PetscCheck(H5Pset_fapl_mpio(*fapl, comm, MPI_INFO_NULL) >= 0, comm, PETSC_ERR_LIB, "H5Pset_fapl_mpio failed");
  /* Metadata operations collective too: every rank takes part in every write. */
  PetscCheck(H5Pset_all_coll_metadata_ops(*fapl, 1) >= 0, comm, PETSC_ERR_LIB, "H5Pset_all_coll_metadata_ops failed");
  PetscCheck(H5Pset_coll_metadata_write(*fapl, 1) >= 0, comm, PETSC_ERR_LIB, "H5Pset_coll_metadata_write failed");
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFileStampProvenance(NMFile f, const char format[])
{
  char      *options, created[64], version[128];
  PetscMPIInt size;
  PetscInt64 seed;
  time_t     now = time(NULL);
  struct tm  utc;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(f->comm, &size));
  PetscCall(NMGetSeed(&seed));
  /* All ranks must write identical attribute values: take rank 0's clock. */
  PetscCallMPI(MPI_Bcast(&now, sizeof(now), MPI_BYTE, 0, f->comm));
  gmtime_r(&now, &utc);
  strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &utc);
  PetscCall(PetscSNPrintf(version, sizeof(version), "%s (%s)", NETMASS_VERSION_STRING, NETMASS_GIT_REVISION));
  PetscCall(PetscOptionsGetAll(NULL, &options));
  PetscCall(NMFileSetAttributeString(f, "/", "format", format));
  PetscCall(NMFileSetAttributeInt(f, "/", "format_version", 1));
  PetscCall(NMFileSetAttributeString(f, "/", "netmass_version", version));
  PetscCall(NMFileSetAttributeString(f, "/", "created", created));
  PetscCall(NMFileSetAttributeString(f, "/", "command_line", NMCommandLine()));
  PetscCall(NMFileSetAttributeString(f, "/", "options", options));
  PetscCall(NMFileSetAttributeInt(f, "/", "mpi_ranks", size));
  PetscCall(NMFileSetAttributeInt(f, "/", "seed", seed));
  PetscCall(PetscFree(options));
  PetscFunctionReturn(0);
}

/* A file being written to `tmp`, to become `path` on commit (not yet opened). */
static PetscErrorCode NMFileNewWriting(MPI_Comm comm, const char path[], const char tmp[], NMFile *file)
{
  PetscFunctionBegin;
  PetscCall(NMFileSilenceHDF5());
  PetscCall(PetscNew(file));
  (*file)->comm    = comm;
  (*file)->writing = PETSC_TRUE;
  PetscCall(PetscStrncpy((*file)->path, path, sizeof((*file)->path)));
  PetscCall(PetscStrncpy((*file)->tmp, tmp, sizeof((*file)->tmp)));
  PetscFunctionReturn(0);
}

/* Create `tmp` for writing, to become `path` on commit. */
static PetscErrorCode NMFileCreateAt(MPI_Comm comm, const char path[], const char tmp[], const char format[], NMFile *file)
{
  NMFile f;
  hid_t  fapl;

  PetscFunctionBegin;
  PetscCall(NMFileNewWriting(comm, path, tmp, &f));
  PetscCall(NMFileAccessList(comm, &fapl));
  f->fid = H5Fcreate(f->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (f->fid < 0) {
    PetscCall(PetscFree(f));
    SETERRQ(comm, PETSC_ERR_FILE_OPEN, "-o %s: cannot create the output file (does its directory exist and is it writable?)", path);
  }
  f->next        = nm_open_writes;
  nm_open_writes = f;
  PetscCall(NMFileStampProvenance(f, format));
  *file = f;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileCreate(MPI_Comm comm, const char path[], const char format[], NMFile *file)
{
  char tmp[PETSC_MAX_PATH_LEN];
  long id = (long)getpid();

  PetscFunctionBeginUser;
  PetscCheck(path && path[0], comm, PETSC_ERR_ARG_WRONG, "no output file given: use -o FILE.h5");
  PetscCallMPI(MPI_Bcast(&id, 1, MPI_LONG, 0, comm));
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.partial-%ld", path, id));
  PetscCall(NMFileCreateAt(comm, path, tmp, format, file));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileCreateResumable(MPI_Comm comm, const char path[], const char format[], NMFile *file)
{
  char tmp[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCheck(path && path[0], comm, PETSC_ERR_ARG_WRONG, "no output file given: use -o FILE.h5");
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.partial", path));
  PetscCall(NMFileCreateAt(comm, path, tmp, format, file));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileReopen(MPI_Comm comm, const char path[], const char format[], NMFile *file)
{
  NMFile    f;
  hid_t     fapl;
  char      have[128], tmp[PETSC_MAX_PATH_LEN];
  PetscBool found;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.partial", path));
  PetscCall(NMFileNewWriting(comm, path, tmp, &f));
  f->keep = PETSC_TRUE;
  PetscCall(NMFileAccessList(comm, &fapl));
  f->fid = access(f->tmp, R_OK | W_OK) ? -1 : H5Fopen(f->tmp, H5F_ACC_RDWR, fapl);
  H5Pclose(fapl);
  if (f->fid < 0) {
    PetscCall(PetscFree(f));
    SETERRQ(comm, PETSC_ERR_FILE_OPEN, "-restart: the output being resumed, %s.partial, is missing or not writable; start the run again without -restart", path);
  }
  f->next        = nm_open_writes;
  nm_open_writes = f;
  *file          = f;
  PetscCall(NMFileGetAttributeString(f, "/", "format", have, sizeof(have), &found));
  PetscCheck(found && !strcmp(have, format), comm, PETSC_ERR_FILE_UNEXPECTED, "-restart: %s.partial is not a %s file", path, format);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileFlush(NMFile file)
{
  PetscFunctionBeginUser;
  PetscCheck(H5Fflush(file->fid, H5F_SCOPE_GLOBAL) >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: flushing to disk failed (disk full?)", file->tmp);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileKeepOnFailure(NMFile file)
{
  PetscFunctionBegin;
  file->keep = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileDetach(NMFile *file)
{
  NMFile f = *file;

  PetscFunctionBeginUser;
  PetscCheck(f->writing, f->comm, PETSC_ERR_ARG_WRONGSTATE, "%s was opened for reading", f->path);
  PetscCheck(H5Fclose(f->fid) >= 0, f->comm, PETSC_ERR_FILE_WRITE, "%s: closing the file failed (disk full?)", f->tmp);
  NMFileRegistryRemove(f);
  PetscCall(PetscFree(*file));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileCommit(NMFile *file)
{
  NMFile      f = *file;
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCheck(f->writing, f->comm, PETSC_ERR_ARG_WRONGSTATE, "%s was opened for reading", f->path);
  PetscCheck(H5Fclose(f->fid) >= 0, f->comm, PETSC_ERR_FILE_WRITE, "-o %s: closing the file failed (disk full?)", f->path);
  f->fid = -1;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  if (rank == 0) err = rename(f->tmp, f->path) ? errno : 0;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, f->comm));
  PetscCheck(!err, f->comm, PETSC_ERR_FILE_WRITE, "-o %s: cannot rename %s into place: %s", f->path, f->tmp, strerror(err));
  NMFileRegistryRemove(f);
  f->writing = PETSC_FALSE;
  PetscCall(NMFileDestroy(file));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileGetFormat(MPI_Comm comm, const char path[], char format[], size_t len)
{
  NMFile    f;
  PetscBool found;

  PetscFunctionBeginUser;
  PetscCall(NMFileOpen(comm, path, NULL, &f));
  PetscCall(NMFileGetAttributeString(f, "/", "format", format, len, &found));
  PetscCall(NMFileDestroy(&f));
  PetscCheck(found, comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no 'format' attribute: not a netmass file", path);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileOpen(MPI_Comm comm, const char path[], const char format[], NMFile *file)
{
  NMFile    f;
  hid_t     fapl;
  char      have[128];
  PetscBool found;

  PetscFunctionBeginUser;
  PetscCall(NMFileSilenceHDF5());
  PetscCall(NMCheckReadable(comm, "input", path));
  PetscCheck(H5Fis_hdf5(path) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s is not an HDF5 file; netmass reads its own HDF5 files (make one with 'netmass import' or 'netmass connectome')", path);
  PetscCall(PetscNew(&f));
  f->comm = comm;
  PetscCall(PetscStrncpy(f->path, path, sizeof(f->path)));
  PetscCall(NMFileAccessList(comm, &fapl));
  f->fid = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  if (f->fid < 0) {
    PetscCall(PetscFree(f));
    SETERRQ(comm, PETSC_ERR_FILE_OPEN, "%s: cannot open as HDF5", path);
  }
  *file = f;
  if (format) {
    PetscCall(NMFileGetAttributeString(f, "/", "format", have, sizeof(have), &found));
    PetscCheck(found, comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no 'format' attribute: not a netmass file (expected a %s file)", path, format);
    PetscCheck(!strcmp(have, format), comm, PETSC_ERR_FILE_UNEXPECTED, "%s is a %s file, but a %s file is needed here", path, have, format);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileDestroy(NMFile *file)
{
  NMFile      f = *file;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!f) PetscFunctionReturn(0);
  if (f->fid >= 0) H5Fclose(f->fid);
  if (f->writing) {
    /* Never committed: the partial file must not survive (unless a checkpoint needs it). */
    PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
    if (rank == 0 && !f->keep) (void)unlink(f->tmp);
    NMFileRegistryRemove(f);
  }
  PetscCall(PetscFree(*file));
  PetscFunctionReturn(0);
}

/* Called on failure, possibly from a single rank: no collective calls here. */
PetscErrorCode NMFileAbortAll(void)
{
  PetscFunctionBegin;
  while (nm_open_writes) {
    NMFile f       = nm_open_writes;
    nm_open_writes = f->next;
    if (!f->keep) (void)unlink(f->tmp);
    PetscCall(PetscFree(f));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileGetPath(NMFile file, const char **path)
{
  PetscFunctionBegin;
  *path = file->path;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFileCollectiveTransfer(MPI_Comm comm, hid_t *dxpl)
{
  PetscFunctionBegin;
  *dxpl = H5Pcreate(H5P_DATASET_XFER);
  PetscCheck(*dxpl >= 0 && H5Pset_dxpl_mpio(*dxpl, H5FD_MPIO_COLLECTIVE) >= 0, comm, PETSC_ERR_LIB, "cannot set up a collective HDF5 transfer");
  PetscFunctionReturn(0);
}

/* File and memory dataspaces selecting rows [rstart, rend) of the leading dimension. */
static PetscErrorCode NMFileSelectRows(MPI_Comm comm, hid_t filespace, PetscInt rstart, PetscInt rend, hid_t *memspace)
{
  hsize_t dims[NM_FILE_MAX_DIM], start[NM_FILE_MAX_DIM] = {0}, count[NM_FILE_MAX_DIM];
  int     ndim = H5Sget_simple_extent_dims(filespace, dims, NULL);

  PetscFunctionBegin;
  PetscCheck(ndim >= 1 && ndim <= NM_FILE_MAX_DIM, comm, PETSC_ERR_LIB, "unsupported dataset rank %d", ndim);
  PetscCheck(rstart >= 0 && rend >= rstart && (hsize_t)rend <= dims[0], comm, PETSC_ERR_ARG_OUTOFRANGE, "rows [%" PetscInt_FMT ", %" PetscInt_FMT ") outside a dataset of %llu rows", rstart, rend, (unsigned long long)dims[0]);
  for (int d = 0; d < ndim; d++) count[d] = dims[d];
  start[0] = (hsize_t)rstart;
  count[0] = (hsize_t)(rend - rstart);
  if (count[0] == 0) {
    /* A rank owning no rows still joins the collective call, selecting nothing. */
    H5Sselect_none(filespace);
    *memspace = H5Scopy(filespace);
    H5Sselect_none(*memspace);
  } else {
    PetscCheck(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0, comm, PETSC_ERR_LIB, "hyperslab selection failed");
    *memspace = H5Screate_simple(ndim, count, NULL);
  }
  PetscFunctionReturn(0);
}

struct _n_NMDataset {
  NMFile   file;
  hid_t    dset;
  PetscInt ndim;
};

PetscErrorCode NMFileCreateDataset(NMFile file, const char name[], PetscInt ndim, const PetscInt dims[], const char *const dimnames[], const char units[], NMDataset *ds)
{
  hsize_t   hdims[NM_FILE_MAX_DIM];
  hid_t     space, dcpl, lcpl;
  PetscReal nan = NAN;

  PetscFunctionBeginUser;
  PetscCheck(file->writing, file->comm, PETSC_ERR_ARG_WRONGSTATE, "%s is open for reading", file->path);
  PetscCheck(ndim >= 1 && ndim <= NM_FILE_MAX_DIM, file->comm, PETSC_ERR_ARG_OUTOFRANGE, "dataset %s: rank %" PetscInt_FMT " not in 1..%d", name, ndim, NM_FILE_MAX_DIM);
  PetscCall(PetscNew(ds));
  (*ds)->file = file;
  (*ds)->ndim = ndim;
  for (PetscInt d = 0; d < ndim; d++) hdims[d] = (hsize_t)dims[d];
  space = H5Screate_simple((int)ndim, hdims, NULL);
  /* Unwritten entries read as NaN, so a run stopped early cannot pass for data. */
  dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan);
  H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC);
  lcpl = NMFileLinkCreateProps();
  (*ds)->dset = H5Dcreate2(file->fid, name, H5T_NATIVE_DOUBLE, space, lcpl, dcpl, H5P_DEFAULT);
  H5Pclose(lcpl);
  H5Pclose(dcpl);
  H5Sclose(space);
  PetscCheck((*ds)->dset >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: cannot create dataset %s (disk full?)", file->path, name);
  for (PetscInt d = 0; d < ndim; d++) PetscCheck(H5DSset_label((*ds)->dset, (unsigned)d, dimnames[d]) >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: labelling dimension %" PetscInt_FMT " of %s failed", file->path, d, name);
  if (units) PetscCall(NMFileSetAttributeString(file, name, "units", units));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileOpenDatasetForWrite(NMFile file, const char name[], NMDataset *ds)
{
  hid_t space;

  PetscFunctionBeginUser;
  PetscCheck(file->writing, file->comm, PETSC_ERR_ARG_WRONGSTATE, "%s is open for reading", file->path);
  PetscCheck(H5Lexists(file->fid, name, H5P_DEFAULT) > 0, file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no dataset '%s' to continue", file->tmp, name);
  PetscCall(PetscNew(ds));
  (*ds)->file = file;
  (*ds)->dset = H5Dopen2(file->fid, name, H5P_DEFAULT);
  PetscCheck((*ds)->dset >= 0, file->comm, PETSC_ERR_FILE_READ, "%s: cannot open dataset '%s'", file->tmp, name);
  space       = H5Dget_space((*ds)->dset);
  (*ds)->ndim = H5Sget_simple_extent_ndims(space);
  H5Sclose(space);
  PetscFunctionReturn(0);
}

/* File and memory dataspaces selecting the union of nblocks non-overlapping blocks
   (block b: start[b * ndim + d], count[b * ndim + d]); the memory side is one run of
   the selected values in the dataset's row-major order. nblocks = 0 (or empty blocks)
   selects nothing: the rank still joins the collective call. */
static PetscErrorCode NMFileSelectBlocks(MPI_Comm comm, hid_t space, PetscInt nblocks, const PetscInt start[], const PetscInt count[], hid_t *memspace)
{
  hsize_t hstart[NM_FILE_MAX_DIM], hcount[NM_FILE_MAX_DIM], total = 0;
  int     ndim = H5Sget_simple_extent_ndims(space);

  PetscFunctionBegin;
  PetscCheck(ndim >= 1 && ndim <= NM_FILE_MAX_DIM, comm, PETSC_ERR_LIB, "unsupported dataset rank %d", ndim);
  H5Sselect_none(space);
  for (PetscInt b = 0; b < nblocks; b++) {
    hsize_t size = 1;
    for (int d = 0; d < ndim; d++) {
      hstart[d] = (hsize_t)start[b * ndim + d];
      hcount[d] = (hsize_t)count[b * ndim + d];
      size *= hcount[d];
    }
    if (!size) continue;
    PetscCheck(H5Sselect_hyperslab(space, total ? H5S_SELECT_OR : H5S_SELECT_SET, hstart, NULL, hcount, NULL) >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "hyperslab selection failed (block outside the dataset?)");
    total += size;
  }
  if (!total) {
    *memspace = H5Scopy(space);
    H5Sselect_none(*memspace);
  } else *memspace = H5Screate_simple(1, &total, NULL);
  PetscFunctionReturn(0);
}

PetscErrorCode NMDatasetWriteBlocks(NMDataset ds, PetscInt nblocks, const PetscInt start[], const PetscInt count[], const PetscReal local[])
{
  hid_t  space = H5Dget_space(ds->dset), memspace, dxpl;
  herr_t status;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(NM_EVENT_FileWrite, 0, 0, 0, 0));
  PetscCall(NMFileSelectBlocks(ds->file->comm, space, nblocks, start, count, &memspace));
  PetscCall(NMFileCollectiveTransfer(ds->file->comm, &dxpl));
  status = H5Dwrite(ds->dset, H5T_NATIVE_DOUBLE, memspace, space, dxpl, local);
  H5Pclose(dxpl);
  H5Sclose(memspace);
  H5Sclose(space);
  PetscCheck(status >= 0, ds->file->comm, PETSC_ERR_FILE_WRITE, "%s: writing failed (disk full?)", ds->file->path);
  PetscCall(PetscLogEventEnd(NM_EVENT_FileWrite, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDatasetWrite(NMDataset ds, const PetscInt start[], const PetscInt count[], const PetscReal local[])
{
  PetscFunctionBeginUser;
  PetscCall(NMDatasetWriteBlocks(ds, 1, start, count, local));
  PetscFunctionReturn(0);
}

PetscErrorCode NMDatasetClose(NMDataset *ds)
{
  PetscFunctionBeginUser;
  if (!*ds) PetscFunctionReturn(0);
  H5Dclose((*ds)->dset);
  PetscCall(PetscFree(*ds));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileWriteReal(NMFile file, const char name[], PetscInt ndim, const PetscInt dims[], const char *const dimnames[], const char units[], PetscInt rstart, PetscInt rend, const PetscReal local[])
{
  NMDataset ds;
  PetscInt  start[NM_FILE_MAX_DIM] = {0}, count[NM_FILE_MAX_DIM];

  PetscFunctionBeginUser;
  PetscCheck(rstart >= 0 && rend >= rstart && rend <= dims[0], file->comm, PETSC_ERR_ARG_OUTOFRANGE, "dataset %s: rows [%" PetscInt_FMT ", %" PetscInt_FMT ") outside 0..%" PetscInt_FMT, name, rstart, rend, dims[0]);
  for (PetscInt d = 0; d < ndim; d++) count[d] = dims[d];
  start[0] = rstart;
  count[0] = rend - rstart;
  PetscCall(NMFileCreateDataset(file, name, ndim, dims, dimnames, units, &ds));
  PetscCall(NMDatasetWrite(ds, start, count, local));
  PetscCall(NMDatasetClose(&ds));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFileOpenDataset(NMFile file, const char name[], hid_t *dset)
{
  PetscFunctionBegin;
  PetscCheck(H5Lexists(file->fid, name, H5P_DEFAULT) > 0, file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no dataset '%s'; see docs/file-formats.md for what each file holds", file->path, name);
  *dset = H5Dopen2(file->fid, name, H5P_DEFAULT);
  PetscCheck(*dset >= 0, file->comm, PETSC_ERR_FILE_READ, "%s: cannot open dataset '%s'", file->path, name);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileHasDataset(NMFile file, const char name[], PetscBool *has)
{
  PetscFunctionBegin;
  *has = (PetscBool)(H5Lexists(file->fid, name, H5P_DEFAULT) > 0);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileGetShape(NMFile file, const char name[], PetscInt ndim, PetscInt dims[])
{
  hid_t   dset, space;
  hsize_t hdims[NM_FILE_MAX_DIM];
  int     have;

  PetscFunctionBeginUser;
  PetscCall(NMFileOpenDataset(file, name, &dset));
  space = H5Dget_space(dset);
  have  = H5Sget_simple_extent_ndims(space);
  PetscCheck(have == ndim, file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset '%s' has %d dimensions, expected %" PetscInt_FMT, file->path, name, have, ndim);
  H5Sget_simple_extent_dims(space, hdims, NULL);
  for (PetscInt d = 0; d < ndim; d++) dims[d] = (PetscInt)hdims[d];
  H5Sclose(space);
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

/* Read a selection of dataset `name` into local: rows [rstart, rend) of the leading
   dimension (nblocks < 0), or the union of nblocks blocks. Collective. */
static PetscErrorCode NMFileReadSelection(NMFile file, const char name[], PetscInt rstart, PetscInt rend, PetscInt nblocks, const PetscInt start[], const PetscInt count[], PetscReal local[])
{
  hid_t  dset, space, memspace, dxpl;
  herr_t status;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(NM_EVENT_FileRead, 0, 0, 0, 0));
  PetscCall(NMFileOpenDataset(file, name, &dset));
  space = H5Dget_space(dset);
  if (nblocks < 0) PetscCall(NMFileSelectRows(file->comm, space, rstart, rend, &memspace));
  else PetscCall(NMFileSelectBlocks(file->comm, space, nblocks, start, count, &memspace));
  PetscCall(NMFileCollectiveTransfer(file->comm, &dxpl));
  status = H5Dread(dset, H5T_NATIVE_DOUBLE, memspace, space, dxpl, local);
  PetscCheck(status >= 0, file->comm, PETSC_ERR_FILE_READ, "%s: reading dataset '%s' failed (is it numeric?)", file->path, name);
  H5Pclose(dxpl);
  H5Sclose(memspace);
  H5Sclose(space);
  H5Dclose(dset);
  PetscCall(PetscLogEventEnd(NM_EVENT_FileRead, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileReadReal(NMFile file, const char name[], PetscInt rstart, PetscInt rend, PetscReal local[])
{
  PetscFunctionBeginUser;
  PetscCall(NMFileReadSelection(file, name, rstart, rend, -1, NULL, NULL, local));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileReadBlocks(NMFile file, const char name[], PetscInt nblocks, const PetscInt start[], const PetscInt count[], PetscReal local[])
{
  PetscFunctionBeginUser;
  PetscCall(NMFileReadSelection(file, name, 0, 0, nblocks, start, count, local));
  PetscFunctionReturn(0);
}

/* Fixed-length, NUL-padded strings: parallel HDF5 cannot write variable-length data. */
PetscErrorCode NMFileWriteStrings(NMFile file, const char name[], PetscInt n, const char *const strings[], const char dimname[])
{
  size_t      width = 1;
  char       *buf;
  hid_t       type, space, dset, memspace, dxpl, lcpl;
  hsize_t     hn = (hsize_t)n;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCheck(n > 0, file->comm, PETSC_ERR_ARG_OUTOFRANGE, "dataset %s: no strings to write", name);
  for (PetscInt i = 0; i < n; i++) width = PetscMax(width, strlen(strings[i]));
  PetscCall(PetscCalloc1((size_t)n * width, &buf));
  for (PetscInt i = 0; i < n; i++) memcpy(buf + (size_t)i * width, strings[i], strlen(strings[i]));
  type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  H5Tset_cset(type, H5T_CSET_UTF8);
  space = H5Screate_simple(1, &hn, NULL);
  lcpl  = NMFileLinkCreateProps();
  dset  = H5Dcreate2(file->fid, name, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  PetscCheck(dset >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: cannot create dataset %s", file->path, name);
  /* Every rank holds the same strings; rank 0 writes them. */
  PetscCallMPI(MPI_Comm_rank(file->comm, &rank));
  PetscCall(NMFileSelectRows(file->comm, space, 0, rank ? 0 : n, &memspace));
  PetscCall(NMFileCollectiveTransfer(file->comm, &dxpl));
  PetscCheck(H5Dwrite(dset, type, memspace, space, dxpl, buf) >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: writing %s failed", file->path, name);
  PetscCheck(H5DSset_label(dset, 0, dimname) >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: labelling %s failed", file->path, name);
  H5Pclose(dxpl);
  H5Sclose(memspace);
  H5Sclose(space);
  H5Dclose(dset);
  H5Tclose(type);
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileReadStrings(NMFile file, const char name[], PetscInt n, char ***strings)
{
  hid_t   dset, space, ftype, mtype;
  hsize_t hn;
  size_t  width;
  char   *buf;

  PetscFunctionBeginUser;
  PetscCall(NMFileOpenDataset(file, name, &dset));
  space = H5Dget_space(dset);
  PetscCheck(H5Sget_simple_extent_ndims(space) == 1, file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: '%s' must be one-dimensional", file->path, name);
  H5Sget_simple_extent_dims(space, &hn, NULL);
  PetscCheck((PetscInt)hn == n, file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: '%s' has %llu entries, expected %" PetscInt_FMT, file->path, name, (unsigned long long)hn, n);
  ftype = H5Dget_type(dset);
  PetscCheck(H5Tget_class(ftype) == H5T_STRING && !H5Tis_variable_str(ftype), file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: '%s' must hold fixed-length strings", file->path, name);
  width = H5Tget_size(ftype);
  mtype = H5Tcopy(H5T_C_S1);
  H5Tset_size(mtype, width + 1);
  H5Tset_strpad(mtype, H5T_STR_NULLTERM);
  H5Tset_cset(mtype, H5Tget_cset(ftype)); /* HDF5 does not convert between ASCII and UTF-8 */
  PetscCall(PetscCalloc1((size_t)n * (width + 1), &buf));
  PetscCheck(H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0, file->comm, PETSC_ERR_FILE_READ, "%s: reading '%s' failed", file->path, name);
  PetscCall(PetscMalloc1(n, strings));
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscStrallocpy(buf + (size_t)i * (width + 1), &(*strings)[i]));
  PetscCall(PetscFree(buf));
  H5Tclose(mtype);
  H5Tclose(ftype);
  H5Sclose(space);
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFileWriteAttribute(NMFile file, const char object[], const char name[], hid_t type, const void *value)
{
  hid_t space = H5Screate(H5S_SCALAR), attr;

  PetscFunctionBegin;
  PetscCheck(file->writing, file->comm, PETSC_ERR_ARG_WRONGSTATE, "%s is open for reading", file->path);
  if (H5Aexists_by_name(file->fid, object, name, H5P_DEFAULT) > 0) H5Adelete_by_name(file->fid, object, name, H5P_DEFAULT);
  attr = H5Acreate_by_name(file->fid, object, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(attr >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: cannot create attribute %s on %s", file->path, name, object);
  PetscCheck(H5Awrite(attr, type, value) >= 0, file->comm, PETSC_ERR_FILE_WRITE, "%s: cannot write attribute %s", file->path, name);
  H5Aclose(attr);
  H5Sclose(space);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileSetAttributeString(NMFile file, const char object[], const char name[], const char value[])
{
  hid_t type = H5Tcopy(H5T_C_S1);

  PetscFunctionBeginUser;
  H5Tset_size(type, PetscMax(strlen(value), 1));
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  H5Tset_cset(type, H5T_CSET_UTF8);
  PetscCall(NMFileWriteAttribute(file, object, name, type, value[0] ? value : " "));
  H5Tclose(type);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileSetAttributeReal(NMFile file, const char object[], const char name[], PetscReal value)
{
  PetscFunctionBeginUser;
  PetscCall(NMFileWriteAttribute(file, object, name, H5T_NATIVE_DOUBLE, &value));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileSetAttributeInt(NMFile file, const char object[], const char name[], PetscInt64 value)
{
  int64_t v = value;

  PetscFunctionBeginUser;
  PetscCall(NMFileWriteAttribute(file, object, name, H5T_NATIVE_INT64, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileGetAttributeString(NMFile file, const char object[], const char name[], char value[], size_t len, PetscBool *found)
{
  hid_t  attr, ftype, mtype;
  size_t width;

  PetscFunctionBeginUser;
  *found = PETSC_FALSE;
  value[0] = 0;
  if (H5Aexists_by_name(file->fid, object, name, H5P_DEFAULT) <= 0) PetscFunctionReturn(0);
  attr  = H5Aopen_by_name(file->fid, object, name, H5P_DEFAULT, H5P_DEFAULT);
  ftype = H5Aget_type(attr);
  PetscCheck(H5Tget_class(ftype) == H5T_STRING && !H5Tis_variable_str(ftype), file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute %s of %s is not a fixed-length string", file->path, name, object);
  width = H5Tget_size(ftype);
  PetscCheck(width < len, file->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute %s is longer than %zu characters", file->path, name, len - 1);
  mtype = H5Tcopy(H5T_C_S1);
  H5Tset_size(mtype, width + 1);
  H5Tset_strpad(mtype, H5T_STR_NULLTERM);
  H5Tset_cset(mtype, H5Tget_cset(ftype)); /* HDF5 does not convert between ASCII and UTF-8 */
  PetscCheck(H5Aread(attr, mtype, value) >= 0, file->comm, PETSC_ERR_FILE_READ, "%s: reading attribute %s failed", file->path, name);
  H5Tclose(mtype);
  H5Tclose(ftype);
  H5Aclose(attr);
  *found = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFileGetAttributeReal(NMFile file, const char object[], const char name[], PetscReal *value, PetscBool *found)
{
  hid_t attr;

  PetscFunctionBeginUser;
  *found = PETSC_FALSE;
  if (H5Aexists_by_name(file->fid, object, name, H5P_DEFAULT) <= 0) PetscFunctionReturn(0);
  attr = H5Aopen_by_name(file->fid, object, name, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(H5Aread(attr, H5T_NATIVE_DOUBLE, value) >= 0, file->comm, PETSC_ERR_FILE_READ, "%s: attribute %s of %s is not numeric", file->path, name, object);
  H5Aclose(attr);
  *found = PETSC_TRUE;
  PetscFunctionReturn(0);
}
