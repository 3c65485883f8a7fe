#include <netmass/cohort.h>
#include <netmass/h5file.h>
#include <netmass/preprocess.h>
#include <netmass/simulator.h>
#include <netmass/sys.h>
#include <unistd.h>

/* Synthetic cohorts (Sip et al. 2023, Methods: the Hopf and pMFM test cases): S subjects
   simulated with the same options, subject s with its own random streams (parameters
   drawn per region, initial state, noise), coupling G_s = linspace(G_lo, G_hi, S), and the
   configured connectome perturbed by eps. The observed signal is the first state of one
   monitor; the cohort file holds it as "bold" (subject x region x time, dt = the
   monitor's period), with the subjects' connectomes and the ground truth (parameters
   of every region, G of every subject). */

typedef enum {
  NM_OBSERVE_RAW,
  NM_OBSERVE_TAVG,
  NM_OBSERVE_BOLD
} NMObserve;
static const char *const NMObserveTypes[] = {"raw", "tavg", "bold", "NMObserve", "NM_OBSERVE_", NULL};

typedef enum {
  NM_ZSCORE_GLOBAL,
  NM_ZSCORE_REGION,
  NM_ZSCORE_NONE
} NMZScore;
static const char *const NMZScoreTypes[] = {"global", "region", "none", "NMZScore", "NM_ZSCORE_", NULL};

struct _n_NMCohortSpec {
  MPI_Comm  comm;
  PetscInt  subjects;
  PetscReal G[2], eps;
  PetscReal search[3], search_duration; /* G grid lo,hi,count; count 0: no search */
  NMObserve observe;
  NMZScore  zscore;
};

PetscErrorCode NMCohortSpecCreate(MPI_Comm comm, NMCohortSpec *spec)
{
  PetscInt     nG = 2, ns = 3;
  PetscBool    set, sset;
  NMCohortSpec co;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&co));
  co->comm     = comm;
  co->subjects = 0;
  co->G[0] = co->G[1] = 1;
  co->eps             = 0;
  co->observe         = NM_OBSERVE_RAW;
  co->zscore          = NM_ZSCORE_GLOBAL;
  co->search_duration = 240;
  PetscOptionsBegin(comm, NULL, "netmass simulate: synthetic cohort (Sip et al. 2023)", "netmass");
  PetscCall(PetscOptionsInt("-cohort_subjects", "Simulate this many subjects into a cohort file (0: one simulation)", NULL, co->subjects, &co->subjects, NULL));
  PetscCall(PetscOptionsRealArray("-cohort_G", "Coupling of the subjects: lo,hi spaced linearly over subjects", NULL, co->G, &nG, &set));
  PetscCall(PetscOptionsRealArray("-cohort_G_search", "Per subject, the G in linspace(lo, hi, count) whose run gives the largest mean FC (Sip et al.'s pMFM cohort); lo,hi,count", NULL, co->search, &ns, &sset));
  PetscCall(PetscOptionsReal("-cohort_search_duration", "Length of each search run (s); FC over its second half", NULL, co->search_duration, &co->search_duration, NULL));
  PetscCall(PetscOptionsReal("-cohort_perturb_eps", "Perturb each subject's connectome by eps max(W) N(0,1) on its edges", NULL, co->eps, &co->eps, NULL));
  PetscCall(PetscOptionsEnum("-cohort_observe", "Monitor whose first state is observed", NULL, NMObserveTypes, (PetscEnum)co->observe, (PetscEnum *)&co->observe, NULL));
  PetscCall(PetscOptionsEnum("-cohort_zscore", "Normalise the observations: with the mean and SD of the whole set (Sip et al.), per region, or not", NULL, NMZScoreTypes, (PetscEnum)co->zscore, (PetscEnum *)&co->zscore, NULL));
  PetscOptionsEnd();
  PetscCheck(co->subjects >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-cohort_subjects %" PetscInt_FMT " must be >= 0", co->subjects);
  PetscCheck(!set || nG == 2 || nG == 1, comm, PETSC_ERR_ARG_WRONG, "-cohort_G needs lo,hi (or one value for every subject)");
  if (set && nG == 1) co->G[1] = co->G[0];
  PetscCheck(!sset || (ns == 3 && co->search[2] >= 1 && co->search[2] == PetscFloorReal(co->search[2])), comm, PETSC_ERR_ARG_WRONG, "-cohort_G_search needs lo,hi,count with a whole count >= 1");
  PetscCheck(!(set && sset), comm, PETSC_ERR_ARG_WRONG, "give either -cohort_G or -cohort_G_search");
  if (!sset) co->search[2] = 0;
  PetscCheck(co->search_duration > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-cohort_search_duration %g s must be positive", (double)co->search_duration);
  PetscCheck(co->eps >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-cohort_perturb_eps %g must be >= 0", (double)co->eps);
  *spec = co;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSpecGetSubjects(NMCohortSpec co, PetscInt *subjects)
{
  PetscFunctionBegin;
  *subjects = co->subjects;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSpecDestroy(NMCohortSpec *spec)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(*spec));
  PetscFunctionReturn(0);
}

/* The observed series (region x time) of one subject's result file, and its parameters. */
static PetscErrorCode NMReadSubject(MPI_Comm comm, const char path[], NMObserve observe, PetscInt n, PetscInt *t, PetscReal *dt, PetscReal **obs, PetscReal theta[])
{
  NMFile   f;
  PetscInt nobs;

  PetscFunctionBegin;
  PetscCall(NMSimulationReadObserved(comm, path, NMObserveTypes[observe], &nobs, t, dt, obs));
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_SIMULATION, &f));
  PetscCall(NMFileReadReal(f, "parameters", 0, n, theta));
  PetscCall(NMFileDestroy(&f));
  PetscFunctionReturn(0);
}

