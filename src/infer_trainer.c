/* NMTrainer: the data-parallel epoch loop (include/netmass/trainer.h). */
#include <netmass/sys.h>
#include <time.h>
#include "infer_trainer_impl.h"

const char *const NMInferVariants[] = {"AN", "AB", "AS", "NMInferVariant", "NM_INFER_", NULL};

/* Stream id of the per-epoch shuffles ('S','H','U','F'); the epoch is the other word. */
#define NM_STREAM_SHUFFLE 0x53485546u

PetscErrorCode NMInferDimsSetFromOptions(MPI_Comm comm, NMInferDims *d)
{
  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "netmass train: the model (Sip et al. 2023)", "netmass");
  PetscCall(PetscOptionsEnum("-infer_variant", "Model: AN network input only, AB network and external input, AS external input only", NULL, NMInferVariants, (PetscEnum)d->variant, (PetscEnum *)&d->variant, NULL));
  PetscCall(PetscOptionsInt("-infer_ns", "State dimension n_s", NULL, d->ns, &d->ns, NULL));
  PetscCall(PetscOptionsInt("-infer_mr", "Regional parameters m_r", NULL, d->mr, &d->mr, NULL));
  PetscCall(PetscOptionsInt("-infer_ms", "Subject parameters m_s (0: pinned to the prior, as the authors do)", NULL, d->ms, &d->ms, NULL));
  PetscCall(PetscOptionsReal("-infer_x0_logvar", "Log variance of the x_0 prior (0: N(0,I) of the paper; the authors' code used 1)", NULL, d->x0_logvar, &d->x0_logvar, NULL));
  PetscCall(PetscOptionsInt("-infer_hidden", "Width of the hidden layer of f", NULL, d->hidden_f, &d->hidden_f, NULL));
  PetscCall(PetscOptionsInt("-infer_lstm_units", "Units per direction of the encoders' LSTMs", NULL, d->lstm_units, &d->lstm_units, NULL));
  PetscCall(PetscOptionsInt("-infer_samples", "Reparameterised samples per item", NULL, d->nsamples, &d->nsamples, NULL));
  PetscOptionsEnd();
  PetscCheck(d->ns >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-infer_ns %" PetscInt_FMT " must be >= 1", d->ns);
  PetscCheck(d->mr >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-infer_mr %" PetscInt_FMT " must be >= 1 (the encoder of theta_r needs an output)", d->mr);
  PetscCheck(d->ms >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-infer_ms %" PetscInt_FMT " must be >= 0", d->ms);
  PetscCheck(d->hidden_f >= 1 && d->lstm_units >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-infer_hidden %" PetscInt_FMT " and -infer_lstm_units %" PetscInt_FMT " must be >= 1", d->hidden_f, d->lstm_units);
  PetscCheck(d->nsamples >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-infer_samples %" PetscInt_FMT " must be >= 1", d->nsamples);
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainerCreate(MPI_Comm comm, NMTrainer *trainer)
{
  NMTrainer tr;

  PetscFunctionBegin;
  PetscCall(PetscNew(&tr));
  tr->comm               = comm;
  tr->dims.ns            = 2;
  tr->dims.mr            = 2;
  tr->dims.ms            = 1;
  tr->dims.hidden_f      = 32;
  tr->dims.lstm_units    = 32;
  tr->dims.nsamples      = 8;
  tr->dims.variant       = NM_INFER_AN;
  tr->dims.x0_logvar     = 0;
  tr->min_nt             = 2;
  tr->epochs             = 1000;
  tr->batch              = 64;
  tr->beta_epochs        = 500;
  tr->checkpoint_every   = 50;
  tr->lr                 = 1e-3;
  tr->lr_drop[0]         = -1;
  tr->lr_drop[1]         = 0;
  tr->clip               = 1000;
  tr->test_fraction      = 0.2;
  *trainer               = tr;
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainerSetFromOptions(NMTrainer tr)
{
  MPI_Comm comm = tr->comm;

  PetscFunctionBegin;
  PetscCall(NMInferDimsSetFromOptions(comm, &tr->dims));
  PetscOptionsBegin(comm, NULL, "netmass train: data and optimisation", "netmass");
  PetscCall(PetscOptionsString("-cohort", "Cohort file with time series and connectomes (netmass-cohort)", NULL, tr->cohort_path, tr->cohort_path, sizeof(tr->cohort_path), NULL));
  PetscCall(PetscOptionsString("-o", "Output model file", NULL, tr->out, tr->out, sizeof(tr->out), NULL));
  PetscCall(PetscOptionsInt("-infer_min_samples", "Fewest samples per item the encoders accept", NULL, tr->min_nt, &tr->min_nt, NULL));
  PetscCall(PetscOptionsInt("-train_epochs", "Epochs (Sip et al.: about 1000)", NULL, tr->epochs, &tr->epochs, NULL));
  PetscCall(PetscOptionsInt("-train_batch", "Items per global minibatch (split over the ranks)", NULL, tr->batch, &tr->batch, NULL));
  PetscCall(PetscOptionsReal("-train_lr", "Adam learning rate", NULL, tr->lr, &tr->lr, NULL));
  {
    PetscInt  nd = 2;
    PetscBool set;
    PetscCall(PetscOptionsRealArray("-train_lr_drop", "E,LR: from epoch E + 1 on, Adam's learning rate is LR (Sip et al.'s synthetic runs: 2000,1e-3 after -train_lr 3e-3)", NULL, tr->lr_drop, &nd, &set));
    PetscCheck(!set || (nd == 2 && tr->lr_drop[0] >= 0 && tr->lr_drop[0] == PetscFloorReal(tr->lr_drop[0]) && tr->lr_drop[1] > 0), comm, PETSC_ERR_ARG_WRONG, "-train_lr_drop needs E,LR: a whole number of epochs E >= 0 and a positive learning rate LR, e.g. -train_lr_drop 2000,1e-3");
  }
  PetscCall(PetscOptionsReal("-train_clip", "Elementwise gradient clipping bound", NULL, tr->clip, &tr->clip, NULL));
  PetscCall(PetscOptionsInt("-train_beta_epochs", "Epochs over which beta_p rises linearly from 0 to 1 (0: 1 from the start)", NULL, tr->beta_epochs, &tr->beta_epochs, NULL));
  PetscCall(PetscOptionsReal("-train_test_fraction", "Fraction of the (subject, region) items held out for testing", NULL, tr->test_fraction, &tr->test_fraction, NULL));
  PetscCall(PetscOptionsInt("-train_stop_after", "Stop after this epoch with a checkpoint (0: never); -restart continues", NULL, tr->stop_after, &tr->stop_after, NULL));
  PetscCall(PetscOptionsInt("-checkpoint_every", "Write a checkpoint every this many epochs (0: only on SIGTERM/SIGUSR1)", NULL, tr->checkpoint_every, &tr->checkpoint_every, NULL));
  PetscCall(PetscOptionsString("-checkpoint", "Checkpoint file (default: <-o>.checkpoint)", NULL, tr->checkpoint_path, tr->checkpoint_path, sizeof(tr->checkpoint_path), NULL));
  PetscCall(PetscOptionsBool("-restart", "Resume from the checkpoint", NULL, tr->restart, &tr->restart, NULL));
  PetscOptionsEnd();
  PetscCall(NMGetSeed(&tr->seed));
  PetscCheck(tr->lr > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_lr %g must be positive (Sip et al. use 1e-3)", (double)tr->lr);
  PetscCheck(tr->clip > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_clip %g must be positive", (double)tr->clip);
  PetscCheck(tr->epochs >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_epochs %" PetscInt_FMT " must be >= 1", tr->epochs);
  PetscCheck(tr->batch >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_batch %" PetscInt_FMT " must be >= 1", tr->batch);
  PetscCheck(tr->beta_epochs >= 0 && tr->stop_after >= 0 && tr->checkpoint_every >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_beta_epochs, -train_stop_after and -checkpoint_every must be >= 0");
  PetscCheck(tr->test_fraction >= 0 && tr->test_fraction < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_test_fraction %g must be in [0, 1)", (double)tr->test_fraction);
  PetscCheck(tr->min_nt >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-infer_min_samples %" PetscInt_FMT " must be >= 2 (one transition)", tr->min_nt);
  PetscFunctionReturn(0);
}

/* Every rank reads the (small) cohort: items are replicated, minibatches split. */
PetscErrorCode NMTrainerSetUp(NMTrainer tr)
{
  MPI_Comm comm = tr->comm;
  NMCohort cohort;
  size_t   n;

  PetscFunctionBegin;
  PetscCheck(tr->cohort_path[0], comm, PETSC_ERR_ARG_WRONG, "missing option -cohort: give the cohort file to train on, e.g. -cohort cohort.h5");
  PetscCheck(tr->out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output model file, e.g. -o model.h5");
  if (!tr->checkpoint_path[0]) PetscCall(PetscSNPrintf(tr->checkpoint_path, sizeof(tr->checkpoint_path), "%s.checkpoint", tr->out));
  PetscCall(NMCheckReadable(comm, "-cohort", tr->cohort_path));
  PetscCall(NMCohortLoad(comm, tr->cohort_path, &cohort));
  PetscCall(NMInferItemsCreate(cohort, tr->cohort_path, tr->min_nt, &tr->items));
  PetscCall(NMCohortGetTR(cohort, &tr->tr_s));
  PetscCall(NMCohortDestroy(&cohort));
  tr->dims.nsub     = tr->items.nsub;
  tr->dims.nregions = tr->items.nregions;
  tr->dims.nt       = tr->items.nt;

  PetscCall(PetscMalloc3(tr->items.nitems, &tr->is_test, tr->items.nitems, &tr->train, tr->items.nitems, &tr->test));
  PetscCall(NMInferItemsSplit(tr->items.nitems, tr->test_fraction, (uint64_t)tr->seed, &tr->ntest, tr->is_test));
  tr->ntrain = 0;
  for (PetscInt i = 0, k = 0; i < tr->items.nitems; i++) {
    if (tr->is_test[i]) tr->test[k++] = i;
    else tr->train[tr->ntrain++] = i;
  }

  PetscCall(NMInferModelCreate(&tr->dims, &tr->model));
  PetscCall(NMInferModelInitialize(tr->model, (uint64_t)tr->seed));
  PetscCall(NMInferModelGetParams(tr->model, &n, NULL));
  PetscCall(NMAdamCreate(n, &tr->adam));
  PetscCall(NMAdamSetParameters(tr->adam, tr->lr, 0.9, 0.999, 1e-7, tr->clip));
  PetscCall(NMTrainingHistoryCreate(tr->epochs, &tr->history));
  if (tr->restart) PetscCall(NMTrainerCheckpointRead(tr));
  PetscFunctionReturn(0);
}

/* The terms of one call, weighted, added to an accumulator of NM_TRAIN_NTERMS. */
static void NMTermsAdd(const NMInferTerms *t, PetscReal l2, PetscReal w, PetscReal acc[])
{
  const double v[NM_TRAIN_NTERMS] = {t->loglik, t->trans, t->x0, t->entropy, t->kl_r, t->kl_s, t->uext, t->xreg, l2};
  for (PetscInt k = 0; k < NM_TRAIN_NTERMS; k++) acc[k] += w * v[k];
}

/* Scratch of the epoch loop: the allreduce buffer (gradient, then the 9 loss terms and
   the loss, then a signal flag) and the rank's share of a minibatch. */
typedef struct {
  size_t             n;
  double             compute; /* CPU seconds this thread spent computing in the epoch */
  double            *buf, *theta;
  PetscInt          *perm;
  NMInferBatchBuffer batch;
} NMEpochWork;

/* CPU time of the calling thread: the work a rank does, not the time it waits for a core
   other processes hold (the machine may be shared) nor the time it spins in MPI. */
static double NMThreadCPUTime(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Position of the terms in the allreduce buffer. */
enum { NM_BUF_LOGLIK, NM_BUF_TRANS, NM_BUF_X0, NM_BUF_ENTROPY, NM_BUF_KLR, NM_BUF_KLS, NM_BUF_UEXT, NM_BUF_XREG, NM_BUF_LOSS, NM_BUF_SIGNAL, NM_BUF_EXTRA };

static void NMTermsPack(const NMInferTerms *t, double b[])
{
  b[NM_BUF_LOGLIK]  = t->loglik;
  b[NM_BUF_TRANS]   = t->trans;
  b[NM_BUF_X0]      = t->x0;
  b[NM_BUF_ENTROPY] = t->entropy;
  b[NM_BUF_KLR]     = t->kl_r;
  b[NM_BUF_KLS]     = t->kl_s;
  b[NM_BUF_UEXT]    = t->uext;
  b[NM_BUF_XREG]    = t->xreg;
  b[NM_BUF_LOSS]    = t->loss;
}

static void NMTermsUnpack(const double b[], NMInferTerms *t)
{
  t->loglik  = b[NM_BUF_LOGLIK];
  t->trans   = b[NM_BUF_TRANS];
  t->x0      = b[NM_BUF_X0];
  t->entropy = b[NM_BUF_ENTROPY];
  t->kl_r    = b[NM_BUF_KLR];
  t->kl_s    = b[NM_BUF_KLS];
  t->uext    = b[NM_BUF_UEXT];
  t->xreg    = b[NM_BUF_XREG];
  t->loss    = b[NM_BUF_LOSS];
}

/* The loss terms of `nb` items idx[] (no gradient): each rank takes a contiguous share,
   in pieces of the batch buffer's size; the sums meet in one allreduce. */
static PetscErrorCode NMTrainerEvaluate(NMTrainer tr, NMEpochWork *w, PetscInt nb, const PetscInt idx[], PetscReal beta_p, uint64_t epoch, NMInferTerms *terms)
{
  PetscMPIInt rank, size;
  PetscInt    b0, b1;
  double      acc[NM_BUF_SIGNAL] = {0}, part[NM_BUF_SIGNAL];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(tr->comm, &rank));
  PetscCallMPI(MPI_Comm_size(tr->comm, &size));
  NMInferPartition(nb, size, rank, &b0, &b1);
  for (PetscInt k = b0; k < b1; k += w->batch.cap) {
    NMInferBatch b;
    NMInferTerms t  = {0};
    const double c0 = NMThreadCPUTime();
    PetscCall(NMInferItemsGather(&tr->items, PetscMin(w->batch.cap, b1 - k), idx + k, &w->batch, &b));
    PetscCall(NMInferLossGrad(tr->model, &b, nb, beta_p, (uint64_t)tr->seed, epoch, &t, NULL));
    NMTermsPack(&t, part);
    for (PetscInt j = 0; j < NM_BUF_SIGNAL; j++) acc[j] += part[j];
    w->compute += NMThreadCPUTime() - c0;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, acc, NM_BUF_SIGNAL, MPI_DOUBLE, MPI_SUM, tr->comm));
  NMTermsUnpack(acc, terms);
  PetscFunctionReturn(0);
}

/* One optimisation step on the global minibatch idx[0..nb-1]: this rank's share of the
   loss and gradient, ONE allreduce of gradient, terms and signal flag, the L2 of f, Adam.
   Returns the summed terms, the L2 value and whether any rank caught a signal. */
static PetscErrorCode NMTrainerStep(NMTrainer tr, NMEpochWork *w, PetscInt nb, const PetscInt idx[], PetscReal beta_p, uint64_t epoch, NMInferTerms *terms, double *l2, PetscBool *signalled)
{
  PetscMPIInt  rank, size;
  PetscInt     b0, b1;
  NMInferTerms t = {0};
  double      *tail = w->buf + w->n, c0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(tr->comm, &rank));
  PetscCallMPI(MPI_Comm_size(tr->comm, &size));
  NMInferPartition(nb, size, rank, &b0, &b1);
  c0 = NMThreadCPUTime();
  PetscCall(PetscArrayzero(w->buf, w->n + NM_BUF_EXTRA));
  if (b1 > b0) {
    NMInferBatch b;
    PetscCall(NMInferItemsGather(&tr->items, b1 - b0, idx + b0, &w->batch, &b));
    PetscCall(NMInferLossGrad(tr->model, &b, nb, beta_p, (uint64_t)tr->seed, epoch, &t, w->buf));
  }
  w->compute += NMThreadCPUTime() - c0;
  NMTermsPack(&t, tail);
  tail[NM_BUF_SIGNAL] = NMSignalCaught() ? 1 : 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, w->buf, (PetscMPIInt)(w->n + NM_BUF_EXTRA), MPI_DOUBLE, MPI_SUM, tr->comm));
  NMTermsUnpack(tail, terms);
  *signalled = (PetscBool)(tail[NM_BUF_SIGNAL] > 0);
  c0 = NMThreadCPUTime();
  PetscCall(NMInferL2(tr->model, l2, w->buf));
  PetscCall(NMAdamStep(tr->adam, w->theta, w->buf));
  w->compute += NMThreadCPUTime() - c0;
  PetscFunctionReturn(0);
}

/* The model file: dims, parameters, curves, the split, how it was trained. */
static PetscErrorCode NMTrainerWriteModel(NMTrainer tr)
{
  NMFile            f;
  PetscReal        *flag;
  PetscMPIInt       rank;
  const PetscInt    dims[1] = {tr->items.nitems};
  const char *const idim[]  = {"item"};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(tr->comm, &rank));
  PetscCall(NMFileCreate(tr->comm, tr->out, NM_FORMAT_MODEL, &f));
  PetscCall(NMFileSetAttributeString(f, "/", "cohort", tr->cohort_path));
  PetscCall(NMFileSetAttributeReal(f, "/", "sample_period", tr->tr_s)); /* one model step per sample: the time unit of the learned node model */
  PetscCall(NMFileSetAttributeInt(f, "/", "epochs_done", tr->history.nepochs));
  PetscCall(NMFileSetAttributeInt(f, "/", "train_batch", tr->batch));
  PetscCall(NMFileSetAttributeReal(f, "/", "train_lr", tr->lr));
  if (tr->lr_drop[0] >= 0) {
    PetscCall(NMFileSetAttributeInt(f, "/", "train_lr_drop_epoch", (PetscInt)tr->lr_drop[0]));
    PetscCall(NMFileSetAttributeReal(f, "/", "train_lr_drop_lr", tr->lr_drop[1]));
  }
  PetscCall(NMFileSetAttributeInt(f, "/", "train_beta_epochs", tr->beta_epochs));
  PetscCall(NMFileSetAttributeReal(f, "/", "train_test_fraction", tr->test_fraction));
  PetscCall(NMInferModelWriteTo(tr->comm, f, tr->model, "params"));
  PetscCall(NMTrainingHistoryWrite(tr->comm, f, &tr->history));
  PetscCall(PetscMalloc1(dims[0], &flag));
  for (PetscInt i = 0; i < dims[0]; i++) flag[i] = tr->is_test[i];
  PetscCall(NMFileWriteReal(f, "items/is_test", 1, dims, idim, "1", 0, rank ? 0 : dims[0], flag));
  PetscCall(NMFileSetAttributeString(f, "items/is_test", "description", "1 for a test item, 0 for a training item; item = subject * n_regions + region"));
  PetscCall(PetscFree(flag));
  PetscCall(NMFileCommit(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainerRun(NMTrainer tr)
{
  NMEpochWork w;
  PetscBool   signalled = PETSC_FALSE;
  PetscInt    share_max; /* the most items of a minibatch one rank takes */
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCall(NMCatchSignals());
  PetscCallMPI(MPI_Comm_size(tr->comm, &size));
  PetscCall(NMInferModelGetParams(tr->model, &w.n, &w.theta));
  PetscCall(PetscMalloc2(w.n + NM_BUF_EXTRA, &w.buf, tr->ntrain, &w.perm));
  share_max = (tr->batch + size - 1) / size;
  PetscCall(NMInferBatchBufferCreate(share_max, tr->items.nt, &w.batch));
  PetscCall(PetscPrintf(tr->comm, "netmass train: %" PetscInt_FMT " training and %" PetscInt_FMT " test items of %" PetscInt_FMT " samples, %zu parameters, batch %" PetscInt_FMT " on %d ranks\n", tr->ntrain, tr->ntest, tr->items.nt, w.n, tr->batch, (int)size));
  while (tr->history.nepochs < tr->epochs && !signalled) {
    const PetscInt  e      = tr->history.nepochs; /* 0-based epoch being trained */
    const PetscReal beta_p = tr->beta_epochs ? PetscMin(1.0, (PetscReal)e / (PetscReal)tr->beta_epochs) : 1.0;
    PetscReal      *tt = tr->history.terms_train + e * NM_TRAIN_NTERMS, *te = tr->history.terms_test + e * NM_TRAIN_NTERMS;
    PetscLogDouble  t0, t1, f0, f1;
    NMInferTerms    terms = {0};
    double          l2, loss = 0, flops, times[2];

    PetscCall(PetscTime(&t0));
    PetscCall(PetscGetFlops(&f0));
    PetscCall(NMAdamSetParameters(tr->adam, tr->lr_drop[0] >= 0 && e >= (PetscInt)tr->lr_drop[0] ? tr->lr_drop[1] : tr->lr, 0.9, 0.999, 1e-7, tr->clip));
    w.compute = 0;
    PetscCall(NMInferPermutation(tr->ntrain, (uint64_t)tr->seed, (uint32_t)e, NM_STREAM_SHUFFLE, w.perm));
    for (PetscInt k = 0; k < tr->ntrain; k++) w.perm[k] = tr->train[w.perm[k]];
    for (PetscInt k = 0; k < NM_TRAIN_NTERMS; k++) tt[k] = te[k] = 0;
    for (PetscInt start = 0; start < tr->ntrain; start += tr->batch) {
      const PetscInt  nb = PetscMin(tr->batch, tr->ntrain - start);
      const PetscReal wt = (PetscReal)nb / (PetscReal)tr->ntrain; /* epoch means are item means */
      PetscBool       sig = PETSC_FALSE;
      PetscCall(NMTrainerStep(tr, &w, nb, w.perm + start, beta_p, (uint64_t)e, &terms, &l2, &sig));
      NMTermsAdd(&terms, l2, wt, tt);
      loss += wt * (terms.loss + l2);
      signalled = (PetscBool)(signalled || sig);
    }
    tr->history.loss_train[e] = loss;
    if (tr->ntest) {
      PetscCall(NMTrainerEvaluate(tr, &w, tr->ntest, tr->test, beta_p, (uint64_t)e, &terms));
      PetscCall(NMInferL2(tr->model, &l2, NULL));
      NMTermsAdd(&terms, l2, 1.0, te);
      tr->history.loss_test[e] = terms.loss + l2;
    } else tr->history.loss_test[e] = NAN;
    PetscCall(PetscGetFlops(&f1));
    PetscCall(PetscTime(&t1));
    flops    = f1 - f0;
    times[0] = t1 - t0;
    times[1] = w.compute;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &flops, 1, MPI_DOUBLE, MPI_SUM, tr->comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, times, 2, MPI_DOUBLE, MPI_MAX, tr->comm)); /* the slowest rank's */
    tr->history.seconds[e]     = times[0];
    tr->history.cpu_seconds[e] = times[1];
    tr->history.gflops[e]      = times[0] > 0 ? 1e-9 * flops / times[0] : 0;
    tr->history.nepochs    = e + 1;
    PetscCall(PetscPrintf(tr->comm, "epoch %4" PetscInt_FMT "/%" PetscInt_FMT "  loss train %.6g test %.6g  loglik %.5g trans %.5g entropy %.5g kl_r %.4g kl_s %.4g  beta_p %.3f  %.3f s  %.2f GFLOP/s\n", e + 1, tr->epochs, tr->history.loss_train[e], tr->history.loss_test[e], tt[0], tt[1], tt[3], tt[4], tt[5], beta_p, tr->history.seconds[e], tr->history.gflops[e]));
    if (tr->history.nepochs == tr->epochs) break;
    if (signalled || (tr->stop_after && tr->history.nepochs == tr->stop_after) || (tr->checkpoint_every && tr->history.nepochs % tr->checkpoint_every == 0)) PetscCall(NMTrainerCheckpointWrite(tr));
    if (tr->stop_after && tr->history.nepochs == tr->stop_after) break;
  }
  PetscCall(NMInferBatchBufferDestroy(&w.batch));
  PetscCall(PetscFree2(w.buf, w.perm));
  PetscCheck(!signalled || tr->history.nepochs == tr->epochs, tr->comm, PETSC_ERR_SIG, "stopped by SIGTERM/SIGUSR1 after epoch %" PetscInt_FMT " of %" PetscInt_FMT "; checkpoint %s written: run the same command with -restart to continue", tr->history.nepochs, tr->epochs, tr->checkpoint_path);
  if (tr->history.nepochs < tr->epochs) {
    PetscCall(PetscPrintf(tr->comm, "netmass train: stopped after epoch %" PetscInt_FMT " (-train_stop_after); checkpoint %s written: run the same command with -restart to continue\n", tr->history.nepochs, tr->checkpoint_path));
    PetscFunctionReturn(0);
  }
  PetscCall(NMTrainerWriteModel(tr));
  if (tr->checkpoint_every || tr->restart) {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(tr->comm, &rank));
    if (!rank) (void)remove(tr->checkpoint_path); /* the model is complete: the checkpoint is obsolete */
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMTrainerDestroy(NMTrainer *trainer)
{
  NMTrainer tr = *trainer;

  PetscFunctionBegin;
  if (!tr) PetscFunctionReturn(0);
  PetscCall(NMInferItemsDestroy(&tr->items));
  PetscCall(PetscFree3(tr->is_test, tr->train, tr->test));
  PetscCall(NMInferModelDestroy(&tr->model));
  PetscCall(NMAdamDestroy(&tr->adam));
  PetscCall(NMTrainingHistoryDestroy(&tr->history));
  PetscCall(PetscFree(tr));
  *trainer = NULL;
  PetscFunctionReturn(0);
}
