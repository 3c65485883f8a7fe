#include "elbo_impl.h"

/* The two encoders of Sip et al. (2023), eq. 21-24: bidirectional LSTMs over the per-step
   input [y_t, u_t, one-hot(subject)] with a dense head. The state encoder h_1 maps every
   step's concatenated outputs [h_fw(t), h_bw(t)] to (mu_x(t), log sigma_x^2(t)); the
   parameter encoder h_2 maps the final states [h_fw(nt-1), h_bw(0)] to (mu_r, log sigma_r^2). */

static void NMInferLSTMShapes(NMInferModel m, PetscInt nitems, NMLSTMShape *fw, NMLSTMShape *bw)
{
  fw->nt      = m->d.nt;
  fw->batch   = nitems;
  fw->nin     = 2;
  fw->nsub    = m->d.nsub;
  fw->units   = m->d.lstm_units;
  fw->reverse = PETSC_FALSE;
  *bw         = *fw;
  bw->reverse = PETSC_TRUE;
}

/* Both directions of one encoder, outputs into e->H (forward half, backward half). */
static PetscErrorCode NMInferBiLSTMForward(NMInferModel m, PetscInt nitems, const PetscInt subject[], const NMInferEncoderParams *p, NMInferEncoderWork *e)
{
  const double  *t  = m->theta;
  const PetscInt nu = m->d.lstm_units;
  NMLSTMShape    fw, bw;

  PetscFunctionBegin;
  NMInferLSTMShapes(m, nitems, &fw, &bw);
  PetscCall(NMLSTMForward(&fw, t + p->fw.W, t + p->fw.U, t + p->fw.b, m->w.Xin, subject, e->Gf, e->H, 2 * nu, e->Cf));
  PetscCall(NMLSTMForward(&bw, t + p->bw.W, t + p->bw.U, t + p->bw.b, m->w.Xin, subject, e->Gb, e->H + nu, 2 * nu, e->Cb));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMInferBiLSTMBackward(NMInferModel m, PetscInt nitems, const PetscInt subject[], const NMInferEncoderParams *p, NMInferEncoderWork *e, double grad[])
{
  const double  *t  = m->theta;
  const PetscInt nu = m->d.lstm_units;
  NMLSTMShape    fw, bw;

  PetscFunctionBegin;
  NMInferLSTMShapes(m, nitems, &fw, &bw);
  PetscCall(NMLSTMBackward(&fw, t + p->fw.U, m->w.Xin, subject, e->Gf, e->H, 2 * nu, e->Cf, e->dH, 2 * nu, m->w.lstm_work, grad + p->fw.W, grad + p->fw.U, grad + p->fw.b));
  PetscCall(NMLSTMBackward(&bw, t + p->bw.U, m->w.Xin, subject, e->Gb, e->H + nu, 2 * nu, e->Cb, e->dH + nu, 2 * nu, m->w.lstm_work, grad + p->bw.W, grad + p->bw.U, grad + p->bw.b));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferEncodersForward(NMInferModel m, PetscInt nitems, const PetscInt subject[])
{
  NMInferWork   *w  = &m->w;
  const double  *t  = m->theta;
  const PetscInt nu = m->d.lstm_units, T = m->d.nt;

  PetscFunctionBegin;
  PetscCall(NMInferBiLSTMForward(m, nitems, subject, &m->enc_x, &w->ex));
  PetscCall(NMDenseForward(T * nitems, 2 * nu, m->enc_x.nout, w->ex.H, 2 * nu, t + m->enc_x.head.k, t + m->enc_x.head.b, w->Px, m->enc_x.nout));
  PetscCall(NMInferBiLSTMForward(m, nitems, subject, &m->enc_r, &w->er));
  for (PetscInt r = 0; r < nitems; r++)
    for (PetscInt j = 0; j < nu; j++) {
      w->Hr[r * 2 * nu + j]      = w->er.H[((T - 1) * nitems + r) * 2 * nu + j]; /* forward: after the last step */
      w->Hr[r * 2 * nu + nu + j] = w->er.H[r * 2 * nu + nu + j];                 /* backward: after step 0 */
    }
  PetscCall(NMDenseForward(nitems, 2 * nu, m->enc_r.nout, w->Hr, 2 * nu, t + m->enc_r.head.k, t + m->enc_r.head.b, w->Pr, m->enc_r.nout));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferEncodersBackward(NMInferModel m, PetscInt nitems, const PetscInt subject[], double grad[])
{
  NMInferWork   *w  = &m->w;
  const double  *t  = m->theta;
  const PetscInt nu = m->d.lstm_units, T = m->d.nt;

  PetscFunctionBegin;
  PetscCall(NMDenseBackward(T * nitems, 2 * nu, m->enc_x.nout, w->ex.H, 2 * nu, t + m->enc_x.head.k, w->dPx, m->enc_x.nout, w->ex.dH, 2 * nu, grad + m->enc_x.head.k, grad + m->enc_x.head.b));
  PetscCall(NMInferBiLSTMBackward(m, nitems, subject, &m->enc_x, &w->ex, grad));
  PetscCall(NMDenseBackward(nitems, 2 * nu, m->enc_r.nout, w->Hr, 2 * nu, t + m->enc_r.head.k, w->dPr, m->enc_r.nout, w->dHr, 2 * nu, grad + m->enc_r.head.k, grad + m->enc_r.head.b));
  PetscCall(PetscArrayzero(w->er.dH, (size_t)(T * nitems * 2 * nu)));
  for (PetscInt r = 0; r < nitems; r++)
    for (PetscInt j = 0; j < nu; j++) {
      w->er.dH[((T - 1) * nitems + r) * 2 * nu + j] = w->dHr[r * 2 * nu + j];
      w->er.dH[r * 2 * nu + nu + j]                 = w->dHr[r * 2 * nu + nu + j];
    }
  PetscCall(NMInferBiLSTMBackward(m, nitems, subject, &m->enc_r, &w->er, grad));
  PetscFunctionReturn(0);
}
