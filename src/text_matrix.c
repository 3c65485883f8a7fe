#include <netmass/import.h>
#include <netmass/sys.h>
#include <ctype.h>
#include <errno.h>

PetscErrorCode NMReadFileText(const char option[], const char path[], char **text, size_t *len)
{
  FILE *fp;
  long  size;

  PetscFunctionBeginUser;
  PetscCall(NMCheckReadable(PETSC_COMM_SELF, option, path));
  fp = fopen(path, "rb");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s %s: cannot open: %s", option, path, strerror(errno));
  PetscCheck(fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s %s: not a regular file", option, path);
  PetscCall(PetscMalloc1((size_t)size + 1, text));
  PetscCheck(fread(*text, 1, (size_t)size, fp) == (size_t)size, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s %s: read error", option, path);
  fclose(fp);
  (*text)[size] = 0;
  *len          = (size_t)size;
  PetscFunctionReturn(0);
}

/* strtod accepts "nan" and "inf": they are read here and rejected by the value checks,
   which name the entry, rather than reported as a parse error. */
PetscErrorCode NMTextMatrixParse(const char origin[], const char text[], PetscInt *rows, PetscInt *cols, PetscReal **a)
{
  PetscInt    nrow = 0, ncol = -1, cap = 1024, count = 0, line = 0;
  PetscReal  *buf;
  const char *p = text;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(cap, &buf));
  while (*p) {
    const char *end = strchr(p, '\n');
    PetscInt    k   = 0;
    if (!end) end = p + strlen(p);
    line++;
    for (const char *q = p; q < end;) {
      char     *next;
      PetscReal v;
      while (q < end && isspace((unsigned char)*q)) q++;
      if (q >= end) break;
      v = strtod(q, &next);
      if (next == q || next > end || (next < end && !isspace((unsigned char)*next))) {
        PetscInt col = k + 1, toklen = 0;
        while (q + toklen < end && !isspace((unsigned char)q[toklen]) && toklen < 40) toklen++;
        PetscCall(PetscFree(buf));
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ", column %" PetscInt_FMT ": '%.*s' is not a number; expected a whitespace-separated numeric matrix", origin, line, col, (int)toklen, q);
      }
      if (count == cap) {
        PetscReal *grown;
        PetscCall(PetscMalloc1(2 * cap, &grown));
        PetscCall(PetscArraycpy(grown, buf, cap));
        PetscCall(PetscFree(buf));
        buf = grown;
        cap *= 2;
      }
      buf[count++] = v;
      k++;
      q = next;
    }
    if (k > 0) {
      if (ncol < 0) ncol = k;
      if (k != ncol) {
        PetscCall(PetscFree(buf));
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": %" PetscInt_FMT " columns, but the first row has %" PetscInt_FMT "; every row needs the same number", origin, line, k, ncol);
      }
      nrow++;
    }
    p = *end ? end + 1 : end;
  }
  if (!nrow) {
    PetscCall(PetscFree(buf));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s holds no numbers; expected a whitespace-separated matrix", origin);
  }
  *rows = nrow;
  *cols = ncol;
  *a    = buf;
  PetscFunctionReturn(0);
}

/* Parse into `parsed`; the caller frees it whether or not this succeeds. */
static PetscErrorCode NMTextCentresParseInto(const char origin[], const char text[], PetscInt n, char **parsed, PetscReal centres[])
{
  const char *p = text;
  PetscInt    i = 0, line = 0;

  PetscFunctionBegin;
  while (*p) {
    const char *end = strchr(p, '\n');
    char        label[NM_LABEL_LEN], rest;
    double      x, y, z;
    char        copy[512];
    size_t      len;
    if (!end) end = p + strlen(p);
    line++;
    len = PetscMin((size_t)(end - p), sizeof(copy) - 1);
    memcpy(copy, p, len);
    copy[len] = 0;
    p         = *end ? end + 1 : end;
    if (sscanf(copy, " %c", &rest) != 1) continue; /* blank line */
    PetscCheck(i < n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s has more than %" PetscInt_FMT " region lines; it must match the %" PetscInt_FMT " rows of the weights", origin, n, n);
    PetscCheck(sscanf(copy, "%63s %lf %lf %lf %c", label, &x, &y, &z, &rest) == 4, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": expected 'label x y z' (mm)", origin, line);
    PetscCall(PetscStrallocpy(label, &parsed[i]));
    centres[3 * i]     = x;
    centres[3 * i + 1] = y;
    centres[3 * i + 2] = z;
    i++;
  }
  PetscCheck(i == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s has %" PetscInt_FMT " region lines, but the weights have %" PetscInt_FMT " rows", origin, i, n);
  PetscFunctionReturn(0);
}

PetscErrorCode NMTextCentresParse(const char origin[], const char text[], PetscInt n, char ***labels, PetscReal centres[])
{
  char         **parsed;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(n, &parsed));
  ierr = NMTextCentresParseInto(origin, text, n, parsed, centres);
  if (ierr) {
    PetscCall(NMStringsDestroy(n, &parsed));
    return ierr; /* already reported where it was raised */
  }
  *labels = parsed;
  PetscFunctionReturn(0);
}