/* Mean Pearson correlation over region pairs of x (n x t), from sample t0 on. */
static PetscReal NMMeanFC(const PetscReal *x, PetscInt n, PetscInt t, PetscInt t0)
{
  PetscReal sum = 0;
  PetscInt  m   = t - t0;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) {
      PetscReal mi = 0, mj = 0, cij = 0, ci = 0, cj = 0;
      for (PetscInt k = t0; k < t; k++) {
        mi += x[i * t + k] / m;
        mj += x[j * t + k] / m;
      }
      for (PetscInt k = t0; k < t; k++) {
        cij += (x[i * t + k] - mi) * (x[j * t + k] - mj);
        ci += PetscSqr(x[i * t + k] - mi);
        cj += PetscSqr(x[j * t + k] - mj);
      }
      sum += ci > 0 && cj > 0 ? cij / PetscSqrtReal(ci * cj) : 0;
    }
  return n > 1 ? sum / (n * (n - 1) / 2) : 0;
}

/* Sip et al.'s choice of G for a pMFM subject: the grid value whose run of
   -cohort_search_duration s has the largest mean FC over its second half. */
static PetscErrorCode NMCohortSearchG(NMCohortSpec co, PetscInt subject, const char path[], PetscReal *G)
{
  const PetscInt K    = (PetscInt)co->search[2];
  PetscReal      best = -PETSC_MAX_REAL;
  char           tmp[PETSC_MAX_PATH_LEN];
  PetscMPIInt    rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(co->comm, &rank));
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.search%" PetscInt_FMT ".h5", path, subject));
  for (PetscInt k = 0; k < K; k++) {
    PetscReal          g = K > 1 ? co->search[0] + (co->search[1] - co->search[0]) * k / (K - 1) : co->search[0], dt, fc, *obs, *theta;
    NMSimulator        sim;
    NMConnectome       conn;
    const NMModelType *model;
    PetscInt           n, t;
    PetscCall(NMSimulatorCreate(co->comm, &sim));
    PetscCall(NMSimulatorSetFromOptions(sim));
    PetscCall(NMSimulatorSetSubject(sim, subject, g, co->eps));
    PetscCall(NMSimulatorSetDuration(sim, co->search_duration, 0));
    PetscCall(NMSimulatorSetUp(sim));
    PetscCall(NMSimulatorGetConnectome(sim, &conn));
    PetscCall(NMSimulatorGetModel(sim, &model));
    PetscCall(NMConnectomeGetSize(conn, &n));
    PetscCall(NMSimulatorRun(sim, tmp));
    PetscCall(PetscMalloc1(n * model->nparam, &theta));
    PetscCall(NMReadSubject(co->comm, tmp, co->observe, n, &t, &dt, &obs, theta));
    fc = NMMeanFC(obs, n, t, t / 2);
    if (fc > best) {
      best = fc;
      *G   = g;
    }
    PetscCall(PetscFree(obs));
    PetscCall(PetscFree(theta));
    PetscCall(NMSimulatorDestroy(&sim));
  }
  if (!rank) (void)unlink(tmp);
  PetscCall(PetscPrintf(co->comm, "  subject %" PetscInt_FMT ": G = %g gives the largest mean FC, %.3f, over %" PetscInt_FMT " values in [%g, %g]\n", subject + 1, (double)*G, (double)best, K, (double)co->search[0], (double)co->search[1]));
  PetscFunctionReturn(0);
}

/* z-score the observations with one mean and SD over the whole set (Sip et al.), or per
   region. */
