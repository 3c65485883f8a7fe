#include <netmass/h5file.h>
#include <netmass/simulator.h>
#include <netmass/sys.h>
#include <petsctime.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sweep_impl.h"

/* netmass sweep: see include/netmass/sweep.h and docs/sweep.md. */

static const char *const NMSweepObserveTypes[] = {"bold", "tavg", "raw", "NMSweepObserve", "NM_SWEEP_OBSERVE_", NULL};
static const char *const NMSweepBestTypes[]    = {"fc_similarity", "fc_mean", "fcd_ks", "NMSweepBest", "NM_SWEEP_BEST_", NULL};

/* The classic EEG bands for neural activity, the slow bands (Zuo et al. 2010) for BOLD. */
static const PetscReal NMBandsNeural[] = {1, 4, 4, 8, 8, 13, 13, 30, 30, 80};
static const PetscReal NMBandsBOLD[]   = {0.01, 0.027, 0.027, 0.073, 0.073, 0.198};

struct _n_NMSweep {
  MPI_Comm       comm, group;
  PetscMPIInt    rank, size, group_rank, ngroups;
  PetscInt       group_size, slice[2], target_subject, observe, best;
  PetscBool      restart;
  char           target[PETSC_MAX_PATH_LEN];
  NMSweepGrid    grid;
  NMSweepScoring sc;
  NMSweepTable   table;
  PetscBool      setup;
};

PetscErrorCode NMSweepCreate(MPI_Comm comm, NMSweep *sweep)
{
  NMSweep s;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&s));
  s->comm             = comm;
  s->group            = MPI_COMM_NULL;
  s->group_size       = 1;
  s->slice[0]         = 0;
  s->slice[1]         = 1;
  s->target_subject   = -1;
  s->observe          = 0;
  s->best             = -1;
  s->sc.fcd_window    = 60;
  s->sc.fcd_step      = 2;
  s->sc.welch_segment = 100;
  PetscCallMPI(MPI_Comm_rank(comm, &s->rank));
  PetscCallMPI(MPI_Comm_size(comm, &s->size));
  *sweep = s;
  PetscFunctionReturn(0);
}

/* Check that every axis names an option netmass simulate reads with these settings: set
   each to its first value, let a simulator read its options, and ask the options database.
   This also registers every simulate option, so a misspelt one is reported before any
   work. */
