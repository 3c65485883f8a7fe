#include <netmass/import.h>
#include <netmass/sys.h>

/* Plain whitespace-separated N x N text matrices, already in netmass's
   receiver x emitter layout; an optional centres file ("label x y z" lines). */

typedef struct {
  const char  *weights, *lengths, *centres;
  NMConnectome conn;
} NMTextCtx;

static PetscErrorCode NMReadSquareText(const char option[], const char path[], PetscBool nonnegative, PetscInt *n, PetscReal **a)
{
  char    *text, origin[PETSC_MAX_PATH_LEN + 32];
  size_t   len;
  PetscInt rows, cols;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(origin, sizeof(origin), "%s %s", option, path));
  PetscCall(NMReadFileText(option, path, &text, &len));
  PetscCall(NMTextMatrixParse(origin, text, &rows, &cols, a));
  PetscCall(PetscFree(text));
  PetscCheck(rows == cols, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is %" PetscInt_FMT "x%" PetscInt_FMT "; it must be a square N x N matrix", origin, rows, cols);
  PetscCall(NMCheckMatrix(PETSC_COMM_SELF, origin, option + 6, rows, cols, *a, nonnegative));
  *n = rows;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMImportTextRoot(void *ptr)
{
  NMTextCtx *ctx = (NMTextCtx *)ptr;
  PetscInt   n, nl;
  PetscReal *w, *l, *cw, *cl, *cc;
  char     **labels, source[3 * PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(NMReadSquareText("-text_weights", ctx->weights, PETSC_TRUE, &n, &w));
  PetscCall(NMReadSquareText("-text_lengths", ctx->lengths, PETSC_TRUE, &nl, &l));
  PetscCheck(nl == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-text_lengths %s is %" PetscInt_FMT "x%" PetscInt_FMT " but -text_weights %s is %" PetscInt_FMT "x%" PetscInt_FMT "; both must describe the same regions", ctx->lengths, nl, nl, ctx->weights, n, n);
  PetscCall(NMConnectomeCreate(PETSC_COMM_SELF, n, &ctx->conn));
  PetscCall(NMConnectomeGetArrays(ctx->conn, &cw, &cl, &cc));
  PetscCall(PetscArraycpy(cw, w, n * n));
  PetscCall(PetscArraycpy(cl, l, n * n));
  PetscCall(PetscFree(w));
  PetscCall(PetscFree(l));
  if (ctx->centres[0]) {
    char  *text, origin[PETSC_MAX_PATH_LEN + 32];
    size_t len;
    PetscCall(PetscSNPrintf(origin, sizeof(origin), "-text_centres %s", ctx->centres));
    PetscCall(NMReadFileText("-text_centres", ctx->centres, &text, &len));
    PetscCall(NMTextCentresParse(origin, text, n, &labels, cc));
    PetscCall(PetscFree(text));
    for (PetscInt i = 0; i < n; i++) PetscCall(NMConnectomeSetLabel(ctx->conn, i, labels[i]));
    PetscCall(NMStringsDestroy(n, &labels));
  }
  PetscCall(PetscSNPrintf(source, sizeof(source), "text matrices: weights %s, tract lengths %s%s%s", ctx->weights, ctx->lengths, ctx->centres[0] ? ", centres " : "", ctx->centres));
  PetscCall(NMConnectomeSetSource(ctx->conn, source));
  PetscFunctionReturn(0);
}

PetscErrorCode NMImportText(MPI_Comm comm, const char weights[], const char lengths[], const char centres[], NMConnectome *conn)
{
  NMTextCtx ctx = {weights, lengths, centres ? centres : "", NULL};

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(NM_EVENT_Import, 0, 0, 0, 0));
  PetscCall(NMRunOnRoot(comm, NMImportTextRoot, &ctx));
  PetscCall(NMConnectomeBcast(comm, &ctx.conn));
  PetscCall(PetscLogEventEnd(NM_EVENT_Import, 0, 0, 0, 0));
  *conn = ctx.conn;
  PetscFunctionReturn(0);
}
