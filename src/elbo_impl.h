#pragma once
/* The inference engine's internals (elbo_model.c, elbo_work.c, elbo_lstm.c, elbo_drift.c,
   elbo_terms.c, elbo_loss.c). Batch buffers are time-major: row (t, r) = t * nitems + r. */
#include <netmass/infer.h>
#include <netmass/nn.h>

#define NM_INFER_MAX_BLOCKS 32

/* Offsets into the parameter vector of an LSTM direction and of a dense layer. */
typedef struct {
  size_t W, U, b;
} NMInferLSTMParams;
typedef struct {
  size_t k, b;
} NMInferDenseParams;

/* An encoder: a bidirectional LSTM and a dense head. */
typedef struct {
  NMInferLSTMParams  fw, bw;
  NMInferDenseParams head;
  PetscInt           nout; /* 2 ns (states) or 2 mr (regional parameters) */
} NMInferEncoderParams;

/* Buffers of one encoder for a batch, kept from the forward to the backward pass. */
typedef struct {
  double *Gf, *Gb; /* nt x B x 4 units: gate activations (dL/dz after backward) */
  double *Cf, *Cb; /* nt x B x units: cell states */
  double *H;       /* nt x B x 2 units: [forward h_t, backward h_t] */
  double *dH;      /* nt x B x 2 units */
} NMInferEncoderWork;

typedef struct {
  PetscInt           cap; /* items the buffers hold */
  double            *Xin; /* nt x B x 2: [y_t, u_t] */
  NMInferEncoderWork ex, er;
  double            *lstm_work; /* 2 B units */
  double            *Px, *dPx;  /* nt x B x 2 ns: [mu_x, logvar_x] and its gradient */
  double            *Hr, *dHr;  /* B x 2 units: final states of enc_r */
  double            *Pr, *dPr;  /* B x 2 mr: [mu_r, logvar_r] */
  double            *eps;       /* B x neps: one sample's standard normals, per item */
  double            *X, *dX;    /* nt x B x ns: state sample */
  double            *thr, *dthr; /* B x mr */
  double            *ths, *dths; /* B x ms_eff */
  double            *gths, *dgths; /* B x 2 ms_eff: the item's subject posterior [mu, logvar] and gradient */
  double            *ue, *due;   /* nt x B: u_ext sample */
  double            *gue, *dgue; /* nt x B x 2: the item's subject u_ext posterior [mu, logvar] and gradient */
  double            *Fin, *dFin; /* (nt-1) x B x nfin: f's input */
  double            *Fh, *dFh;   /* (nt-1) x B x hidden_f: f's hidden layer (after ReLU) */
  double            *Fo, *dFo;   /* (nt-1) x B x ns: f's output, the drift */
} NMInferWork;

struct _n_NMInferModel {
  NMInferDims          d;
  PetscInt             ms_eff;  /* max(ms, 1): the width of theta_s in f */
  double               kl_s_weight; /* 1, or 1000 when ms = 0 (theta_s pinned to its prior) */
  PetscBool            has_uext, u_in_f;
  PetscInt             nfin;    /* width of f's input */
  PetscInt             neps;    /* standard normals per item and sample */
  size_t               n;       /* parameters */
  double              *theta;
  PetscInt             nblocks;
  const char          *names[NM_INFER_MAX_BLOCKS];
  size_t               off[NM_INFER_MAX_BLOCKS], size[NM_INFER_MAX_BLOCKS];
  NMInferEncoderParams enc_x, enc_r;
  NMInferDenseParams   f0, f1;
  size_t               a, b, olv, slv, logtau, ths_mu, ths_lv, ue_mu, ue_lv;
  NMInferWork          w;
};

/* Buffers for a batch of nitems (reallocated only when a larger batch arrives). */
PETSC_INTERN PetscErrorCode NMInferWorkSetUp(NMInferModel m, PetscInt nitems);
PETSC_INTERN PetscErrorCode NMInferWorkDestroy(NMInferWork *w);

/* Both encoders on w.Xin (filled by the caller): w.Px and w.Pr. Backward from w.dPx and
   w.dPr, gradients added to grad. */
PETSC_INTERN PetscErrorCode NMInferEncodersForward(NMInferModel m, PetscInt nitems, const PetscInt subject[]);
PETSC_INTERN PetscErrorCode NMInferEncodersBackward(NMInferModel m, PetscInt nitems, const PetscInt subject[], double grad[]);

/* f on w.Fin ((nt-1) nitems rows): w.Fh, w.Fo; backward from w.dFo: w.dFin and f's gradients. */
PETSC_INTERN PetscErrorCode NMInferDriftForward(NMInferModel m, PetscInt rows);
PETSC_INTERN PetscErrorCode NMInferDriftBackward(NMInferModel m, PetscInt rows, double grad[]);

/* The ELBO terms. Each sets *val to the term summed over its rows and ADDS w times the
   term's gradient to the given arrays (NULL: skipped). */
/* log p(y|x) = sum -1/2 [log 2 pi + olv + (y - a.x - b)^2 e^-olv]   (eq. 16); n rows of x (ns) */
PETSC_INTERN PetscErrorCode NMInferTermLogLik(PetscInt n, PetscInt ns, const double y[], PetscInt ldy, const double X[], const double a[], double b, double olv, double w, double *val, double dX[], double da[], double *db, double *dolv);
/* log p(x_0) = sum log N(x_0 | 0, e^lv0)   (eq. 17, first factor); n rows of ns */
PETSC_INTERN PetscErrorCode NMInferTermX0(PetscInt n, PetscInt ns, const double X[], double lv0, double w, double *val, double dX[]);
/* sum log N(x_next | x + F, diag(e^slv))   (eq. 17); n rows of ns, x_next = X + next */
PETSC_INTERN PetscErrorCode NMInferTermTransition(PetscInt n, PetscInt ns, PetscInt next, const double X[], const double F[], const double slv[], double w, double *val, double dX[], double dF[], double dslv[]);
/* -log q(x) = sum 1/2 [log 2 pi + lv + (x - mu)^2 e^-lv] at the sample (Monte Carlo entropy);
   n rows of k: x with leading dim ldx, mu and lv (and dmu, dlv) with leading dim ldp */
PETSC_INTERN PetscErrorCode NMInferTermEntropy(PetscInt n, PetscInt k, const double x[], PetscInt ldx, const double mu[], const double lv[], PetscInt ldp, double w, double *val, double dx[], double dmu[], double dlv[]);
/* KL(N(mu, e^lv) || N(0, 1)) = sum 1/2 (mu^2 + e^lv - 1 - lv), analytic */
PETSC_INTERN PetscErrorCode NMInferTermKL(PetscInt n, PetscInt k, const double mu[], const double lv[], PetscInt ldp, double w, double *val, double dmu[], double dlv[]);
/* log p_AR1(u) of nb series (columns of the time-major nt x nb array U): u_0 ~ N(0, 1),
   u_{k+1} ~ N(alpha u_k, 1 - alpha^2), alpha = exp(-1/tau), tau = e^logtau   (eq. 19-20) */
PETSC_INTERN PetscErrorCode NMInferTermAR1(PetscInt nt, PetscInt nb, const double U[], double logtau, double w, double *val, double dU[], double *dlogtau);
