#include <netmass/import.h>
#include <netmass/sys.h>
#include <zip.h>
#include <bzlib.h>

/* The Virtual Brain's connectivity archives (tvb-data) hold weights.txt,
   tract_lengths.txt and centres.txt, each possibly bz2-compressed (".txt.bz2") and
   possibly inside a folder. TVB stores weights[source, target] (its coupling sums
   weights[j, i] * x_j into node i), the transpose of netmass's receiver x emitter,
   so both matrices are transposed on import. */

static PetscErrorCode NMBunzip(const char origin[], const char *in, size_t inlen, char **out, size_t *outlen)
{
  bz_stream strm;
  size_t    cap = 4 * inlen + 4096;
  int       ret;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&strm, sizeof(strm)));
  PetscCheck(BZ2_bzDecompressInit(&strm, 0, 0) == BZ_OK, PETSC_COMM_SELF, PETSC_ERR_LIB, "bzip2 initialisation failed");
  PetscCall(PetscMalloc1(cap + 1, out));
  strm.next_in  = (char *)in;
  strm.avail_in = (unsigned)inlen;
  do {
    if (strm.total_out_lo32 + ((size_t)strm.total_out_hi32 << 32) == cap) {
      char *grown;
      PetscCall(PetscMalloc1(2 * cap + 1, &grown));
      PetscCall(PetscMemcpy(grown, *out, cap));
      PetscCall(PetscFree(*out));
      *out = grown;
      cap *= 2;
    }
    *outlen        = strm.total_out_lo32 + ((size_t)strm.total_out_hi32 << 32);
    strm.next_out  = *out + *outlen;
    strm.avail_out = (unsigned)PetscMin(cap - *outlen, (size_t)1 << 30);
    ret            = BZ2_bzDecompress(&strm);
  } while (ret == BZ_OK && (strm.avail_in > 0 || strm.avail_out == 0));
  *outlen = strm.total_out_lo32 + ((size_t)strm.total_out_hi32 << 32);
  BZ2_bzDecompressEnd(&strm);
  if (ret != BZ_STREAM_END) {
    PetscCall(PetscFree(*out));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: corrupt or truncated bzip2 data (bzlib error %d)", origin, ret);
  }
  (*out)[*outlen] = 0;
  PetscFunctionReturn(0);
}

/* Index of the member whose file name (ignoring folders) is `name`, or -1. */
static zip_int64_t NMZipFind(zip_t *za, const char name[])
{
  return zip_name_locate(za, name, ZIP_FL_NODIR);
}

