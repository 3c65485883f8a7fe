#include <netmass/h5file.h>
#include <netmass/sys.h>
#include "sweep_impl.h"

const char *const NMSweepScoreNames[] = {"fc_similarity", "fc_mean", "fcd_ks"};

PetscErrorCode NMSweepTableCreate(NMSweepGrid *grid, PetscInt nbands, const PetscReal bands[], const char best[], const char observe[], NMSweepTable *t)
{
  PetscInt P;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(t, sizeof(*t)));
  t->grid = *grid;
  PetscCall(PetscMemzero(grid, sizeof(*grid)));
  P          = t->grid.npoints;
  t->nbands  = nbands;
  t->nscores = NM_SCORE_BAND0 + nbands;
  PetscCall(PetscMalloc1(2 * nbands, &t->bands));
  PetscCall(PetscArraycpy(t->bands, bands, 2 * nbands));
  PetscCall(PetscMalloc3(P * t->nscores, &t->scores, P, &t->seconds, P, &t->done));
  for (PetscInt i = 0; i < P * t->nscores; i++) t->scores[i] = NAN;
  for (PetscInt p = 0; p < P; p++) t->seconds[p] = NAN, t->done[p] = 0;
  PetscCall(PetscStrncpy(t->best, best, sizeof(t->best)));
  PetscCall(PetscStrncpy(t->observe, observe, sizeof(t->observe)));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepTableDestroy(NMSweepTable *t)
{
  PetscFunctionBegin;
  PetscCall(NMSweepGridDestroy(&t->grid));
  PetscCall(PetscFree(t->bands));
  PetscCall(PetscFree3(t->scores, t->seconds, t->done));
  PetscFunctionReturn(0);
}

PetscInt NMSweepTableBest(const NMSweepTable *t)
{
  PetscInt  k = 0, best = -1;
  PetscBool minimise;
  for (PetscInt i = 0; i < NM_SCORE_BAND0; i++)
    if (!strcmp(t->best, NMSweepScoreNames[i])) k = i;
  minimise = k == NM_SCORE_FCD_KS;
  for (PetscInt p = 0; p < t->grid.npoints; p++) {
    const PetscReal v = t->scores[p * t->nscores + k];
    if (!t->done[p] || PetscIsInfOrNanReal(v)) continue;
    if (best < 0 || (minimise ? v < t->scores[best * t->nscores + k] : v > t->scores[best * t->nscores + k])) best = p;
  }
  return best;
}