static PetscErrorCode NMSweepCheckAxes(NMSweep s)
{
  NMSimulator sim;
  char        opt[80], val[32];
  PetscBool   used;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < s->grid.naxes; k++) {
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", s->grid.names[k]));
    PetscCall(PetscOptionsHasName(NULL, NULL, opt, &used));
    PetscCheck(!used, s->comm, PETSC_ERR_ARG_WRONG, "%s is swept by -sweep; do not also give it as an option", opt);
    PetscCall(NMFormat(val, sizeof(val), "%.17g", (double)s->grid.values[k][0]));
    PetscCall(PetscOptionsSetValue(NULL, opt, val));
  }
  PetscCall(NMSimulatorCreate(s->comm, &sim));
  PetscCall(NMSimulatorSetFromOptions(sim));
  PetscCall(NMSimulatorDestroy(&sim));
  for (PetscInt k = 0; k < s->grid.naxes; k++) {
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", s->grid.names[k]));
    PetscCall(PetscOptionsUsed(NULL, opt + 1, &used)); /* the database stores names without '-' */
    PetscCheck(used, s->comm, PETSC_ERR_ARG_WRONG, "-sweep: '%s' is not an option netmass simulate reads with these settings (e.g. G, velocity, hopf_a; see netmass simulate -help)", s->grid.names[k]);
    PetscCall(PetscOptionsClearValue(NULL, opt));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepSetFromOptions(NMSweep s)
{
  char        spec[4096] = "", slice[64] = "";
  PetscReal   bands[2 * 16];
  PetscInt    nb = 2 * 16;
  PetscBool   set, bset, sliced, bestset;

  PetscFunctionBeginUser;
  PetscOptionsBegin(s->comm, NULL, "netmass sweep: a grid of simulations scored against data", "netmass");
  PetscCall(PetscOptionsString("-sweep", "Grid: name:lo:hi:count or name:v1,v2,... per axis, axes separated by ';' (e.g. \"G:0:0.7:64;velocity:3,6,12\")", NULL, spec, spec, sizeof(spec), &set));
  PetscCall(PetscOptionsInt("-sweep_group_size", "Ranks per simulation; the world is split into groups that take points in turn", NULL, s->group_size, &s->group_size, NULL));
  PetscCall(PetscOptionsString("-sweep_target", "Empirical cohort file (with bold) to score FC and FCD against", NULL, s->target, s->target, sizeof(s->target), NULL));
  PetscCall(PetscOptionsInt("-sweep_target_subject", "Score against this subject of the target (0-based; -1: the mean FC of all and their pooled FCD)", NULL, s->target_subject, &s->target_subject, NULL));
  PetscCall(PetscOptionsEnum("-sweep_observe", "Monitor whose first state is scored", NULL, NMSweepObserveTypes, (PetscEnum)s->observe, (PetscEnum *)&s->observe, NULL));
  PetscCall(PetscOptionsReal("-sweep_fcd_window", "FCD window (s)", NULL, s->sc.fcd_window, &s->sc.fcd_window, NULL));
  PetscCall(PetscOptionsReal("-sweep_fcd_step", "FCD window step (s)", NULL, s->sc.fcd_step, &s->sc.fcd_step, NULL));
  PetscCall(PetscOptionsReal("-sweep_welch_segment", "Welch segment length (s; clipped to the series)", NULL, s->sc.welch_segment, &s->sc.welch_segment, NULL));
  PetscCall(PetscOptionsRealArray("-sweep_bands", "Frequency bands lo1,hi1,lo2,hi2,... (Hz; default: slow-5/4/3 for BOLD, delta..gamma otherwise)", NULL, bands, &nb, &bset));
  PetscCall(PetscOptionsEnum("-sweep_best", "Score that picks the best point (default fc_similarity with a target, fc_mean without)", NULL, NMSweepBestTypes, (PetscEnum)0, (PetscEnum *)&s->best, &bestset));
  PetscCall(PetscOptionsString("-sweep_slice", "Run only slice I of N (0-based I:N; points p with p % N == I), e.g. one task of a job array", NULL, slice, slice, sizeof(slice), &sliced));
  PetscCall(PetscOptionsBool("-restart", "Continue a killed sweep: finished points are kept", NULL, s->restart, &s->restart, NULL));
  PetscOptionsEnd();
  PetscCheck(set, s->comm, PETSC_ERR_ARG_WRONG, "missing option -sweep: give the grid, e.g. -sweep G:0:0.7:64");
  PetscCall(NMSweepGridParse(s->comm, "-sweep", spec, &s->grid));
  PetscCheck(s->group_size >= 1 && s->size % s->group_size == 0, s->comm, PETSC_ERR_ARG_WRONG, "-sweep_group_size %" PetscInt_FMT " does not divide the %d ranks into equal groups; use a divisor of %d", s->group_size, s->size, s->size);
  if (sliced) {
    PetscCheck(sscanf(slice, "%" PetscInt_FMT ":%" PetscInt_FMT, &s->slice[0], &s->slice[1]) == 2 && s->slice[1] >= 1 && s->slice[0] >= 0 && s->slice[0] < s->slice[1], s->comm, PETSC_ERR_ARG_WRONG, "-sweep_slice %s: give I:N with 0 <= I < N, e.g. -sweep_slice $SLURM_ARRAY_TASK_ID:$SLURM_ARRAY_TASK_COUNT", slice);
  }
  PetscCheck(s->sc.fcd_window > 0 && s->sc.fcd_step > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_fcd_window %g and -sweep_fcd_step %g s must be positive", (double)s->sc.fcd_window, (double)s->sc.fcd_step);
  PetscCheck(s->sc.welch_segment > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_welch_segment %g s must be positive", (double)s->sc.welch_segment);
  if (!bset) {
    const PetscReal *def = s->observe == 0 ? NMBandsBOLD : NMBandsNeural;
    nb                   = s->observe == 0 ? 6 : 10;
    PetscCall(PetscArraycpy(bands, def, nb));
  }
  PetscCheck(nb % 2 == 0, s->comm, PETSC_ERR_ARG_WRONG, "-sweep_bands needs pairs lo,hi");
  for (PetscInt b = 0; b < nb; b += 2) PetscCheck(bands[b] >= 0 && bands[b] < bands[b + 1], s->comm, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_bands: band %g..%g Hz needs 0 <= lo < hi", (double)bands[b], (double)bands[b + 1]);
  s->sc.nbands = nb / 2;
  PetscCall(PetscMalloc1(nb, &s->sc.bands));
  PetscCall(PetscArraycpy(s->sc.bands, bands, nb));
  if (!bestset) s->best = s->target[0] ? 0 : 1;
  PetscCheck(s->target[0] || s->best == 1, s->comm, PETSC_ERR_ARG_WRONG, "-sweep_best %s needs empirical data: give -sweep_target", NMSweepBestTypes[s->best]);
  /* -restart belongs to the sweep, not to the points' simulations */
  PetscCall(PetscOptionsClearValue(NULL, "-restart"));
  PetscCall(NMSweepCheckAxes(s));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepSetUp(NMSweep s)
{
  NMSweepGrid grid = s->grid;

  PetscFunctionBeginUser;
  s->ngroups = (PetscMPIInt)(s->size / s->group_size);
  PetscCallMPI(MPI_Comm_split(s->comm, (PetscMPIInt)(s->rank / s->group_size), s->rank, &s->group));
  PetscCallMPI(MPI_Comm_rank(s->group, &s->group_rank));
  if (s->target[0]) {
    PetscCall(NMCheckReadable(s->comm, "-sweep_target", s->target));
    PetscCall(NMSweepScoringLoadTarget(s->comm, s->target, s->target_subject, &s->sc));
  }
  PetscCall(PetscMemzero(&s->grid, sizeof(s->grid)));
  PetscCall(NMSweepTableCreate(&grid, s->sc.nbands, s->sc.bands, NMSweepBestTypes[s->best], NMSweepObserveTypes[s->observe], &s->table));
  s->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* Simulate point p on this group and score it into the table. */
static PetscErrorCode NMSweepRunPoint(NMSweep s, const char dir[], PetscInt p)
{
  const NMSweepGrid *g = &s->table.grid;
  PetscReal          values[NM_SWEEP_MAX_AXES], dt, *x;
  PetscLogDouble     t0, t1;
  NMSimulator        sim;
  PetscInt           n, t;
  char               opt[80], val[32], run[PETSC_MAX_PATH_LEN + 32], line[512];

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&t0));
  NMSweepGridPoint(g, p, values);
  for (PetscInt k = 0; k < g->naxes; k++) {
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", g->names[k]));
    PetscCall(NMFormat(val, sizeof(val), "%.17g", (double)values[k]));
    PetscCall(PetscOptionsSetValue(NULL, opt, val));
  }
  PetscCall(PetscSNPrintf(run, sizeof(run), "%s/run_%06" PetscInt_FMT ".h5", dir, p));
  PetscCall(NMSimulatorCreate(s->group, &sim));
  PetscCall(NMSimulatorSetFromOptions(sim));
  PetscCall(NMSimulatorSetIgnoreSignals(sim, PETSC_TRUE)); /* a signal stops the sweep after this point */
  PetscCall(NMSimulatorSetUp(sim));
  PetscCall(NMSimulatorRun(sim, run));
  PetscCall(NMSimulatorDestroy(&sim));
  for (PetscInt k = 0; k < g->naxes; k++) {
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", g->names[k]));
    PetscCall(PetscOptionsClearValue(NULL, opt));
  }
  PetscCall(NMSimulationReadObserved(s->group, run, NMSweepObserveTypes[s->observe], &n, &t, &dt, &x));
  if (!s->group_rank) (void)remove(run);
  PetscCall(NMSweepScore(&s->sc, n, t, dt, x, s->table.scores + p * s->table.nscores));
  PetscCall(PetscFree(x));
  PetscCall(PetscTime(&t1));
  s->table.seconds[p] = t1 - t0;
  s->table.done[p]    = 1;
  PetscCall(PetscSNPrintf(run, sizeof(run), "%s/point_%06" PetscInt_FMT ".h5", dir, p));
  PetscCall(NMSweepPointWrite(s->group, &s->table, p, run));
  line[0] = '\0';
  for (PetscInt k = 0; k < g->naxes; k++) {
    size_t at = strlen(line);
    PetscCall(NMFormat(line + at, sizeof(line) - at, "%s%s = %g", k ? ", " : "", g->names[k], (double)values[k]));
  }
  {
    const PetscReal *sc = s->table.scores + p * s->table.nscores;
    PetscCall(PetscPrintf(s->group, "  point %" PetscInt_FMT " of %" PetscInt_FMT " (%s): FC similarity %.3f, mean FC %.3f, FCD KS %.3f  [%.1f s, group %d]\n", p + 1, g->npoints, line, (double)sc[NM_SCORE_FC_SIMILARITY], (double)sc[NM_SCORE_FC_MEAN], (double)sc[NM_SCORE_FCD_KS], (double)s->table.seconds[p], (int)(s->rank / s->group_size)));
  }
  PetscFunctionReturn(0);
}

/* Point p belongs to this run's slice. */
static PetscBool NMSweepMine(NMSweep s, PetscInt p)
{
  return (PetscBool)(p % s->slice[1] == s->slice[0]);
}

typedef struct {
  NMSweep     s;
  const char *dir;
  PetscBool   fresh; /* a new run: create the folder, forget what is in it */
} NMSweepCollectCtx;

/* On rank 0: create the folder of finished points, or read the points a killed run
   finished (checking they belong to this grid); a fresh run removes any remains. */
static PetscErrorCode NMSweepCollectOnRoot(void *ctx)
{
  NMSweepCollectCtx *c = (NMSweepCollectCtx *)ctx;
  NMSweep            s = c->s;
  struct stat        st;
  const PetscBool    exists = (PetscBool)!stat(c->dir, &st);
  char               f[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBeginUser;
  PetscCheck(!s->restart || exists, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-restart: %s does not exist, so there is no unfinished sweep to continue; run without -restart", c->dir);
  PetscCheck(exists || !mkdir(c->dir, 0777), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create %s (the folder of finished points): check that the folder of -o exists and is writable", c->dir);
  for (PetscInt p = 0; p < s->table.grid.npoints; p++) {
    if (!NMSweepMine(s, p)) continue;
    PetscCall(PetscSNPrintf(f, sizeof(f), "%s/point_%06" PetscInt_FMT ".h5", c->dir, p));
    if (c->fresh) (void)remove(f);
    else if (!access(f, R_OK)) PetscCall(NMSweepPointRead(&s->table, f, p));
  }
  /* simulations in flight when the run was killed (their partial files and checkpoints) */
  if (exists) {
    DIR           *d = opendir(c->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
      if (strncmp(e->d_name, "run_", 4)) continue;
      PetscCall(PetscSNPrintf(f, sizeof(f), "%s/%s", c->dir, e->d_name));
      (void)remove(f);
    }
    if (d) closedir(d);
  }
  PetscFunctionReturn(0);
}

/* What is finished, on every rank. */
static PetscErrorCode NMSweepCollect(NMSweep s, const char dir[], PetscBool fresh)
{
  NMSweepTable     *t = &s->table;
  const PetscInt    P = t->grid.npoints;
  NMSweepCollectCtx c = {s, dir, fresh};

  PetscFunctionBeginUser;
  PetscCall(NMRunOnRoot(s->comm, NMSweepCollectOnRoot, &c));
  PetscCallMPI(MPI_Bcast(t->scores, (PetscMPIInt)(P * t->nscores), MPIU_REAL, 0, s->comm));
  PetscCallMPI(MPI_Bcast(t->seconds, (PetscMPIInt)P, MPIU_REAL, 0, s->comm));
  PetscCallMPI(MPI_Bcast(t->done, (PetscMPIInt)P, MPIU_INT, 0, s->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepRun(NMSweep s, const char path[])
{
  NMSweepTable *t = &s->table;
  const PetscInt P = t->grid.npoints;
  PetscInt      *pending, npending = 0, ndone = 0, best;
  char           dir[PETSC_MAX_PATH_LEN + 16];
  long          *counter;
  MPI_Win        win;

  PetscFunctionBeginUser;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ORDER, "call NMSweepSetUp() first");
  PetscCall(PetscSNPrintf(dir, sizeof(dir), "%s.points", path));
  /* a fresh run starts from nothing; a restart keeps what is finished */
  PetscCall(NMSweepCollect(s, dir, (PetscBool)!s->restart));
  PetscCall(PetscMalloc1(P, &pending));
  for (PetscInt p = 0; p < P; p++) {
    if (!NMSweepMine(s, p)) continue;
    if (t->done[p]) ndone++;
    else pending[npending++] = p;
  }
  PetscCall(PetscPrintf(s->comm, "netmass sweep: %" PetscInt_FMT " points%s, %" PetscInt_FMT " finished before, %" PetscInt_FMT " to run on %d group%s of %" PetscInt_FMT " rank%s\n", P, s->slice[1] > 1 ? " (this slice's share)" : "", ndone, npending, s->ngroups, s->ngroups > 1 ? "s" : "", s->group_size, s->group_size > 1 ? "s" : ""));
  /* hand points out dynamically: a shared counter on world rank 0 */
  PetscCallMPI(MPI_Win_allocate(s->rank ? 0 : (MPI_Aint)sizeof(long), sizeof(long), MPI_INFO_NULL, s->comm, &counter, &win));
  if (!s->rank) *counter = 0;
  PetscCallMPI(MPI_Barrier(s->comm));
  PetscCall(NMCatchSignals());
  for (;;) {
    long one = 1, next = 0;
    if (!s->group_rank) {
      PetscCallMPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
      PetscCallMPI(MPI_Fetch_and_op(&one, &next, MPI_LONG, 0, 0, MPI_SUM, win));
      PetscCallMPI(MPI_Win_unlock(0, win));
      if (NMSignalCaught()) next = npending; /* stop taking points: finished ones are kept */
    }
    PetscCallMPI(MPI_Bcast(&next, 1, MPI_LONG, 0, s->group));
    if (next >= npending) break;
    PetscCall(NMSweepRunPoint(s, dir, pending[next]));
  }
  PetscCallMPI(MPI_Barrier(s->comm));
  PetscCallMPI(MPI_Win_free(&win));
  PetscCall(PetscFree(pending));
  {
    PetscInt64 sig = NMSignalCaught();
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &sig, 1, MPIU_INT64, MPI_MAX, s->comm));
    PetscCheck(!sig, s->comm, PETSC_ERR_SIG, "stopped by signal %d; the finished points are kept in %s: run the same command with -restart to continue", (int)sig, dir);
  }
  /* everything this run owns is done: one result file, then the points are obsolete */
  PetscCall(NMSweepCollect(s, dir, PETSC_FALSE));
  PetscCall(NMSweepTableWrite(s->comm, t, path));
  if (!s->rank) {
    char f[PETSC_MAX_PATH_LEN + 32];
    for (PetscInt p = 0; p < P; p++) {
      PetscCall(PetscSNPrintf(f, sizeof(f), "%s/point_%06" PetscInt_FMT ".h5", dir, p));
      if (NMSweepMine(s, p)) (void)remove(f);
    }
    (void)rmdir(dir);
  }
  best = NMSweepTableBest(t);
  if (best >= 0) {
    PetscReal v[NM_SWEEP_MAX_AXES];
    NMSweepGridPoint(&t->grid, best, v);
    PetscCall(PetscPrintf(s->comm, "netmass sweep: best point by %s = %.4f:", t->best, (double)t->scores[best * t->nscores + s->best]));
    for (PetscInt k = 0; k < t->grid.naxes; k++) PetscCall(PetscPrintf(s->comm, " %s = %g", t->grid.names[k], (double)v[k]));
    PetscCall(PetscPrintf(s->comm, "\n"));
  } else PetscCall(PetscPrintf(s->comm, "netmass sweep: no point has a finite %s\n", t->best));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepDestroy(NMSweep *sweep)
{
  NMSweep s = *sweep;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(0);
  if (s->setup) PetscCall(NMSweepTableDestroy(&s->table));
  PetscCall(NMSweepGridDestroy(&s->grid));
  PetscCall(NMSweepScoringDestroy(&s->sc));
  if (s->group != MPI_COMM_NULL) PetscCallMPI(MPI_Comm_free(&s->group));
  PetscCall(PetscFree(*sweep));
  PetscFunctionReturn(0);
}

PetscErrorCode NMSweepMerge(MPI_Comm comm, PetscInt n, char *const slices[], const char path[])
{
  NMSweepTable all, one;

  PetscFunctionBeginUser;
  PetscCheck(n >= 1, comm, PETSC_ERR_ARG_WRONG, "-sweep_merge needs the slice files, comma separated");
  PetscCall(NMSweepTableRead(comm, slices[0], &all));
  for (PetscInt i = 1; i < n; i++) {
    PetscCall(NMSweepTableRead(comm, slices[i], &one));
    PetscCheck(!strcmp(one.grid.spec, all.grid.spec) && one.nscores == all.nscores, comm, PETSC_ERR_ARG_INCOMP, "-sweep_merge: %s is a sweep over another grid (or other bands) than %s", slices[i], slices[0]);
    for (PetscInt p = 0; p < all.grid.npoints; p++) {
      if (!one.done[p] || all.done[p]) continue;
      PetscCall(PetscArraycpy(all.scores + p * all.nscores, one.scores + p * one.nscores, all.nscores));
      all.seconds[p] = one.seconds[p];
      all.done[p]    = 1;
    }
    PetscCall(NMSweepTableDestroy(&one));
  }
  for (PetscInt p = 0; p < all.grid.npoints; p++) PetscCheck(all.done[p], comm, PETSC_ERR_ARG_WRONG, "-sweep_merge: point %" PetscInt_FMT " of %" PetscInt_FMT " is finished in none of the %" PetscInt_FMT " slices; give every slice file (or rerun the missing slice)", p + 1, all.grid.npoints, n);
  PetscCall(NMSweepTableWrite(comm, &all, path));
  PetscCall(PetscPrintf(comm, "netmass sweep: merged %" PetscInt_FMT " slices into %s (%" PetscInt_FMT " points)\n", n, path, all.grid.npoints));
  PetscCall(NMSweepTableDestroy(&all));
  PetscFunctionReturn(0);
}