/* Text of member `base` (".txt") or `base`.bz2; with `required` false, *text may be NULL. */
static PetscErrorCode NMZipReadMember(zip_t *za, const char zipname[], const char base[], PetscBool required, char **text, char origin[], size_t originlen)
{
  char        bzname[128];
  zip_int64_t idx;
  PetscBool   compressed = PETSC_FALSE;
  zip_stat_t  st;
  zip_file_t *zf;
  char       *raw;

  PetscFunctionBegin;
  *text = NULL;
  PetscCall(PetscSNPrintf(bzname, sizeof(bzname), "%s.bz2", base));
  idx = NMZipFind(za, base);
  if (idx < 0) {
    idx        = NMZipFind(za, bzname);
    compressed = PETSC_TRUE;
  }
  if (idx < 0) {
    PetscCheck(!required, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-tvb_zip %s has no member %s or %s; a TVB connectivity zip needs weights.txt and tract_lengths.txt (plain or .bz2)", zipname, base, bzname);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscSNPrintf(origin, originlen, "%s:%s", zipname, zip_get_name(za, (zip_uint64_t)idx, 0)));
  PetscCheck(zip_stat_index(za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot stat member", origin);
  zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
  PetscCheck(zf, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot open member: %s", origin, zip_strerror(za));
  PetscCall(PetscMalloc1(st.size + 1, &raw));
  if (zip_fread(zf, raw, st.size) != (zip_int64_t)st.size) {
    zip_fclose(zf);
    PetscCall(PetscFree(raw));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: corrupt member (CRC or size mismatch)", origin);
  }
  zip_fclose(zf);
  raw[st.size] = 0;
  if (compressed) {
    size_t len;
    PetscCall(NMBunzip(origin, raw, st.size, text, &len));
    PetscCall(PetscFree(raw));
  } else *text = raw;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMReadSquareFromZip(zip_t *za, const char zipname[], const char base[], PetscInt *n, PetscReal **a, char origin[], size_t originlen)
{
  char    *text;
  PetscInt rows, cols;

  PetscFunctionBegin;
  PetscCall(NMZipReadMember(za, zipname, base, PETSC_TRUE, &text, origin, originlen));
  PetscCall(NMTextMatrixParse(origin, text, &rows, &cols, a));
  PetscCall(PetscFree(text));
  PetscCheck(rows == cols, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is %" PetscInt_FMT "x%" PetscInt_FMT "; a connectivity matrix must be square", origin, rows, cols);
  *n = rows;
  PetscFunctionReturn(0);
}

typedef struct {
  const char  *path;
  NMConnectome conn;
} NMTVBZipCtx;

static PetscErrorCode NMImportTVBZipRoot(void *ptr)
{
  NMTVBZipCtx *ctx = (NMTVBZipCtx *)ptr;
  zip_t       *za;
  int          zerr;
  PetscInt     n, nl;
  PetscReal   *w, *l, *cw, *cl, *cc;
  char        *text, **labels = NULL, origin[PETSC_MAX_PATH_LEN + 64], source[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCall(NMCheckReadable(PETSC_COMM_SELF, "-tvb_zip", ctx->path));
  za = zip_open(ctx->path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
  if (!za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, zerr);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-tvb_zip %s: not a readable zip archive (%s); give a TVB connectivity zip such as connectivity_68.zip", ctx->path, zip_error_strerror(&ze));
  }
  PetscCall(NMReadSquareFromZip(za, ctx->path, "weights.txt", &n, &w, origin, sizeof(origin)));
  PetscCall(NMCheckMatrix(PETSC_COMM_SELF, origin, "weights", n, n, w, PETSC_TRUE));
  PetscCall(NMReadSquareFromZip(za, ctx->path, "tract_lengths.txt", &nl, &l, origin, sizeof(origin)));
  PetscCheck(nl == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is %" PetscInt_FMT "x%" PetscInt_FMT " but the weights are %" PetscInt_FMT "x%" PetscInt_FMT "; both must describe the same regions", origin, nl, nl, n, n);
  PetscCall(NMCheckMatrix(PETSC_COMM_SELF, origin, "tract_lengths", n, n, l, PETSC_TRUE));

  PetscCall(NMConnectomeCreate(PETSC_COMM_SELF, n, &ctx->conn));
  PetscCall(NMConnectomeGetArrays(ctx->conn, &cw, &cl, &cc));
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt e = 0; e < n; e++) {
      cw[r * n + e] = w[e * n + r];
      cl[r * n + e] = l[e * n + r];
    }
  PetscCall(PetscFree(w));
  PetscCall(PetscFree(l));

  PetscCall(NMZipReadMember(za, ctx->path, "centres.txt", PETSC_FALSE, &text, origin, sizeof(origin)));
  if (text) {
    PetscCall(NMTextCentresParse(origin, text, n, &labels, cc));
    PetscCall(PetscFree(text));
    for (PetscInt i = 0; i < n; i++) PetscCall(NMConnectomeSetLabel(ctx->conn, i, labels[i]));
    PetscCall(NMStringsDestroy(n, &labels));
  }
  zip_discard(za);
  PetscCall(PetscSNPrintf(source, sizeof(source), "TVB connectivity zip %s (transposed from TVB's source x target)", ctx->path));
  PetscCall(NMConnectomeSetSource(ctx->conn, source));
  PetscFunctionReturn(0);
}

PetscErrorCode NMImportTVBZip(MPI_Comm comm, const char path[], NMConnectome *conn)
{
  NMTVBZipCtx ctx = {path, NULL};

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(NM_EVENT_Import, 0, 0, 0, 0));
  PetscCall(NMRunOnRoot(comm, NMImportTVBZipRoot, &ctx));
  PetscCall(NMConnectomeBcast(comm, &ctx.conn));
  PetscCall(PetscLogEventEnd(NM_EVENT_Import, 0, 0, 0, 0));
  *conn = ctx.conn;
  PetscFunctionReturn(0);
}
