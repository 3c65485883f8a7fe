/* Posterior-predictive simulation of whole subjects (Sip et al. 2023, Methods
   "Evaluation"): the trained generative model run as a network, its input recomputed
   from the model's own observations (include/netmass/infer_posterior.h). */
#include <netmass/infer_posterior.h>
#include <netmass/rng.h>
#include <netmass/sys.h>

/* Stream id of the simulations: the subject is the first word, 'G' | sample the second. */
#define NM_STREAM_GENERATE 0x47000000u

/* Standard normals drawn in order from one stream. */
typedef struct {
  NMRandomStream rs;
  uint64_t       step;
  double         z[4];
  int            used;
} NMNormalSource;

static double NMNormalNext(NMNormalSource *src)
{
  if (src->used == 4) {
    NMRandomNormal4(&src->rs, src->step++, src->z);
    src->used = 0;
  }
  return src->z[src->used++];
}

PetscErrorCode NMInferSimulateSubject(NMInferModel m, PetscInt s, const PetscReal W[], const double thr_mu[], const double thr_lv[], PetscInt sample, uint64_t seed, double y[])
{
  const NMInferDims *d;
  NMInferGenerative  g;
  NMNormalSource     src;
  PetscInt           N, nt, ns, mr, T, skip;
  double            *thr, *ths, *x, *obs, *dx, uext = 0, alpha = 0, sd_obs, *sd_x;

  PetscFunctionBegin;
  PetscCall(NMInferModelGetDims(m, &d));
  PetscCall(NMInferModelGetGenerative(m, &g));
  N    = d->nregions;
  nt   = d->nt;
  ns   = d->ns;
  mr   = d->mr;
  skip = nt / 2;
  T    = nt + skip;
  PetscCheck(sample >= 0 && sample < 0x1000000, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "sample %" PetscInt_FMT " outside 0..2^24", sample);
  NMRandomStreamInit(&src.rs, seed, (uint32_t)s, NM_STREAM_GENERATE | (uint32_t)sample);
  src.step = 0;
  src.used = 4;
  PetscCall(PetscMalloc6((size_t)N * mr + 1, &thr, (size_t)g.ms_eff + 1, &ths, (size_t)N * ns, &x, (size_t)N, &obs, (size_t)ns, &dx, (size_t)ns, &sd_x));
  for (PetscInt k = 0; k < N * mr; k++) thr[k] = thr_mu[k] + exp(0.5 * thr_lv[k]) * NMNormalNext(&src);
  for (PetscInt k = 0; k < g.ms_eff; k++) ths[k] = g.ths_mu[s * g.ms_eff + k] + exp(0.5 * g.ths_logvar[s * g.ms_eff + k]) * NMNormalNext(&src);
  for (PetscInt k = 0; k < N * ns; k++) x[k] = exp(0.5 * d->x0_logvar) * NMNormalNext(&src);
  for (PetscInt k = 0; k < ns; k++) sd_x[k] = exp(0.5 * g.slv[k]);
  sd_obs = exp(0.5 * g.olv[0]);
  if (g.logtau) {
    /* u_ext from its AR(1) prior: stationary variance 1, alpha = exp(-1/tau) (eq. 19-20) */
    alpha = exp(-1.0 / exp(g.logtau[0]));
    uext  = NMNormalNext(&src);
  }
  for (PetscInt t = 0; t < T; t++) {
    for (PetscInt i = 0; i < N; i++) {
      obs[i] = g.b[0];
      for (PetscInt k = 0; k < ns; k++) obs[i] += g.a[k] * x[i * ns + k];
    }
    if (t >= skip)
      for (PetscInt i = 0; i < N; i++) y[i * nt + (t - skip)] = obs[i] + sd_obs * NMNormalNext(&src);
    if (t == T - 1) break;
    for (PetscInt i = 0; i < N; i++) {
      double u = 0;
      for (PetscInt j = 0; j < N; j++) u += W[i * N + j] * obs[j]; /* u = W (a x + b) */
      PetscCall(NMInferDrift(m, x + i * ns, thr + i * mr, ths, u, uext, dx));
      for (PetscInt k = 0; k < ns; k++) dx[k] += sd_x[k] * NMNormalNext(&src);
      /* in place: the inputs of time t are all in obs already, and f of node i reads x_i only */
      for (PetscInt k = 0; k < ns; k++) x[i * ns + k] += dx[k];
    }
    if (g.logtau) uext = alpha * uext + sqrt(1 - alpha * alpha) * NMNormalNext(&src);
  }
  PetscCall(PetscFree6(thr, ths, x, obs, dx, sd_x));
  PetscFunctionReturn(0);
}

/* Subjects are split over the ranks; each simulates every sample of its subjects. */
PetscErrorCode NMInferGenerateWrite(MPI_Comm comm, NMInferSession *ses, PetscInt nsamples, uint64_t seed, const char path[])
{
  const NMInferDims *d;
  NMFile             f;
  PetscMPIInt        rank, size;
  PetscInt           s0, s1, N, nt, mr;
  PetscReal         *W, *y;
  double            *thr_mu, *thr_lv;
  const char *const  gdims[] = {"subject", "sample", "region", "time"};

  PetscFunctionBegin;
  PetscCheck(nsamples >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-generate_samples %" PetscInt_FMT " must be >= 1", nsamples);
  PetscCall(NMInferModelGetDims(ses->trained.model, &d));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  N  = d->nregions;
  nt = d->nt;
  mr = d->mr;
  NMInferPartition(d->nsub, size, rank, &s0, &s1);
  PetscCall(NMCohortGetArrays(ses->cohort, &W, NULL, NULL));
  PetscCall(PetscMalloc3((size_t)(s1 - s0) * nsamples * N * nt + 1, &y, (size_t)N * mr + 1, &thr_mu, (size_t)N * mr + 1, &thr_lv));
  for (PetscInt s = s0; s < s1; s++) {
    PetscCall(NMInferEncodeRange(ses->trained.model, &ses->items, s * N, (s + 1) * N, thr_mu, thr_lv, NULL, NULL));
    for (PetscInt k = 0; k < nsamples; k++) PetscCall(NMInferSimulateSubject(ses->trained.model, s, W + (size_t)s * N * N, thr_mu, thr_lv, k, seed, y + ((size_t)(s - s0) * nsamples + k) * N * nt));
  }
  PetscCall(NMFileCreate(comm, path, NM_FORMAT_GENERATED, &f));
  {
    const PetscInt dims[4] = {d->nsub, nsamples, N, nt};
    PetscReal      tr;
    PetscCall(NMFileWriteReal(f, "generated", 4, dims, gdims, "a.u.", s0, s1, y));
    PetscCall(NMFileSetAttributeString(f, "generated", "description", "posterior-predictive observations: theta from q, fresh noise, u_ext from its AR(1) prior, network input u = W(a x + b); n_t + n_t/2 steps, the first n_t/2 dropped"));
    PetscCall(NMCohortGetTR(ses->cohort, &tr));
    PetscCall(NMFileSetAttributeReal(f, "generated", "dt", tr));
  }
  PetscCall(NMFileCommit(&f));
  PetscCall(PetscFree3(y, thr_mu, thr_lv));
  PetscFunctionReturn(0);
}