PetscErrorCode NMSweepTableWrite(MPI_Comm comm, const NMSweepTable *t, const char path[])
{
  const PetscInt P = t->grid.npoints, A = t->grid.naxes, B = t->nbands, K = t->nscores;
  NMFile         f;
  PetscMPIInt    rank;
  PetscInt       rend, ndone = 0;
  PetscReal     *col, *pts;
  const char    *point_dim[] = {"point"}, *pa[] = {"point", "axis"}, *pb[] = {"point", "band"}, *be[] = {"band", "edge"};
  const char    *names[NM_SWEEP_MAX_AXES];
  char           ds[96];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  rend = rank ? 0 : P;
  PetscCall(NMFileCreate(comm, path, NM_FORMAT_SWEEP, &f));
  for (PetscInt k = 0; k < A; k++) names[k] = t->grid.names[k];
  PetscCall(NMFileWriteStrings(f, "axis_names", A, names, "axis"));
  for (PetscInt k = 0; k < A; k++) {
    const char *dim[] = {t->grid.names[k]};
    PetscCall(PetscSNPrintf(ds, sizeof(ds), "axis/%s", t->grid.names[k]));
    PetscCall(NMFileWriteReal(f, ds, 1, &t->grid.count[k], dim, NULL, 0, rank ? 0 : t->grid.count[k], t->grid.values[k]));
  }
  PetscCall(PetscMalloc2(P * A, &pts, P * PetscMax(B, 1), &col));
  for (PetscInt p = 0; p < P; p++) NMSweepGridPoint(&t->grid, p, pts + p * A);
  {
    const PetscInt dims[2] = {P, A};
    PetscCall(NMFileWriteReal(f, "points", 2, dims, pa, NULL, 0, rend, pts));
  }
  for (PetscInt i = 0; i < NM_SCORE_BAND0; i++) {
    static const char *const units[] = {"1 (Pearson r)", "1 (Pearson r)", "1 (KS distance)"};
    for (PetscInt p = 0; p < P; p++) col[p] = t->scores[p * K + i];
    PetscCall(NMFileWriteReal(f, NMSweepScoreNames[i], 1, &P, point_dim, units[i], 0, rend, col));
  }
  if (B) {
    const PetscInt dims[2] = {P, B}, edims[2] = {B, 2};
    for (PetscInt p = 0; p < P; p++)
      for (PetscInt b = 0; b < B; b++) col[p * B + b] = t->scores[p * K + NM_SCORE_BAND0 + b];
    PetscCall(NMFileWriteReal(f, "band_power", 2, dims, pb, "signal^2 (PSD integrated over the band, averaged over regions)", 0, rend, col));
    PetscCall(NMFileWriteReal(f, "band_edges", 2, edims, be, "Hz", 0, rank ? 0 : B, t->bands));
  }
  for (PetscInt p = 0; p < P; p++) col[p] = t->done[p], ndone += t->done[p];
  PetscCall(NMFileWriteReal(f, "done", 1, &P, point_dim, "1 (1: finished)", 0, rend, col));
  PetscCall(NMFileWriteReal(f, "seconds", 1, &P, point_dim, "s (wall clock)", 0, rend, t->seconds));
  PetscCall(PetscFree2(pts, col));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_points", P));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_done", ndone));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_axes", A));
  PetscCall(NMFileSetAttributeInt(f, "/", "best_index", NMSweepTableBest(t)));
  PetscCall(NMFileSetAttributeString(f, "/", "best_score_name", t->best));
  PetscCall(NMFileSetAttributeString(f, "/", "observed", t->observe));
  PetscCall(NMFileSetAttributeString(f, "/", "grid", t->grid.spec));
  PetscCall(NMFileCommit(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepTableRead(MPI_Comm comm, const char path[], NMSweepTable *t)
{
  NMFile      f;
  NMSweepGrid grid;
  char       *spec, best[NM_SWEEP_NAME_LEN], observe[8];
  PetscInt    P, B = 0, dims[2];
  PetscReal  *col, *bands = NULL;
  PetscBool   found, has;

  PetscFunctionBeginUser;
  PetscCall(NMCheckReadable(comm, "-sweep_merge", path));
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_SWEEP, &f));
  PetscCall(PetscMalloc1(1 << 20, &spec));
  PetscCall(NMFileGetAttributeString(f, "/", "grid", spec, 1 << 20, &found));
  PetscCheck(found, comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no attribute 'grid': not a sweep result", path);
  PetscCall(NMFileGetAttributeString(f, "/", "best_score_name", best, sizeof(best), &found));
  PetscCall(NMFileGetAttributeString(f, "/", "observed", observe, sizeof(observe), &found));
  PetscCall(NMSweepGridParse(comm, path, spec, &grid));
  PetscCall(PetscFree(spec));
  PetscCall(NMFileHasDataset(f, "band_edges", &has));
  if (has) {
    PetscCall(NMFileGetShape(f, "band_edges", 2, dims));
    B = dims[0];
    PetscCall(PetscMalloc1(2 * B, &bands));
    PetscCall(NMFileReadReal(f, "band_edges", 0, B, bands));
  }
  PetscCall(NMSweepTableCreate(&grid, B, bands, best, observe, t));
  PetscCall(PetscFree(bands));
  P = t->grid.npoints;
  PetscCall(PetscMalloc1(P * PetscMax(B, 1), &col));
  for (PetscInt i = 0; i < NM_SCORE_BAND0; i++) {
    PetscCall(NMFileReadReal(f, NMSweepScoreNames[i], 0, P, col));
    for (PetscInt p = 0; p < P; p++) t->scores[p * t->nscores + i] = col[p];
  }
  if (B) {
    PetscCall(NMFileReadReal(f, "band_power", 0, P, col));
    for (PetscInt p = 0; p < P; p++)
      for (PetscInt b = 0; b < B; b++) t->scores[p * t->nscores + NM_SCORE_BAND0 + b] = col[p * B + b];
  }
  PetscCall(NMFileReadReal(f, "done", 0, P, col));
  for (PetscInt p = 0; p < P; p++) t->done[p] = col[p] == 1;
  PetscCall(NMFileReadReal(f, "seconds", 0, P, t->seconds));
  PetscCall(PetscFree(col));
  PetscCall(NMFileDestroy(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepPointWrite(MPI_Comm group, const NMSweepTable *t, PetscInt p, const char path[])
{
  NMFile         f;
  PetscMPIInt    rank;
  const char    *dim[] = {"score"};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(group, &rank));
  PetscCall(NMFileCreate(group, path, NM_FORMAT_SWEEP_POINT, &f));
  PetscCall(NMFileWriteReal(f, "scores", 1, &t->nscores, dim, NULL, 0, rank ? 0 : t->nscores, t->scores + p * t->nscores));
  PetscCall(NMFileSetAttributeInt(f, "/", "point", p));
  PetscCall(NMFileSetAttributeReal(f, "/", "seconds", t->seconds[p]));
  PetscCall(NMFileSetAttributeString(f, "/", "grid", t->grid.spec));
  PetscCall(NMFileCommit(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepPointRead(const NMSweepTable *t, const char path[], PetscInt p)
{
  NMFile     f;
  PetscInt   dims[1];
  PetscReal  point;
  size_t     len = strlen(t->grid.spec) + 2;
  char      *spec;
  PetscBool  found;

  PetscFunctionBeginUser;
  PetscCall(NMFileOpen(PETSC_COMM_SELF, path, NM_FORMAT_SWEEP_POINT, &f));
  PetscCall(PetscMalloc1(len, &spec));
  PetscCall(NMFileGetAttributeString(f, "/", "grid", spec, len, &found));
  PetscCheck(found && !strcmp(spec, t->grid.spec), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-restart: %s belongs to a sweep over another grid; resume with the same -sweep, or remove the folder to start afresh", path);
  PetscCall(PetscFree(spec));
  PetscCall(NMFileGetAttributeReal(f, "/", "point", &point, &found));
  PetscCheck(found && point == p, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s holds point %g, not %" PetscInt_FMT, path, (double)point, p);
  PetscCall(NMFileGetShape(f, "scores", 1, dims));
  PetscCheck(dims[0] == t->nscores, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-restart: %s has %" PetscInt_FMT " scores, this sweep %" PetscInt_FMT " (other -sweep_bands); resume with the same options", path, dims[0], t->nscores);
  PetscCall(NMFileReadReal(f, "scores", 0, t->nscores, t->scores + p * t->nscores));
  PetscCall(NMFileGetAttributeReal(f, "/", "seconds", &t->seconds[p], &found));
  PetscCall(NMFileDestroy(&f));
  t->done[p] = 1;
  PetscFunctionReturn(0);
}