static PetscErrorCode NMCohortNormalise(NMZScore how, PetscInt s, PetscInt n, PetscInt t, PetscReal x[])
{
  PetscFunctionBegin;
  if (how == NM_ZSCORE_REGION) PetscCall(NMTimeSeriesZScore(s * n, t, x));
  if (how == NM_ZSCORE_GLOBAL) {
    PetscReal mean = 0, var = 0;
    const PetscInt m = s * n * t;
    for (PetscInt i = 0; i < m; i++) mean += x[i];
    mean /= m;
    for (PetscInt i = 0; i < m; i++) var += PetscSqr(x[i] - mean);
    var /= m;
    PetscCheck(var > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the cohort's observations are constant; they cannot be z-scored (-cohort_zscore none)");
    for (PetscInt i = 0; i < m; i++) x[i] = (x[i] - mean) / PetscSqrtReal(var);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSpecRun(NMCohortSpec co, const char path[])
{
  const PetscInt     S = co->subjects;
  NMCohort           cohort = NULL;
  PetscReal         *theta = NULL, *G, *obs, dt = 0, *w, *l, *bold;
  PetscInt           n = 0, t = 0, np = 0;
  const NMModelType *model = NULL;
  char               tmp[PETSC_MAX_PATH_LEN], source[PETSC_MAX_PATH_LEN + 256], id[32];
  PetscMPIInt        rank;

  PetscFunctionBeginUser;
  PetscCheck(S > 0, co->comm, PETSC_ERR_ARG_OUTOFRANGE, "-cohort_subjects must be positive to simulate a cohort");
  PetscCallMPI(MPI_Comm_rank(co->comm, &rank));
  PetscCall(PetscMalloc1(S, &G));
  for (PetscInt s = 0; s < S; s++) {
    if (co->search[2] > 0) PetscCall(NMCohortSearchG(co, s, path, &G[s]));
    else G[s] = S > 1 ? co->G[0] + (co->G[1] - co->G[0]) * s / (S - 1) : co->G[0];
  }
  for (PetscInt s = 0; s < S; s++) {
    NMSimulator  sim;
    NMConnectome conn;
    PetscReal   *cw, *cl;
    PetscInt     ts = 0;
    PetscCall(NMSimulatorCreate(co->comm, &sim));
    PetscCall(NMSimulatorSetFromOptions(sim));
    PetscCall(NMSimulatorSetSubject(sim, s, G[s], co->eps));
    PetscCall(NMSimulatorSetUp(sim));
    PetscCall(NMSimulatorGetModel(sim, &model));
    PetscCall(NMSimulatorGetConnectome(sim, &conn));
    PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.subject%" PetscInt_FMT ".h5", path, s));
    PetscCall(NMSimulatorRun(sim, tmp));
    if (!cohort) {
      PetscCall(NMConnectomeGetSize(conn, &n));
      np = model->nparam;
      PetscCall(PetscMalloc1(S * n * np, &theta));
    }
    PetscCall(NMReadSubject(co->comm, tmp, co->observe, n, &ts, &dt, &obs, theta + s * n * np));
    if (!rank) (void)unlink(tmp);
    if (!cohort) {
      t = ts;
      PetscCall(NMCohortCreate(co->comm, S, n, t, &cohort));
      PetscCall(NMCohortGetArrays(cohort, &w, &l, &bold));
    }
    PetscCall(NMConnectomeGetArrays(conn, &cw, &cl, NULL));
    PetscCall(PetscArraycpy(w + s * n * n, cw, n * n));
    PetscCall(PetscArraycpy(l + s * n * n, cl, n * n));
    PetscCall(PetscArraycpy(bold + s * n * t, obs, n * t));
    PetscCall(PetscFree(obs));
    PetscCall(PetscSNPrintf(id, sizeof(id), "synthetic_%03" PetscInt_FMT, s));
    PetscCall(NMCohortSetSubjectId(cohort, s, id));
    PetscCall(NMSimulatorDestroy(&sim));
    PetscCall(PetscPrintf(co->comm, "  subject %" PetscInt_FMT " of %" PetscInt_FMT ": G = %g\n", s + 1, S, (double)G[s]));
  }
  PetscCall(NMCohortNormalise(co->zscore, S, n, t, bold));
  PetscCall(NMCohortSetTR(cohort, dt));
  {
    const char **names;
    PetscCall(PetscMalloc1(np, &names));
    for (PetscInt p = 0; p < np; p++) names[p] = model->params[p].name;
    PetscCall(NMCohortSetTruth(cohort, model->name, np, names, theta, G));
    PetscCall(PetscFree(names));
  }
  PetscCall(NMFormat(source, sizeof(source), "synthetic cohort: model %s, %" PetscInt_FMT " subjects, G %g..%g%s, connectome perturbation %g, observed %s (first state), z-score %s", model->name, S, (double)(co->search[2] > 0 ? co->search[0] : co->G[0]), (double)(co->search[2] > 0 ? co->search[1] : co->G[1]), co->search[2] > 0 ? " (the largest mean FC per subject)" : "", (double)co->eps, NMObserveTypes[co->observe], NMZScoreTypes[co->zscore]));
  PetscCall(NMCohortSetSource(cohort, source));
  PetscCall(NMCohortSave(cohort, path));
  PetscCall(NMCohortView(cohort, PETSC_VIEWER_STDOUT_(co->comm)));
  PetscCall(NMCohortDestroy(&cohort));
  PetscCall(PetscFree(theta));
  PetscCall(PetscFree(G));
  PetscFunctionReturn(0);
}
