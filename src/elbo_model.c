#include "elbo_impl.h"
#include <math.h>

/* The inference model object: its dimensions, the layout of its one flat parameter vector
   in named blocks, the Keras-default initialisation and the batch workspace. */

/* Stream id b of the initialisation streams (seed, block, NM_INFER_INIT_STREAM): the loss
   uses streams (seed, epoch, item) with item < NM_INFER_INIT_STREAM, so the two never meet
   even when the same seed is used for both. */
#define NM_INFER_INIT_STREAM 0xFFFFFFFFu

static PetscErrorCode NMInferAddBlock(NMInferModel m, const char *name, size_t size, size_t *off)
{
  PetscFunctionBegin;
  PetscCheck(m->nblocks < NM_INFER_MAX_BLOCKS, PETSC_COMM_SELF, PETSC_ERR_PLIB, "too many parameter blocks (%d): raise NM_INFER_MAX_BLOCKS", NM_INFER_MAX_BLOCKS);
  m->names[m->nblocks] = name;
  m->off[m->nblocks]   = m->n;
  m->size[m->nblocks]  = size;
  m->nblocks++;
  *off = m->n;
  m->n += size;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMInferAddLSTM(NMInferModel m, const char *const names[3], NMInferLSTMParams *p)
{
  const size_t nu = (size_t)m->d.lstm_units, rows = 2 + (size_t)m->d.nsub; /* [y, u, one-hot] */

  PetscFunctionBegin;
  PetscCall(NMInferAddBlock(m, names[0], rows * 4 * nu, &p->W));
  PetscCall(NMInferAddBlock(m, names[1], nu * 4 * nu, &p->U));
  PetscCall(NMInferAddBlock(m, names[2], 4 * nu, &p->b));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMInferAddDense(NMInferModel m, const char *kname, const char *bname, PetscInt nin, PetscInt nout, NMInferDenseParams *p)
{
  PetscFunctionBegin;
  PetscCall(NMInferAddBlock(m, kname, (size_t)(nin * nout), &p->k));
  PetscCall(NMInferAddBlock(m, bname, (size_t)nout, &p->b));
  PetscFunctionReturn(0);
}

/* The parameter vector, block by block (docs/inference.md lists it). f's four blocks are
   consecutive so that its L2 penalty runs over one range. */
static PetscErrorCode NMInferLayout(NMInferModel m)
{
  static const char *const exf[3] = {"enc_x/lstm_fw/kernel", "enc_x/lstm_fw/recurrent_kernel", "enc_x/lstm_fw/bias"};
  static const char *const exb[3] = {"enc_x/lstm_bw/kernel", "enc_x/lstm_bw/recurrent_kernel", "enc_x/lstm_bw/bias"};
  static const char *const erf[3] = {"enc_r/lstm_fw/kernel", "enc_r/lstm_fw/recurrent_kernel", "enc_r/lstm_fw/bias"};
  static const char *const erb[3] = {"enc_r/lstm_bw/kernel", "enc_r/lstm_bw/recurrent_kernel", "enc_r/lstm_bw/bias"};
  const NMInferDims       *d      = &m->d;
  const PetscInt           h2     = 2 * d->lstm_units;

  PetscFunctionBegin;
  m->enc_x.nout = 2 * d->ns;
  m->enc_r.nout = 2 * d->mr;
  PetscCall(NMInferAddLSTM(m, exf, &m->enc_x.fw));
  PetscCall(NMInferAddLSTM(m, exb, &m->enc_x.bw));
  PetscCall(NMInferAddDense(m, "enc_x/dense/kernel", "enc_x/dense/bias", h2, m->enc_x.nout, &m->enc_x.head));
  PetscCall(NMInferAddLSTM(m, erf, &m->enc_r.fw));
  PetscCall(NMInferAddLSTM(m, erb, &m->enc_r.bw));
  PetscCall(NMInferAddDense(m, "enc_r/dense/kernel", "enc_r/dense/bias", h2, m->enc_r.nout, &m->enc_r.head));
  PetscCall(NMInferAddDense(m, "f/dense0/kernel", "f/dense0/bias", m->nfin, d->hidden_f, &m->f0));
  PetscCall(NMInferAddDense(m, "f/dense1/kernel", "f/dense1/bias", d->hidden_f, d->ns, &m->f1));
  PetscCall(NMInferAddBlock(m, "obs/a", (size_t)d->ns, &m->a));
  PetscCall(NMInferAddBlock(m, "obs/b", 1, &m->b));
  PetscCall(NMInferAddBlock(m, "obs/olv", 1, &m->olv));
  PetscCall(NMInferAddBlock(m, "state/slv", (size_t)d->ns, &m->slv));
  PetscCall(NMInferAddBlock(m, "subject/theta_s_mu", (size_t)(d->nsub * m->ms_eff), &m->ths_mu));
  PetscCall(NMInferAddBlock(m, "subject/theta_s_logvar", (size_t)(d->nsub * m->ms_eff), &m->ths_lv));
  if (m->has_uext) {
    PetscCall(NMInferAddBlock(m, "uext/logtau", 1, &m->logtau));
    PetscCall(NMInferAddBlock(m, "subject/uext_mu", (size_t)(d->nsub * d->nt), &m->ue_mu));
    PetscCall(NMInferAddBlock(m, "subject/uext_logvar", (size_t)(d->nsub * d->nt), &m->ue_lv));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelCreate(const NMInferDims *dims, NMInferModel *model)
{
  NMInferModel m;

  PetscFunctionBegin;
  PetscCheck(dims->ns >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "state dimension ns %" PetscInt_FMT " must be at least 1", dims->ns);
  PetscCheck(dims->mr >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "regional parameter dimension mr %" PetscInt_FMT " must be at least 1", dims->mr);
  PetscCheck(dims->ms >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "subject parameter dimension ms %" PetscInt_FMT " must be 0 (pinned) or more", dims->ms);
  PetscCheck(dims->nsub >= 1 && dims->nregions >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " subjects x %" PetscInt_FMT " regions: both must be at least 1", dims->nsub, dims->nregions);
  PetscCheck(dims->nt >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "series length nt %" PetscInt_FMT " must be at least 2 (one model step)", dims->nt);
  PetscCheck(dims->hidden_f >= 1 && dims->lstm_units >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "hidden_f %" PetscInt_FMT " and lstm_units %" PetscInt_FMT " must be at least 1", dims->hidden_f, dims->lstm_units);
  PetscCheck(dims->nsamples >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nsamples %" PetscInt_FMT " must be at least 1", dims->nsamples);
  PetscCheck(dims->variant == NM_INFER_AN || dims->variant == NM_INFER_AB || dims->variant == NM_INFER_AS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "unknown model variant %d: use NM_INFER_AN, NM_INFER_AB or NM_INFER_AS", (int)dims->variant);
  PetscCall(PetscNew(&m));
  m->d           = *dims;
  m->ms_eff      = PetscMax(dims->ms, 1);
  m->kl_s_weight = dims->ms == 0 ? 1000.0 : 1.0;
  m->has_uext    = dims->variant != NM_INFER_AN ? PETSC_TRUE : PETSC_FALSE;
  m->u_in_f      = dims->variant != NM_INFER_AS ? PETSC_TRUE : PETSC_FALSE;
  m->nfin        = dims->ns + dims->mr + m->ms_eff + (m->u_in_f ? 1 : 0) + (m->has_uext ? 1 : 0);
  m->neps        = dims->nt * dims->ns + dims->mr + m->ms_eff + (m->has_uext ? dims->nt : 0);
  PetscCall(NMInferLayout(m));
  PetscCall(PetscCalloc1(m->n, &m->theta));
  *model = m;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelDestroy(NMInferModel *m)
{
  PetscFunctionBegin;
  if (!*m) PetscFunctionReturn(0);
  PetscCall(NMInferWorkDestroy(&(*m)->w));
  PetscCall(PetscFree((*m)->theta));
  PetscCall(PetscFree(*m));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelGetDims(NMInferModel m, const NMInferDims **dims)
{
  PetscFunctionBegin;
  *dims = &m->d;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMInferInitLSTM(NMInferModel m, uint64_t seed, uint32_t *block, const NMInferLSTMParams *p)
{
  const PetscInt nu = m->d.lstm_units;
  NMRandomStream r;

  PetscFunctionBegin;
  NMRandomStreamInit(&r, seed, (*block)++, NM_INFER_INIT_STREAM);
  PetscCall(NMInitGlorotUniform(&r, 2 + m->d.nsub, 4 * nu, m->theta + p->W));
  NMRandomStreamInit(&r, seed, (*block)++, NM_INFER_INIT_STREAM);
  PetscCall(NMInitOrthogonal(&r, nu, 4 * nu, m->theta + p->U));
  for (PetscInt j = 0; j < 4 * nu; j++) m->theta[p->b + j] = (j >= nu && j < 2 * nu) ? 1.0 : 0.0; /* Keras unit_forget_bias */
  PetscFunctionReturn(0);
}

static PetscErrorCode NMInferInitDense(NMInferModel m, uint64_t seed, uint32_t *block, PetscInt nin, PetscInt nout, const NMInferDenseParams *p)
{
  NMRandomStream r;

  PetscFunctionBegin;
  NMRandomStreamInit(&r, seed, (*block)++, NM_INFER_INIT_STREAM);
  PetscCall(NMInitGlorotUniform(&r, nin, nout, m->theta + p->k));
  for (PetscInt j = 0; j < nout; j++) m->theta[p->b + j] = 0.0;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMInferInitNormalBlock(NMInferModel m, uint64_t seed, uint32_t *block, double sd, PetscInt n, size_t off)
{
  NMRandomStream r;

  PetscFunctionBegin;
  NMRandomStreamInit(&r, seed, (*block)++, NM_INFER_INIT_STREAM);
  PetscCall(NMInitNormal(&r, sd, n, m->theta + off));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelInitialize(NMInferModel m, uint64_t seed)
{
  const NMInferDims *d     = &m->d;
  const PetscInt     h2    = 2 * d->lstm_units;
  uint32_t           block = 0; /* stream id a of each random block, in this order */

  PetscFunctionBegin;
  PetscCall(NMInferInitLSTM(m, seed, &block, &m->enc_x.fw));
  PetscCall(NMInferInitLSTM(m, seed, &block, &m->enc_x.bw));
  PetscCall(NMInferInitDense(m, seed, &block, h2, m->enc_x.nout, &m->enc_x.head));
  PetscCall(NMInferInitLSTM(m, seed, &block, &m->enc_r.fw));
  PetscCall(NMInferInitLSTM(m, seed, &block, &m->enc_r.bw));
  PetscCall(NMInferInitDense(m, seed, &block, h2, m->enc_r.nout, &m->enc_r.head));
  PetscCall(NMInferInitDense(m, seed, &block, m->nfin, d->hidden_f, &m->f0));
  PetscCall(NMInferInitDense(m, seed, &block, d->hidden_f, d->ns, &m->f1));
  PetscCall(NMInferInitNormalBlock(m, seed, &block, 0.3, d->ns, m->a));
  m->theta[m->b]   = 0.0;
  m->theta[m->olv] = 0.0;
  for (PetscInt j = 0; j < d->ns; j++) m->theta[m->slv + j] = -2.0;
  /* Sip et al. (2023), Methods: the matrices M1, V1 (theta_s) ~ N(0, 0.01^2); M2, V2 (u_ext) ~ N(0, 0.1^2) in the authors' code */
  PetscCall(NMInferInitNormalBlock(m, seed, &block, 0.01, d->nsub * m->ms_eff, m->ths_mu));
  PetscCall(NMInferInitNormalBlock(m, seed, &block, 0.01, d->nsub * m->ms_eff, m->ths_lv));
  if (m->has_uext) {
    m->theta[m->logtau] = log(10.0);
    PetscCall(NMInferInitNormalBlock(m, seed, &block, 0.1, d->nsub * d->nt, m->ue_mu));
    PetscCall(NMInferInitNormalBlock(m, seed, &block, 0.1, d->nsub * d->nt, m->ue_lv));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelGetParams(NMInferModel m, size_t *n, double **theta)
{
  PetscFunctionBegin;
  if (n) *n = m->n;
  if (theta) *theta = m->theta;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelGetBlocks(NMInferModel m, PetscInt *nblocks, const char *const **names, const size_t **offset, const size_t **size)
{
  PetscFunctionBegin;
  if (nblocks) *nblocks = m->nblocks;
  if (names) *names = m->names;
  if (offset) *offset = m->off;
  if (size) *size = m->size;
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferModelGetGenerative(NMInferModel m, NMInferGenerative *g)
{
  const double *t = m->theta;

  PetscFunctionBegin;
  g->a           = t + m->a;
  g->b           = t + m->b;
  g->olv         = t + m->olv;
  g->slv         = t + m->slv;
  g->ths_mu      = t + m->ths_mu;
  g->ths_logvar  = t + m->ths_lv;
  g->logtau      = m->has_uext ? t + m->logtau : NULL;
  g->uext_mu     = m->has_uext ? t + m->ue_mu : NULL;
  g->uext_logvar = m->has_uext ? t + m->ue_lv : NULL;
  g->ms_eff      = m->ms_eff;
  PetscFunctionReturn(0);
}
