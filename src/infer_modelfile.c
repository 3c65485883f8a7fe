/* Model dims, parameters and training curves in HDF5: shared by the model file and the
   training checkpoint (include/netmass/infer_modelfile.h). */
#include <netmass/infer_modelfile.h>
#include <netmass/sys.h>
#include <netmass/trainer.h>

const char *const NMTrainTermNames[NM_TRAIN_NTERMS] = {"loglik", "trans", "x0", "entropy", "kl_r", "kl_s", "uext", "xreg", "l2"};

PetscErrorCode NMTrainingHistoryCreate(PetscInt cap, NMTrainingHistory *h)
{
  PetscFunctionBegin;
  h->cap     = cap;
  h->nepochs = 0;
  PetscCall(PetscCalloc7(cap + 1, &h->loss_train, cap + 1, &h->loss_test, cap + 1, &h->seconds, cap + 1, &h->gflops, cap + 1, &h->cpu_seconds, (cap + 1) * NM_TRAIN_NTERMS, &h->terms_train, (cap + 1) * NM_TRAIN_NTERMS, &h->terms_test));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainingHistoryDestroy(NMTrainingHistory *h)
{
  PetscFunctionBegin;
  PetscCall(PetscFree7(h->loss_train, h->loss_test, h->seconds, h->gflops, h->cpu_seconds, h->terms_train, h->terms_test));
  h->cap = h->nepochs = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainingHistoryWrite(MPI_Comm comm, NMFile f, const NMTrainingHistory *h)
{
  const PetscInt    E = h->nepochs, dims[2] = {E, NM_TRAIN_NTERMS};
  const char *const edim[] = {"epoch"}, *const tdims[] = {"epoch", "term"};
  PetscReal        *epoch;
  PetscMPIInt       rank;
  PetscInt          r1;

  PetscFunctionBegin;
  if (!E) PetscFunctionReturn(0);
  /* every rank holds the same curves: rank 0 writes them */
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  r1 = rank ? 0 : E;
  PetscCall(PetscMalloc1(E, &epoch));
  for (PetscInt e = 0; e < E; e++) epoch[e] = (PetscReal)(e + 1);
  PetscCall(NMFileWriteReal(f, "training/epoch", 1, dims, edim, "1", 0, r1, epoch));
  PetscCall(NMFileWriteReal(f, "training/loss_train", 1, dims, edim, "nats per item", 0, r1, h->loss_train));
  PetscCall(NMFileWriteReal(f, "training/loss_test", 1, dims, edim, "nats per item", 0, r1, h->loss_test));
  PetscCall(NMFileWriteReal(f, "training/seconds", 1, dims, edim, "s", 0, r1, h->seconds));
  PetscCall(NMFileWriteReal(f, "training/gflops", 1, dims, edim, "GFLOP/s", 0, r1, h->gflops));
  PetscCall(NMFileWriteReal(f, "training/cpu_seconds", 1, dims, edim, "s", 0, r1, h->cpu_seconds));
  PetscCall(NMFileWriteReal(f, "training/terms_train", 2, dims, tdims, "nats per item", 0, r1, h->terms_train));
  PetscCall(NMFileWriteReal(f, "training/terms_test", 2, dims, tdims, "nats per item", 0, r1, h->terms_test));
  PetscCall(NMFileWriteStrings(f, "training/term_names", NM_TRAIN_NTERMS, NMTrainTermNames, "term"));
  PetscCall(NMFileSetAttributeString(f, "training/loss_train", "description", "mean over the epoch's training items of -ELBO + 0.01 sum x^2 + L2(f) (beta_p of the epoch)"));
  PetscCall(NMFileSetAttributeString(f, "training/loss_test", "description", "mean over the test items of -ELBO + 0.01 sum x^2 + L2(f), after the epoch"));
  PetscCall(PetscFree(epoch));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainingHistoryRead(MPI_Comm comm, NMFile f, PetscInt E, NMTrainingHistory *h)
{
  PetscFunctionBegin;
  PetscCheck(E <= h->cap, comm, PETSC_ERR_ARG_OUTOFRANGE, "the checkpoint holds %" PetscInt_FMT " epochs, more than the %" PetscInt_FMT " of -train_epochs", E, h->cap);
  h->nepochs = E;
  if (!E) PetscFunctionReturn(0);
  PetscCall(NMFileReadReal(f, "training/loss_train", 0, E, h->loss_train));
  PetscCall(NMFileReadReal(f, "training/loss_test", 0, E, h->loss_test));
  PetscCall(NMFileReadReal(f, "training/seconds", 0, E, h->seconds));
  PetscCall(NMFileReadReal(f, "training/gflops", 0, E, h->gflops));
  PetscCall(NMFileReadReal(f, "training/cpu_seconds", 0, E, h->cpu_seconds));
  PetscCall(NMFileReadReal(f, "training/terms_train", 0, E, h->terms_train));
  PetscCall(NMFileReadReal(f, "training/terms_test", 0, E, h->terms_test));
  PetscFunctionReturn(0);
}

/* The dims as numbers, in one order, for writing, reading and comparing. */
#define NM_NDIMS 10
static const char *const nm_dim_names[NM_NDIMS] = {"n_s", "m_r", "m_s", "n_subjects", "n_regions", "n_t", "hidden_f", "lstm_units", "mc_samples", "x0_logvar"};
static void NMInferDimsToArray(const NMInferDims *d, PetscReal v[NM_NDIMS])
{
  v[0] = (PetscReal)d->ns;
  v[1] = (PetscReal)d->mr;
  v[2] = (PetscReal)d->ms;
  v[3] = (PetscReal)d->nsub;
  v[4] = (PetscReal)d->nregions;
  v[5] = (PetscReal)d->nt;
  v[6] = (PetscReal)d->hidden_f;
  v[7] = (PetscReal)d->lstm_units;
  v[8] = (PetscReal)d->nsamples;
  v[9] = d->x0_logvar;
}

PetscErrorCode NMInferModelWriteTo(MPI_Comm comm, NMFile f, NMInferModel m, const char prefix[])
{
  const NMInferDims  *d;
  PetscReal           v[NM_NDIMS];
  PetscInt            nb;
  const char *const  *names;
  const size_t       *off, *size;
  double             *theta;
  size_t              n;
  PetscMPIInt         rank;
  const char *const   pdim[] = {"entry"};

  PetscFunctionBegin;
  PetscCall(NMInferModelGetDims(m, &d));
  NMInferDimsToArray(d, v);
  for (PetscInt k = 0; k < NM_NDIMS; k++) PetscCall(NMFileSetAttributeReal(f, "/", nm_dim_names[k], v[k]));
  PetscCall(NMFileSetAttributeString(f, "/", "variant", NMInferVariants[d->variant]));
  PetscCall(NMInferModelGetParams(m, &n, &theta));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_params", (PetscInt64)n));
  PetscCall(NMInferModelGetBlocks(m, &nb, &names, &off, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt b = 0; b < nb; b++) {
    char           path[PETSC_MAX_PATH_LEN];
    const PetscInt dims[1] = {(PetscInt)size[b]};
    if (!size[b]) continue;
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", prefix, names[b]));
    PetscCall(NMFileWriteReal(f, path, 1, dims, pdim, NULL, 0, rank ? 0 : dims[0], theta + off[b]));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferDimsRead(MPI_Comm comm, NMFile f, NMInferDims *d)
{
  PetscReal   v[NM_NDIMS];
  PetscBool   found;
  const char *path;
  char        variant[16];

  PetscFunctionBegin;
  PetscCall(NMFileGetPath(f, &path));
  for (PetscInt k = 0; k < NM_NDIMS; k++) {
    PetscCall(NMFileGetAttributeReal(f, "/", nm_dim_names[k], &v[k], &found));
    PetscCheck(found, comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no attribute %s: not a model written by netmass train", path, nm_dim_names[k]);
  }
  PetscCall(PetscMemzero(d, sizeof(*d)));
  d->ns         = (PetscInt)v[0];
  d->mr         = (PetscInt)v[1];
  d->ms         = (PetscInt)v[2];
  d->nsub       = (PetscInt)v[3];
  d->nregions   = (PetscInt)v[4];
  d->nt         = (PetscInt)v[5];
  d->hidden_f   = (PetscInt)v[6];
  d->lstm_units = (PetscInt)v[7];
  d->nsamples   = (PetscInt)v[8];
  d->x0_logvar  = v[9];
  PetscCall(NMFileGetAttributeString(f, "/", "variant", variant, sizeof(variant), &found));
  PetscCheck(found, comm, PETSC_ERR_FILE_UNEXPECTED, "%s has no attribute variant", path);
  d->variant = NM_INFER_AN;
  for (PetscInt k = 0; k < 3; k++)
    if (!strcmp(variant, NMInferVariants[k])) d->variant = (NMInferVariant)k;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferDimsCheck(MPI_Comm comm, const char what[], const NMInferDims *have, const NMInferDims *want)
{
  PetscReal h[NM_NDIMS], w[NM_NDIMS];

  PetscFunctionBegin;
  NMInferDimsToArray(have, h);
  NMInferDimsToArray(want, w);
  for (PetscInt k = 0; k < NM_NDIMS; k++) {
    char hs[32], ws[32];
    if (h[k] == w[k]) continue;
    PetscCall(NMFormat(hs, sizeof(hs), "%g", (double)h[k]));
    PetscCall(NMFormat(ws, sizeof(ws), "%g", (double)w[k]));
    SETERRQ(comm, PETSC_ERR_ARG_INCOMP, "%s has %s = %s but this run has %s; use the options (and cohort) of the run that wrote it", what, nm_dim_names[k], hs, ws);
  }
  PetscCheck(have->variant == want->variant, comm, PETSC_ERR_ARG_INCOMP, "%s is of variant %s but this run has -infer_variant %s", what, NMInferVariants[have->variant], NMInferVariants[want->variant]);
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelReadFrom(MPI_Comm comm, NMFile f, NMInferModel m, const char prefix[])
{
  PetscInt           nb;
  const char *const *names;
  const size_t      *off, *size;
  double            *theta;
  size_t             n;
  const char        *path;

  PetscFunctionBegin;
  PetscCall(NMFileGetPath(f, &path));
  PetscCall(NMInferModelGetParams(m, &n, &theta));
  PetscCall(NMInferModelGetBlocks(m, &nb, &names, &off, &size));
  for (PetscInt b = 0; b < nb; b++) {
    char     name[PETSC_MAX_PATH_LEN];
    PetscInt dims[1];
    if (!size[b]) continue;
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/%s", prefix, names[b]));
    PetscCall(NMFileGetShape(f, name, 1, dims));
    PetscCheck(dims[0] == (PetscInt)size[b], comm, PETSC_ERR_FILE_UNEXPECTED, "%s: %s has %" PetscInt_FMT " entries, the model needs %zu", path, name, dims[0], size[b]);
    PetscCall(NMFileReadReal(f, name, 0, dims[0], theta + off[b]));
  }
  for (size_t i = 0; i < n; i++) PetscCheck(PetscIsNormalReal(theta[i]) || theta[i] == 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: parameter %zu is %g (the training diverged?)", path, i, theta[i]);
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferTrainedLoad(MPI_Comm comm, const char path[], NMInferTrained *tm)
{
  NMFile      f;
  NMInferDims d;
  PetscInt    dims[1];
  PetscReal  *flag, v;
  PetscBool   found;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(tm, sizeof(*tm)));
  PetscCall(NMCheckReadable(comm, "-model", path));
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_MODEL, &f));
  PetscCall(NMInferDimsRead(comm, f, &d));
  PetscCall(NMInferModelCreate(&d, &tm->model));
  PetscCall(NMInferModelReadFrom(comm, f, tm->model, "params"));
  PetscCall(NMFileGetShape(f, "items/is_test", 1, dims));
  PetscCheck(dims[0] == d.nsub * d.nregions, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: items/is_test has %" PetscInt_FMT " entries, expected %" PetscInt_FMT " (subjects x regions)", path, dims[0], d.nsub * d.nregions);
  tm->nitems = dims[0];
  PetscCall(PetscMalloc1(dims[0], &flag));
  PetscCall(PetscMalloc1(dims[0], &tm->is_test));
  PetscCall(NMFileReadReal(f, "items/is_test", 0, dims[0], flag));
  for (PetscInt i = 0; i < dims[0]; i++) tm->is_test[i] = flag[i] != 0;
  PetscCall(PetscFree(flag));
  PetscCall(NMFileGetAttributeReal(f, "/", "epochs_done", &v, &found));
  tm->epochs = found ? (PetscInt)v : 0;
  PetscCall(NMFileGetAttributeReal(f, "/", "seed", &v, &found));
  tm->seed = found ? (PetscInt64)v : 1;
  PetscCall(NMFileGetAttributeReal(f, "/", "sample_period", &v, &found));
  tm->sample_period = found ? v : 0;
  PetscCall(NMFileDestroy(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferTrainedDestroy(NMInferTrained *tm)
{
  PetscFunctionBegin;
  PetscCall(NMInferModelDestroy(&tm->model));
  PetscCall(PetscFree(tm->is_test));
  tm->nitems = 0;
  PetscFunctionReturn(0);
}
