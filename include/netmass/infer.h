#pragma once
/* Amortized variational inference of a data-driven network model of brain dynamics:
   the ELBO of Sip et al. (2023), Sci. Adv. 9, eabq7547, Methods eq. 10-29, with its
   gradient by hand-written reverse mode.

   One item = one region of one subject: its observed series y (nt samples), its network
   input u_t = sum_j w_ij y_j(t) and its subject index. The generative model is
     x_{t+1} = x_t + f([x_t, theta_r, theta_s, u_t, u_ext_t]) + eta_t,  eta ~ N(0, diag(exp(slv)))
     y_t     = a . x_t + b + nu_t,                                    nu ~ N(0, exp(olv))
   with f = Dense(hidden_f, ReLU) -> Dense(ns) (eq. 18), theta_r, theta_s ~ N(0, I),
   x_0 ~ N(0, exp(x0_logvar) I) and u_ext an AR(1) process per subject (eq. 19-20).
   Posteriors: x and theta_r from two bidirectional-LSTM encoders of [y_t, u_t, one-hot
   subject] (eq. 21-24); theta_s and u_ext free Gaussians per subject (eq. 25-28).
   docs/inference.md ("The model and its gradients") gives the parameter layout, the
   random-stream keys and where netmass differs from the authors' code.

   Everything here is local to the calling rank: no MPI. Data parallelism adds the
   per-rank NMInferTerms and gradients (an allreduce), which is exact because every
   random number is keyed by (seed, epoch, item, sample), never by rank. */
#include <petscsys.h>
#include <stdint.h>

typedef enum {
  NM_INFER_AN, /* f sees the network input u only (no external input) */
  NM_INFER_AB, /* f sees u and the subject's external input u_ext */
  NM_INFER_AS  /* f sees u_ext only (u absent from f's input; the encoders still read u) */
} NMInferVariant;

typedef struct {
  PetscInt       ns, mr, ms;   /* state dim n_s, regional params m_r, subject params m_s (m_s = 0: the
                                  authors' pinning, m_s = 1 with its KL multiplied by 1000) */
  PetscInt       nsub, nregions; /* subjects (one-hot width), regions per subject (subject terms / nregions) */
  PetscInt       nt;           /* samples per item (one model step per sample) */
  PetscInt       hidden_f;     /* width of f's hidden layer (32 in the paper) */
  PetscInt       lstm_units;   /* units of each LSTM direction (32 in the paper) */
  PetscInt       nsamples;     /* reparameterised samples per item (8 in the paper) */
  NMInferVariant variant;
  PetscReal      x0_logvar;    /* log variance of the x_0 prior (0: N(0, I) of the paper; the authors' code used 1) */
} NMInferDims;

typedef struct _n_NMInferModel *NMInferModel;

/* Allocate a model (parameters zero until NMInferModelInitialize()). Checks the dims. */
PETSC_EXTERN PetscErrorCode NMInferModelCreate(const NMInferDims *dims, NMInferModel *m);
PETSC_EXTERN PetscErrorCode NMInferModelDestroy(NMInferModel *m);
PETSC_EXTERN PetscErrorCode NMInferModelGetDims(NMInferModel m, const NMInferDims **dims);

/* Keras defaults: Glorot-uniform kernels, orthogonal recurrent kernels, zero biases except
   the LSTM forget gates (1); a ~ N(0, 0.3^2), b = 0, olv = 0, slv = -2, log tau = log 10;
   theta_s posterior means and log variances ~ N(0, 0.01^2), u_ext ones ~ N(0, 0.1^2).
   Deterministic from seed (counter-based streams, one per parameter block). */
PETSC_EXTERN PetscErrorCode NMInferModelInitialize(NMInferModel m, uint64_t seed);

/* ONE flat contiguous vector of every trainable parameter (owned by the model: write to
   it to load or update parameters). */
PETSC_EXTERN PetscErrorCode NMInferModelGetParams(NMInferModel m, size_t *n, double **theta);

