#include <netmass/connectome.h>
#include <netmass/h5file.h>
#include <netmass/sys.h>

struct _n_NMConnectome {
  MPI_Comm   comm;
  PetscInt   n;
  PetscReal *weights; /* n*n, [receiver*n + emitter] */
  PetscReal *lengths; /* n*n, mm */
  PetscReal *centres; /* n*3, mm */
  char     **labels;
  char      *source;
};

PetscErrorCode NMConnectomeCreate(MPI_Comm comm, PetscInt n, NMConnectome *conn)
{
  NMConnectome c;

  PetscFunctionBeginUser;
  PetscCheck(n > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "a connectome needs at least one region, got %" PetscInt_FMT, n);
  PetscCall(PetscNew(&c));
  c->comm = comm;
  c->n    = n;
  PetscCall(PetscCalloc3(n * n, &c->weights, n * n, &c->lengths, 3 * n, &c->centres));
  PetscCall(PetscMalloc1(n, &c->labels));
  for (PetscInt i = 0; i < n; i++) {
    char label[NM_LABEL_LEN];
    PetscCall(PetscSNPrintf(label, sizeof(label), "region_%04" PetscInt_FMT, i));
    PetscCall(PetscStrallocpy(label, &c->labels[i]));
  }
  PetscCall(PetscStrallocpy("unknown", &c->source));
  *conn = c;
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeDestroy(NMConnectome *conn)
{
  PetscFunctionBeginUser;
  if (!*conn) PetscFunctionReturn(0);
  PetscCall(PetscFree3((*conn)->weights, (*conn)->lengths, (*conn)->centres));
  PetscCall(NMStringsDestroy((*conn)->n, &(*conn)->labels));
  PetscCall(PetscFree((*conn)->source));
  PetscCall(PetscFree(*conn));
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeGetSize(NMConnectome conn, PetscInt *n)
{
  PetscFunctionBegin;
  *n = conn->n;
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeGetArrays(NMConnectome conn, PetscReal **weights, PetscReal **lengths, PetscReal **centres)
{
  PetscFunctionBegin;
  if (weights) *weights = conn->weights;
  if (lengths) *lengths = conn->lengths;
  if (centres) *centres = conn->centres;
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeGetLabels(NMConnectome conn, const char *const **labels)
{
  PetscFunctionBegin;
  *labels = (const char *const *)conn->labels;
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeSetLabel(NMConnectome conn, PetscInt i, const char label[])
{
  PetscFunctionBeginUser;
  PetscCheck(i >= 0 && i < conn->n, conn->comm, PETSC_ERR_ARG_OUTOFRANGE, "region %" PetscInt_FMT " outside 0..%" PetscInt_FMT, i, conn->n - 1);
  PetscCheck(label && label[0], conn->comm, PETSC_ERR_ARG_WRONG, "region %" PetscInt_FMT ": empty label", i);
  PetscCall(PetscFree(conn->labels[i]));
  PetscCall(PetscStrallocpy(label, &conn->labels[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeSetSource(NMConnectome conn, const char source[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(conn->source));
  PetscCall(PetscStrallocpy(source, &conn->source));
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeGetSource(NMConnectome conn, const char **source)
{
  PetscFunctionBegin;
  *source = conn->source;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCheckMatrix(MPI_Comm comm, const char origin[], const char what[], PetscInt rows, PetscInt cols, const PetscReal a[], PetscBool nonnegative)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < rows; i++)
    for (PetscInt j = 0; j < cols; j++) {
      PetscReal v = a[i * cols + j];
      PetscCheck(!PetscIsInfOrNanReal(v), comm, PETSC_ERR_FP, "%s: %s[%" PetscInt_FMT ",%" PetscInt_FMT "] is %g; every entry must be a finite number", origin, what, i, j, (double)v);
      PetscCheck(!nonnegative || v >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: %s[%" PetscInt_FMT ",%" PetscInt_FMT "] = %g is negative; %s must be >= 0", origin, what, i, j, (double)v, what);
    }
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeValidate(NMConnectome conn, const char origin[])
{
  PetscInt n = conn->n;

  PetscFunctionBeginUser;
  PetscCall(NMCheckMatrix(conn->comm, origin, "weights", n, n, conn->weights, PETSC_TRUE));
  PetscCall(NMCheckMatrix(conn->comm, origin, "tract_lengths", n, n, conn->lengths, PETSC_TRUE));
  PetscCall(NMCheckMatrix(conn->comm, origin, "centres", n, 3, conn->centres, PETSC_FALSE));
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeSetLengthsFromCentres(NMConnectome conn)
{
  PetscInt n = conn->n;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt e = 0; e < n; e++) {
      PetscReal d2 = 0;
      for (PetscInt k = 0; k < 3; k++) d2 += PetscSqr(conn->centres[3 * r + k] - conn->centres[3 * e + k]);
      conn->lengths[r * n + e] = PetscSqrtReal(d2);
    }
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeBcast(MPI_Comm comm, NMConnectome *conn)
{
  PetscMPIInt  rank;
  PetscInt     n = 0;
  NMConnectome c;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) n = (*conn)->n;
  PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, 0, comm));
  if (rank) PetscCall(NMConnectomeCreate(comm, n, conn));
  c       = *conn;
  c->comm = comm;
  PetscCallMPI(MPI_Bcast(c->weights, (PetscMPIInt)(n * n), MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(c->lengths, (PetscMPIInt)(n * n), MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(c->centres, (PetscMPIInt)(3 * n), MPIU_REAL, 0, comm));
  PetscCall(NMBcastStrings(comm, n, c->labels));
  PetscCall(NMBcastStrings(comm, 1, &c->source));
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeSave(NMConnectome conn, const char path[])
{
  NMFile              f;
  PetscInt            n = conn->n, dims[2] = {n, n}, cdims[2] = {n, 3}, rstart, rend;
  const char *const   mat[] = {"receiver", "emitter"}, *const xyz[] = {"region", "xyz"};
  PetscMPIInt         rank, size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(conn->comm, &rank));
  PetscCallMPI(MPI_Comm_size(conn->comm, &size));
  /* Each rank writes a block of receiver rows: one collective write per matrix. */
  rstart = (n * rank) / size;
  rend   = (n * (rank + 1)) / size;
  PetscCall(NMFileCreate(conn->comm, path, NM_FORMAT_CONNECTOME, &f));
  PetscCall(NMFileSetAttributeString(f, "/", "source", conn->source));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_regions", n));
  PetscCall(NMFileWriteReal(f, "weights", 2, dims, mat, "1", rstart, rend, conn->weights + rstart * n));
  PetscCall(NMFileSetAttributeString(f, "weights", "description", "connection strength from emitter (column) to receiver (row)"));
  PetscCall(NMFileWriteReal(f, "tract_lengths", 2, dims, mat, "mm", rstart, rend, conn->lengths + rstart * n));
  PetscCall(NMFileWriteReal(f, "centres", 2, cdims, xyz, "mm", rstart, rend, conn->centres + 3 * rstart));
  PetscCall(NMFileWriteStrings(f, "region_labels", n, (const char *const *)conn->labels, "region"));
  PetscCall(NMFileCommit(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeLoad(MPI_Comm comm, const char path[], NMConnectome *conn)
{
  NMFile       f;
  NMConnectome c;
  PetscInt     dims[2], ldims[2], cdims[2];
  char         source[4096];
  PetscBool    found;

  PetscFunctionBeginUser;
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_CONNECTOME, &f));
  PetscCall(NMFileGetShape(f, "weights", 2, dims));
  PetscCall(NMFileGetShape(f, "tract_lengths", 2, ldims));
  PetscCall(NMFileGetShape(f, "centres", 2, cdims));
  PetscCheck(dims[0] == dims[1], comm, PETSC_ERR_FILE_UNEXPECTED, "%s: weights are %" PetscInt_FMT "x%" PetscInt_FMT ", not square", path, dims[0], dims[1]);
  PetscCheck(ldims[0] == dims[0] && ldims[1] == dims[1], comm, PETSC_ERR_FILE_UNEXPECTED, "%s: tract_lengths are %" PetscInt_FMT "x%" PetscInt_FMT " but weights %" PetscInt_FMT "x%" PetscInt_FMT, path, ldims[0], ldims[1], dims[0], dims[1]);
  PetscCheck(cdims[0] == dims[0] && cdims[1] == 3, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: centres must be %" PetscInt_FMT "x3", path, dims[0]);
  PetscCall(NMConnectomeCreate(comm, dims[0], &c));
  PetscCall(NMFileReadReal(f, "weights", 0, dims[0], c->weights));
  PetscCall(NMFileReadReal(f, "tract_lengths", 0, dims[0], c->lengths));
  PetscCall(NMFileReadReal(f, "centres", 0, dims[0], c->centres));
  PetscCall(NMStringsDestroy(c->n, &c->labels));
  PetscCall(NMFileReadStrings(f, "region_labels", c->n, &c->labels));
  PetscCall(NMFileGetAttributeString(f, "/", "source", source, sizeof(source), &found));
  if (found) PetscCall(NMConnectomeSetSource(c, source));
  PetscCall(NMFileDestroy(&f));
  PetscCall(NMConnectomeValidate(c, path));
  *conn = c;
  PetscFunctionReturn(0);
}

PetscErrorCode NMConnectomeView(NMConnectome conn, PetscViewer viewer)
{
  PetscInt  n = conn->n, nnz = 0;
  PetscReal wmax = 0, wmin = PETSC_MAX_REAL, lmax = 0, lmin = PETSC_MAX_REAL, asym = 0;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt e = 0; e < n; e++) {
      PetscReal w = conn->weights[r * n + e], l = conn->lengths[r * n + e];
      asym = PetscMax(asym, PetscAbsReal(w - conn->weights[e * n + r]));
      if (w == 0) continue;
      nnz++;
      wmin = PetscMin(wmin, w);
      wmax = PetscMax(wmax, w);
      lmin = PetscMin(lmin, l);
      lmax = PetscMax(lmax, l);
    }
  if (!nnz) wmin = lmin = 0;
  PetscCall(PetscViewerASCIIPrintf(viewer, "connectome: %" PetscInt_FMT " regions, %" PetscInt_FMT " edges (density %.4f), %s\n", n, nnz, (double)nnz / (double)(n * n), asym == 0 ? "symmetric" : "directed"));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  weights in [%g, %g], tract lengths of edges in [%g, %g] mm\n", (double)wmin, (double)wmax, (double)lmin, (double)lmax));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  source: %s\n", conn->source));
  PetscFunctionReturn(0);
}
