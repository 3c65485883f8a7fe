#include <netmass/sweep.h>
#include <netmass/sys.h>
#include <ctype.h>

/* -sweep grids: "name:lo:hi:count" (count values spaced linearly from lo to hi) or
   "name:v1,v2,..." (the values given), axes separated by ';'. */

static PetscErrorCode NMParseReal(MPI_Comm comm, const char option[], const char axis[], const char word[], PetscReal *v)
{
  char *end;

  PetscFunctionBegin;
  *v = strtod(word, &end);
  PetscCheck(end != word && *end == '\0' && !PetscIsInfOrNanReal(*v), comm, PETSC_ERR_ARG_WRONG, "%s: '%s' in axis '%s' is not a finite number; write an axis as name:lo:hi:count or name:v1,v2,...", option, word, axis);
  PetscFunctionReturn(0);
}

/* One axis "name:..." into slot k of grid. */
static PetscErrorCode NMParseAxis(MPI_Comm comm, const char option[], char axis[], NMSweepGrid *g, PetscInt k)
{
  char     *colon = strchr(axis, ':'), *rest, *fields[4];
  PetscInt  nf = 0;
  PetscReal lo, hi, count;

  PetscFunctionBegin;
  PetscCheck(colon && colon > axis, comm, PETSC_ERR_ARG_WRONG, "%s: axis '%s' has no option name; write name:lo:hi:count or name:v1,v2,... (e.g. G:0:0.7:64)", option, axis);
  *colon = '\0';
  rest   = colon + 1;
  PetscCheck(strlen(axis) < sizeof(g->names[k]), comm, PETSC_ERR_ARG_WRONG, "%s: option name '%s' is too long", option, axis);
  for (const char *c = axis; *c; c++) PetscCheck(isalnum((unsigned char)*c) || *c == '_', comm, PETSC_ERR_ARG_WRONG, "%s: '%s' is not an option name (letters, digits and _; without the leading -)", option, axis);
  for (PetscInt j = 0; j < k; j++) PetscCheck(strcmp(g->names[j], axis), comm, PETSC_ERR_ARG_WRONG, "%s: axis '%s' is given twice", option, axis);
  PetscCall(PetscStrncpy(g->names[k], axis, sizeof(g->names[k])));
  PetscCheck(*rest, comm, PETSC_ERR_ARG_WRONG, "%s: axis '%s' has no values; write %s:lo:hi:count or %s:v1,v2,...", option, axis, axis, axis);
  if (!strchr(rest, ',')) {
    for (char *f = strtok(rest, ":"); f; f = strtok(NULL, ":")) {
      PetscCheck(nf < 3, comm, PETSC_ERR_ARG_WRONG, "%s: axis '%s' has more than lo:hi:count", option, axis);
      fields[nf++] = f;
    }
    PetscCheck(nf == 3 || nf == 1, comm, PETSC_ERR_ARG_WRONG, "%s: axis '%s' needs lo:hi:count (or a list v1,v2,...)", option, axis);
  }
  if (nf == 3) {
    PetscCall(NMParseReal(comm, option, axis, fields[0], &lo));
    PetscCall(NMParseReal(comm, option, axis, fields[1], &hi));
    PetscCall(NMParseReal(comm, option, axis, fields[2], &count));
    PetscCheck(count >= 1 && count == PetscFloorReal(count) && count <= 1e6, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: axis '%s' count %s must be a whole number >= 1", option, axis, fields[2]);
    PetscCheck(count > 1 || lo == hi, comm, PETSC_ERR_ARG_WRONG, "%s: axis '%s' has one value but lo %g != hi %g", option, axis, (double)lo, (double)hi);
    g->count[k] = (PetscInt)count;
    PetscCall(PetscMalloc1(g->count[k], &g->values[k]));
    for (PetscInt i = 0; i < g->count[k]; i++) g->values[k][i] = g->count[k] > 1 ? lo + (hi - lo) * i / (g->count[k] - 1) : lo;
  } else {
    PetscInt n = 1;
    for (const char *c = rest; *c; c++) n += *c == ',';
    PetscCall(PetscMalloc1(n, &g->values[k]));
    g->count[k] = 0;
    for (char *f = strtok(rest, ","); f; f = strtok(NULL, ",")) PetscCall(NMParseReal(comm, option, axis, f, &g->values[k][g->count[k]++]));
    PetscCheck(g->count[k] == n, comm, PETSC_ERR_ARG_WRONG, "%s: axis '%s' has an empty value in its list", option, axis);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepGridParse(MPI_Comm comm, const char option[], const char text[], NMSweepGrid *g)
{
  char  *copy, *save = NULL, *axes[NM_SWEEP_MAX_AXES + 1];
  size_t len;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(g, sizeof(*g)));
  PetscCall(PetscStrallocpy(text, &copy));
  for (char *a = strtok_r(copy, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
    while (isspace((unsigned char)*a)) a++;
    for (char *e = a + strlen(a); e > a && isspace((unsigned char)e[-1]); e--) e[-1] = '\0';
    if (!*a) continue;
    PetscCheck(g->naxes < NM_SWEEP_MAX_AXES, comm, PETSC_ERR_ARG_WRONG, "%s: at most %d axes", option, NM_SWEEP_MAX_AXES);
    axes[g->naxes++] = a;
  }
  PetscCheck(g->naxes > 0, comm, PETSC_ERR_ARG_WRONG, "%s is empty: give at least one axis, e.g. %s G:0:0.7:64", option, option);
  for (PetscInt k = 0; k < g->naxes; k++) PetscCall(NMParseAxis(comm, option, axes[k], g, k));
  PetscCall(PetscFree(copy));
  g->npoints = 1;
  for (PetscInt k = 0; k < g->naxes; k++) g->npoints *= g->count[k];
  /* the canonical text: every value at full precision */
  len = 1;
  for (PetscInt k = 0; k < g->naxes; k++) len += strlen(g->names[k]) + 2 + 26 * (size_t)g->count[k];
  PetscCall(PetscMalloc1(len, &g->spec));
  g->spec[0] = '\0';
  for (PetscInt k = 0; k < g->naxes; k++) {
    size_t at = strlen(g->spec);
    PetscCall(NMFormat(g->spec + at, len - at, "%s%s:", k ? ";" : "", g->names[k]));
    for (PetscInt i = 0; i < g->count[k]; i++) {
      at = strlen(g->spec);
      PetscCall(NMFormat(g->spec + at, len - at, "%s%.17g", i ? "," : "", (double)g->values[k][i]));
    }
  }
  PetscFunctionReturn(0);
}

void NMSweepGridPoint(const NMSweepGrid *g, PetscInt p, PetscReal values[])
{
  for (PetscInt k = g->naxes - 1; k >= 0; k--) {
    values[k] = g->values[k][p % g->count[k]];
    p /= g->count[k];
  }
}

PetscErrorCode NMSweepGridDestroy(NMSweepGrid *g)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < g->naxes; k++) PetscCall(PetscFree(g->values[k]));
  PetscCall(PetscFree(g->spec));
  g->naxes = 0;
  PetscFunctionReturn(0);
}