/* Named blocks of that vector, e.g. "f/dense0/kernel", "enc_x/lstm_fw/kernel", "obs/a",
   "subject/theta_s_mu", "subject/uext_mu"; offsets and sizes in entries. Kernels are
   row-major (inputs x outputs) as in Keras; the LSTM kernels' rows are [y, u, one-hot]
   and their columns the gates i, f, c, o. */
PETSC_EXTERN PetscErrorCode NMInferModelGetBlocks(NMInferModel m, PetscInt *nblocks, const char *const **names, const size_t **offset, const size_t **size);

/* The generative parameters and the per-subject posteriors, pointing into the parameter
   vector. Absent ones are NULL (u_ext and tau in variant AN). ms_eff = max(ms, 1) is the
   width of theta_s inside f. */
typedef struct {
  const double *a, *b, *olv; /* observation: a (ns), b (1), olv (1) */
  const double *slv;         /* state noise log variance (ns) */
  const double *logtau;      /* AR(1) time scale of u_ext, log (1) */
  const double *ths_mu, *ths_logvar;   /* nsub x ms_eff */
  const double *uext_mu, *uext_logvar; /* nsub x nt */
  PetscInt      ms_eff;
} NMInferGenerative;
PETSC_EXTERN PetscErrorCode NMInferModelGetGenerative(NMInferModel m, NMInferGenerative *g);

typedef struct {
  PetscInt        nitems;
  const double   *y, *u;   /* nitems x nt: observed series and network input */
  const PetscInt *subject; /* nitems: subject index (one-hot column), 0 <= subject < nsub */
  const PetscInt *item;    /* nitems: global item id = subject*nregions + region (random stream key) */
} NMInferBatch;

/* Terms of the objective, SUMS over the batch items x samples, each already divided by
   (nbatch_global * nsamples) so ranks can add them. ELBO contributions with their own sign:
   loglik = log p(y|x), trans = sum_t log p(x_{t+1}|x_t,...), x0 = log p(x_0),
   entropy = -log q(x) at the sample, kl_r = KL(q(theta_r)||N(0,I)) (before beta_p),
   kl_s = KL(q(theta_s)||N(0,I)) / nregions (x1000 when ms = 0),
   uext = [log p_AR1(u_ext) - log q(u_ext)] / nregions, xreg = 0.01 sum x^2, and
   loss = -(loglik + trans + x0 + entropy - beta_p kl_r - kl_s + uext) + xreg. */
typedef struct {
  double loglik, trans, x0, entropy, kl_r, kl_s, uext, xreg, loss;
} NMInferTerms;

/* Loss and gradient of the minibatch part of the objective: the sum over this rank's items
   and samples of (-ELBO + 0.01 sum x^2) / (nbatch_global * nsamples). grad (length n of
   NMInferModelGetParams()) is ADDED to; grad NULL skips the backward pass. terms may be NULL.
   Random numbers keyed by (seed, epoch, item, sample): independent of the rank owning an item. */
PETSC_EXTERN PetscErrorCode NMInferLossGrad(NMInferModel m, const NMInferBatch *b, PetscInt nbatch_global, PetscReal beta_p, uint64_t seed, uint64_t epoch, NMInferTerms *terms, double *grad);

/* 0.01 * L2 of f's kernels and biases: value returned, gradient ADDED to grad (may be NULL).
   Called once per optimisation step (after the allreduce of NMInferLossGrad's gradients). */
PETSC_EXTERN PetscErrorCode NMInferL2(NMInferModel m, double *value, double *grad);

/* Posterior of theta_r (nitems x mr: mean, log variance) and of the states (nitems x nt x ns:
   mean, log variance). Any output may be NULL. */
PETSC_EXTERN PetscErrorCode NMInferEncode(NMInferModel m, const NMInferBatch *b, double *thr_mu, double *thr_logvar, double *x_mu, double *x_logvar);

/* One generative step's drift dx = f([x, thr, ths, u, uext]) for one node (forward only), for
   posterior-predictive simulation: x (ns), thr (mr), ths (ms_eff); u ignored in variant AS,
   uext ignored in variant AN. */
PETSC_EXTERN PetscErrorCode NMInferDrift(NMInferModel m, const double x[], const double thr[], const double ths[], double u, double uext, double dx[]);
