/* netmass evaluate (Sip et al. 2023, Methods "Evaluation"): parameter recovery against a
   synthetic cohort's ground truth, FC similarity of posterior-predictive simulations,
   KL per theta_r dimension (posterior collapse) and the ELBO of every item
   (include/netmass/infer_posterior.h). */
#include <netmass/analysis.h>
#include <netmass/h5file.h>
#include <netmass/infer_posterior.h>
#include <netmass/rng.h>
#include <netmass/sys.h>
#include <lapacke.h>

/* Stream id of the recovery's posterior samples ('R' | sample); the item is the first word. */
#define NM_STREAM_RECOVERY 0x52000000u

/* Pearson correlation of two vectors (NaN when one is constant). */
static PetscReal NMPearson(PetscInt n, const PetscReal a[], const PetscReal b[])
{
  PetscReal ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (PetscInt i = 0; i < n; i++) ma += a[i] / n, mb += b[i] / n;
  for (PetscInt i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / PetscSqrtReal(saa * sbb) : NAN;
}

/* Ranks 1..n with ties sharing their mean rank (for Spearman's rho). */
static PetscErrorCode NMRanks(PetscInt n, const PetscReal v[], PetscInt perm[], PetscReal work[], PetscReal rank[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) perm[i] = i, work[i] = v[i];
  PetscCall(PetscSortRealWithPermutation(n, work, perm));
  for (PetscInt i = 0; i < n;) {
    PetscInt j = i;
    while (j + 1 < n && v[perm[j + 1]] == v[perm[i]]) j++;
    for (PetscInt k = i; k <= j; k++) rank[perm[k]] = 0.5 * (PetscReal)(i + j) + 1;
    i = j + 1;
  }
  PetscFunctionReturn(0);
}

/* Quantile q of n values by linear interpolation (sorts v). */
static PetscErrorCode NMQuantile(PetscInt n, PetscReal v[], PetscReal q, PetscReal *out)
{
  PetscReal pos;
  PetscInt  lo;

  PetscFunctionBegin;
  PetscCall(PetscSortReal(n, v));
  pos  = q * (PetscReal)(n - 1);
  lo   = PetscMin((PetscInt)pos, n - 1);
  *out = lo + 1 < n ? v[lo] + (pos - lo) * (v[lo + 1] - v[lo]) : v[lo];
  PetscFunctionReturn(0);
}

/* Gather each rank's rows [i0, i1) of width w (every rank gets all n rows). */
static PetscErrorCode NMAllgatherRows(MPI_Comm comm, PetscInt n, PetscInt w, PetscInt i0, PetscInt i1, const double mine[], double all[])
{
  PetscMPIInt size, *counts, *displs;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  for (PetscMPIInt r = 0; r < size; r++) {
    PetscInt a, b;
    NMInferPartition(n, size, r, &a, &b);
    counts[r] = (PetscMPIInt)((b - a) * w);
    displs[r] = (PetscMPIInt)(a * w);
  }
  PetscCallMPI(MPI_Allgatherv(mine, (PetscMPIInt)((i1 - i0) * w), MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, comm));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

/* Recovery of one true parameter (one value per item) from posterior quantities (items x k, the
   regressors of each item): least squares true ~ c0 + X c, estimate = fitted values
   (Sip et al.: "linear regression of the posterior means onto the true parameter"), then
   Spearman's rho between the truth and the same map applied to each of `nrec` posterior
   samples X_s = mu + sigma z. rho[3] = median, 5 %, 95 %. */
static PetscErrorCode NMRecoverParameter(PetscInt ni, PetscInt k, const PetscReal truth[], const double mu[], const double lv[], PetscInt nrec, uint64_t seed, uint32_t tag, PetscReal est[], PetscReal rho[3])
{
  double    *A, *b, *xs;
  PetscReal *r_true, *r_est, *work, *rhos;
  PetscInt  *perm, nvalid = 0;
  PetscBool  constant = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3((size_t)ni * (k + 1), &A, ni, &b, ni, &xs));
  PetscCall(PetscMalloc5(ni, &r_true, ni, &r_est, ni, &work, nrec, &rhos, ni, &perm));
  for (PetscInt i = 0; i < ni; i++) {
    A[i * (k + 1)] = 1;
    for (PetscInt j = 0; j < k; j++) A[i * (k + 1) + 1 + j] = mu[i * k + j];
    b[i] = truth[i];
  }
  PetscCheck(LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', (lapack_int)ni, (lapack_int)(k + 1), 1, A, (lapack_int)(k + 1), b, 1) == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "least squares of the recovery regression failed (posterior means collinear?)");
  /* b[0..k] now holds the coefficients */
  for (PetscInt i = 0; i < ni; i++) {
    est[i] = b[0];
    for (PetscInt j = 0; j < k; j++) est[i] += b[1 + j] * mu[i * k + j];
  }
  PetscCall(NMRanks(ni, truth, perm, work, r_true));
  /* a parameter the cohort does not vary (e.g. Hopf's noise) has no recovery to measure */
  for (PetscInt i = 1; i < ni && constant; i++) constant = (PetscBool)(truth[i] == truth[0]);
  for (PetscInt s = 0; s < nrec && !constant; s++) {
    for (PetscInt i = 0; i < ni; i++) {
      NMRandomStream rs;
      xs[i] = b[0];
      NMRandomStreamInit(&rs, seed, (uint32_t)i, tag | (uint32_t)s);
      for (PetscInt j = 0; j < k; j += 4) {
        double z[4];
        NMRandomNormal4(&rs, (uint64_t)(j / 4), z);
        for (PetscInt jj = j; jj < PetscMin(j + 4, k); jj++) xs[i] += b[1 + jj] * (mu[i * k + jj] + exp(0.5 * lv[i * k + jj]) * z[jj - j]);
      }
    }
    PetscCall(NMRanks(ni, xs, perm, work, r_est));
    rhos[s] = NMPearson(ni, r_true, r_est);
    if (!PetscIsNanReal(rhos[s])) rhos[nvalid++] = rhos[s];
  }
  if (nvalid) {
    PetscCall(NMQuantile(nvalid, rhos, 0.5, &rho[0]));
    PetscCall(NMQuantile(nvalid, rhos, 0.05, &rho[1]));
    PetscCall(NMQuantile(nvalid, rhos, 0.95, &rho[2]));
  } else rho[0] = rho[1] = rho[2] = NAN;
  PetscCall(PetscFree3(A, b, xs));
  PetscCall(PetscFree5(r_true, r_est, work, rhos, perm));
  PetscFunctionReturn(0);
}

/* Ground truth of a synthetic cohort, if it has one: parameter names, theta (S x N x P0), G (S). */
typedef struct {
  PetscInt   P0;
  char     **names;
  PetscReal *theta, *G;
} NMTruth;

static PetscErrorCode NMTruthLoad(MPI_Comm comm, const char path[], PetscInt S, PetscInt N, NMTruth *t)
{
  NMFile    f;
  PetscBool has;
  PetscInt  dims[3];

  PetscFunctionBegin;
  PetscCall(PetscMemzero(t, sizeof(*t)));
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_COHORT, &f));
  PetscCall(NMFileHasDataset(f, "true_parameters", &has));
  if (has) {
    PetscCall(NMFileGetShape(f, "true_parameters", 3, dims));
    PetscCheck(dims[0] == S && dims[1] == N, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: true_parameters is %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ", expected %" PetscInt_FMT " x %" PetscInt_FMT " x parameters", path, dims[0], dims[1], dims[2], S, N);
    t->P0 = dims[2];
    PetscCall(PetscMalloc2((size_t)S * N * t->P0, &t->theta, S, &t->G));
    PetscCall(NMFileReadReal(f, "true_parameters", 0, S, t->theta));
    PetscCall(NMFileReadReal(f, "true_G", 0, S, t->G));
    PetscCall(NMFileReadStrings(f, "parameter_names", t->P0, &t->names));
  }
  PetscCall(NMFileDestroy(&f));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMTruthDestroy(NMTruth *t)
{
  PetscFunctionBegin;
  if (t->names) PetscCall(NMStringsDestroy(t->P0, &t->names));
  PetscCall(PetscFree2(t->theta, t->G));
  PetscFunctionReturn(0);
}

/* FC similarity of subjects [s0, s1): Pearson r between the upper triangles (k = 1) of
   the data's FC and of each of nsim simulations' FC (Sip et al.). sim: (s1-s0) x nsim. */
static PetscErrorCode NMFCSimilarity(NMInferSession *ses, PetscInt s0, PetscInt s1, PetscInt nsim, uint64_t seed, PetscReal sim[])
{
  const NMInferDims *d;
  PetscInt           N, nt, mr, nu;
  PetscReal         *W, *fc_data, *fc_gen, *ud, *ug, *y;
  double            *thr_mu, *thr_lv;

  PetscFunctionBegin;
  PetscCall(NMInferModelGetDims(ses->trained.model, &d));
  N  = d->nregions;
  nt = d->nt;
  mr = d->mr;
  nu = N * (N - 1) / 2;
  PetscCall(NMCohortGetArrays(ses->cohort, &W, NULL, NULL));
  PetscCall(PetscMalloc7((size_t)N * N, &fc_data, (size_t)N * N, &fc_gen, nu + 1, &ud, nu + 1, &ug, (size_t)N * nt, &y, (size_t)N * mr + 1, &thr_mu, (size_t)N * mr + 1, &thr_lv));
  for (PetscInt s = s0; s < s1; s++) {
    PetscCall(NMAnalysisFC(N, nt, ses->items.y + (size_t)s * N * nt, fc_data));
    for (PetscInt i = 0, k = 0; i < N; i++)
      for (PetscInt j = i + 1; j < N; j++) ud[k++] = fc_data[i * N + j];
    PetscCall(NMInferEncodeRange(ses->trained.model, &ses->items, s * N, (s + 1) * N, thr_mu, thr_lv, NULL, NULL));
    for (PetscInt k = 0; k < nsim; k++) {
      PetscCall(NMInferSimulateSubject(ses->trained.model, s, W + (size_t)s * N * N, thr_mu, thr_lv, k, seed, y));
      PetscCall(NMAnalysisFC(N, nt, y, fc_gen));
      for (PetscInt i = 0, c = 0; i < N; i++)
        for (PetscInt j = i + 1; j < N; j++) ug[c++] = fc_gen[i * N + j];
      sim[(s - s0) * nsim + k] = NMPearson(nu, ud, ug);
    }
  }
  PetscCall(PetscFree7(fc_data, fc_gen, ud, ug, y, thr_mu, thr_lv));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferEvaluateWrite(MPI_Comm comm, NMInferSession *ses, const char cohort_path[], PetscInt nsim, PetscInt nrec, uint64_t seed, const char path[])
{
  const NMInferDims *d;
  NMInferGenerative  g;
  NMTruth            truth;
  NMFile             f;
  PetscMPIInt        rank, size;
  PetscInt           ni = ses->items.nitems, S, N, mr, i0, i1, s0, s1, P;
  double            *mu_mine, *lv_mine, *mu, *lv, *elbo_mine, *elbo, *kl, *sim, *flag;
  PetscReal         *rec_true = NULL, *rec_est = NULL, *rec_rho = NULL, mean_elbo[2] = {0, 0};
  PetscInt           count[2] = {0, 0};

  PetscFunctionBegin;
  PetscCheck(nsim >= 2 && nrec >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-evaluate_simulations %" PetscInt_FMT " must be >= 2 and -evaluate_recovery_samples %" PetscInt_FMT " >= 1", nsim, nrec);
  PetscCall(NMInferModelGetDims(ses->trained.model, &d));
  PetscCall(NMInferModelGetGenerative(ses->trained.model, &g));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  S  = d->nsub;
  N  = d->nregions;
  mr = d->mr;
  NMInferPartition(ni, size, rank, &i0, &i1);
  NMInferPartition(S, size, rank, &s0, &s1);

  /* posteriors of theta_r and the ELBO of every item, items split over the ranks */
  PetscCall(PetscMalloc6((size_t)(i1 - i0) * mr + 1, &mu_mine, (size_t)(i1 - i0) * mr + 1, &lv_mine, (size_t)ni * mr + 1, &mu, (size_t)ni * mr + 1, &lv, (size_t)(i1 - i0) + 1, &elbo_mine, (size_t)ni, &elbo));
  PetscCall(NMInferEncodeRange(ses->trained.model, &ses->items, i0, i1, mu_mine, lv_mine, NULL, NULL));
  /* the streams of the last epoch trained: the mean over the test items then equals the
     last point of the model's test curve (without its regularisers) */
  for (PetscInt i = i0; i < i1; i++) {
    NMInferBatch b = {1, ses->items.y + (size_t)i * d->nt, ses->items.u + (size_t)i * d->nt, ses->items.subject + i, ses->items.item + i};
    NMInferTerms t;
    PetscCall(NMInferLossGrad(ses->trained.model, &b, 1, 1.0, (uint64_t)ses->trained.seed, (uint64_t)PetscMax(ses->trained.epochs - 1, 0), &t, NULL));
    elbo_mine[i - i0] = -(t.loss - t.xreg);
  }
  PetscCall(NMAllgatherRows(comm, ni, mr, i0, i1, mu_mine, mu));
  PetscCall(NMAllgatherRows(comm, ni, mr, i0, i1, lv_mine, lv));
  PetscCall(NMAllgatherRows(comm, ni, 1, i0, i1, elbo_mine, elbo));
  for (PetscInt i = 0; i < ni; i++) {
    mean_elbo[ses->trained.is_test[i]] += elbo[i];
    count[ses->trained.is_test[i]]++;
  }

  /* posterior collapse: mean KL(q(theta_r) || N(0, 1)) per dimension, log(1/sigma) + (sigma^2 + mu^2)/2 - 1/2 */
  PetscCall(PetscCalloc1(mr + 1, &kl));
  for (PetscInt i = 0; i < ni; i++)
    for (PetscInt j = 0; j < mr; j++) kl[j] += (-0.5 * lv[i * mr + j] + 0.5 * (exp(lv[i * mr + j]) + mu[i * mr + j] * mu[i * mr + j]) - 0.5) / ni;

  /* recovery of every true regional parameter (from theta_r) and of G (from theta_s, over subjects) */
  PetscCall(NMTruthLoad(comm, cohort_path, S, N, &truth));
  P = truth.P0 ? truth.P0 + 1 : 0;
  if (P) {
    PetscReal *est_s, *ths_mu, *ths_lv;
    PetscCall(PetscMalloc3((size_t)P * ni, &rec_true, (size_t)P * ni, &rec_est, (size_t)P * 3, &rec_rho));
    PetscCall(PetscMalloc3(S, &est_s, (size_t)S * g.ms_eff, &ths_mu, (size_t)S * g.ms_eff, &ths_lv));
    for (PetscInt p = 0; p < truth.P0; p++) {
      for (PetscInt i = 0; i < ni; i++) rec_true[p * ni + i] = truth.theta[i * truth.P0 + p];
      PetscCall(NMRecoverParameter(ni, mr, rec_true + p * ni, mu, lv, nrec, seed, NM_STREAM_RECOVERY, rec_est + p * ni, rec_rho + p * 3));
    }
    PetscCall(PetscArraycpy(ths_mu, g.ths_mu, S * g.ms_eff));
    PetscCall(PetscArraycpy(ths_lv, g.ths_logvar, S * g.ms_eff));
    PetscCall(NMRecoverParameter(S, g.ms_eff, truth.G, ths_mu, ths_lv, nrec, seed, NM_STREAM_RECOVERY ^ 0x01000000u, est_s, rec_rho + truth.P0 * 3));
    for (PetscInt i = 0; i < ni; i++) {
      rec_true[truth.P0 * ni + i] = truth.G[ses->items.subject[i]];
      rec_est[truth.P0 * ni + i]  = est_s[ses->items.subject[i]];
    }
    PetscCall(PetscFree3(est_s, ths_mu, ths_lv));
  }

  /* FC similarity, subjects split over the ranks */
  PetscCall(PetscMalloc1((size_t)(s1 - s0) * nsim + 1, &sim));
  PetscCall(NMFCSimilarity(ses, s0, s1, nsim, seed, sim));

  PetscCall(NMFileCreate(comm, path, NM_FORMAT_EVALUATION, &f));
  {
    const PetscInt    id[1] = {ni}, kd[1] = {mr}, fd[2] = {S, nsim}, pd[2] = {P, ni}, rd[2] = {P, 3};
    const char *const idim[] = {"item"}, *const kdim[] = {"parameter"}, *const fdim[] = {"subject", "simulation"}, *const pdim[] = {"parameter", "item"}, *const rdim[] = {"parameter", "statistic"};
    const PetscInt    mine = rank ? 0 : 1;
    PetscCall(NMFileWriteReal(f, "elbo_item", 1, id, idim, "nats", 0, mine * ni, elbo));
    PetscCall(NMFileSetAttributeString(f, "elbo_item", "description", "ELBO of each item = subject * n_regions + region (beta_p = 1, without the 0.01 sum x^2 regulariser)"));
    PetscCall(PetscMalloc1(ni, &flag));
    for (PetscInt i = 0; i < ni; i++) flag[i] = ses->trained.is_test[i];
    PetscCall(NMFileWriteReal(f, "is_test", 1, id, idim, "1", 0, mine * ni, flag));
    PetscCall(PetscFree(flag));
    PetscCall(NMFileSetAttributeReal(f, "/", "elbo_train_mean", count[0] ? mean_elbo[0] / count[0] : NAN));
    PetscCall(NMFileSetAttributeReal(f, "/", "elbo_test_mean", count[1] ? mean_elbo[1] / count[1] : NAN));
    PetscCall(NMFileWriteReal(f, "kl_r", 1, kd, kdim, "nats", 0, mine * mr, kl));
    PetscCall(NMFileWriteReal(f, "fc_similarity", 2, fd, fdim, "1", s0, s1, sim));
    PetscCall(NMFileSetAttributeString(f, "fc_similarity", "description", "Pearson r of the FC upper triangles (k = 1): data vs each posterior-predictive simulation"));
    if (P) {
      char **names;
      PetscCall(PetscMalloc1(P, &names));
      for (PetscInt p = 0; p < truth.P0; p++) names[p] = truth.names[p];
      names[truth.P0] = (char *)"G";
      PetscCall(NMFileWriteStrings(f, "recovery/names", P, (const char *const *)names, "parameter"));
      PetscCall(PetscFree(names));
      PetscCall(NMFileWriteReal(f, "recovery/true", 2, pd, pdim, NULL, 0, mine * P, rec_true));
      PetscCall(NMFileWriteReal(f, "recovery/estimate", 2, pd, pdim, NULL, 0, mine * P, rec_est));
      PetscCall(NMFileWriteReal(f, "recovery/spearman", 2, rd, rdim, "1", 0, mine * P, rec_rho));
      PetscCall(NMFileSetAttributeString(f, "recovery/spearman", "description", "Spearman rho between the truth and the regression estimate over posterior samples: median, 5 %, 95 %; regional parameters over items from theta_r, G over subjects from theta_s"));
    }
  }
  PetscCall(NMFileCommit(&f));

  /* a short report */
  for (PetscInt p = 0; p < P; p++) PetscCall(PetscPrintf(comm, "  recovery of %-8s Spearman rho %.3f [%.3f, %.3f]%s\n", p < truth.P0 ? truth.names[p] : "G", (double)rec_rho[p * 3], (double)rec_rho[p * 3 + 1], (double)rec_rho[p * 3 + 2], PetscIsNanReal(rec_rho[p * 3]) ? " (constant in the cohort)" : ""));
  {
    PetscReal loc[2] = {0, 0};
    for (PetscInt k = 0; k < (s1 - s0) * nsim; k++) loc[0] += sim[k], loc[1] += 1;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, loc, 2, MPIU_REAL, MPI_SUM, comm));
    PetscCall(PetscPrintf(comm, "  FC similarity (mean over subjects and simulations) %.3f\n  ELBO per item: train %.4g, test %.4g\n", (double)(loc[0] / loc[1]), (double)(count[0] ? mean_elbo[0] / count[0] : NAN), (double)(count[1] ? mean_elbo[1] / count[1] : NAN)));
  }
  for (PetscInt j = 0; j < mr; j++) PetscCall(PetscPrintf(comm, "  KL of theta_r[%" PetscInt_FMT "] %.4g%s\n", j, (double)kl[j], kl[j] < 0.1 ? " (collapsed to the prior)" : ""));
  if (P) PetscCall(PetscFree3(rec_true, rec_est, rec_rho));
  PetscCall(NMTruthDestroy(&truth));
  PetscCall(PetscFree(sim));
  PetscCall(PetscFree(kl));
  PetscCall(PetscFree6(mu_mine, lv_mine, mu, lv, elbo_mine, elbo));
  PetscFunctionReturn(0);
}
