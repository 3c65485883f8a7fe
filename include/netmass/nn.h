#pragma once
/* Neural-network blocks with hand-written reverse mode, on row-major batches (one row per
   example), built on CBLAS dgemm: a dense layer, an LSTM through time and the Keras
   initialisers. Used by the inference engine (infer.h). No allocation: callers own every
   buffer, so the time loops run allocation-free. Kernels are (inputs x outputs), as in
   Keras, so a layer is Y = X W + b. */
#include <petscsys.h>
#include <netmass/rng.h>

/* Y (n x nout, leading dim ldy) = X (n x nin, leading dim ldx) W (nin x nout) + bias. */
PETSC_EXTERN PetscErrorCode NMDenseForward(PetscInt n, PetscInt nin, PetscInt nout, const double X[], PetscInt ldx, const double W[], const double bias[], double Y[], PetscInt ldy);

/* Reverse mode of NMDenseForward given dY = dL/dY: dW += X^T dY, dbias += column sums of
   dY, and dX = dY W^T (overwritten; dX NULL skips it). */
PETSC_EXTERN PetscErrorCode NMDenseBackward(PetscInt n, PetscInt nin, PetscInt nout, const double X[], PetscInt ldx, const double W[], const double dY[], PetscInt lddy, double dX[], PetscInt lddx, double dW[], double dbias[]);

/* An LSTM layer (Hochreiter & Schmidhuber 1997, with forget gate) in the Keras form:
     z_t = x_t W + h_prev U + bias,  gates in the order i, f, c, o (blocks of `units` columns),
     i, f, o = sigmoid(z), g = tanh(z_c),  c_t = f c_prev + i g,  h_t = o tanh(c_t),
   zero initial h and c. Inputs are time-major: row (t, r) = t*batch + r. The input of row r is
   [X(t, r, 0..nin-1), one-hot(subject[r])] and the one-hot part is applied as a gather: W has
   nin + nsub rows and row nin + subject[r] is added to z (subject NULL: no one-hot part).
   reverse: the sequence is processed from t = nt-1 down to 0 and h_t is stored at time t
   (the backward half of a bidirectional layer, outputs already aligned with time). */
typedef struct {
  PetscInt  nt, batch, nin, nsub, units;
  PetscBool reverse;
} NMLSTMShape;

/* Forward through time. Keeps for the backward pass: G (nt x batch x 4 units) the gate
   activations, H the outputs (nt*batch rows of `units`, leading dim ldh, so both directions
   of a bidirectional layer can share one concatenated buffer) and C (nt x batch x units) the
   cell states. The input product X W of all steps is one GEMM; each step adds one GEMM
   h_prev U (batch x units . units x 4 units). */
PETSC_EXTERN PetscErrorCode NMLSTMForward(const NMLSTMShape *s, const double W[], const double U[], const double bias[], const double X[], const PetscInt subject[], double G[], double H[], PetscInt ldh, double C[]);

/* Backward through time given dH = dL/dh_t for every t (nt*batch rows, leading dim lddh; a
   loss on the final state puts its gradient at the last processed step). Adds dW, dU, dbias.
   G is overwritten by dL/dz; work holds 2 batch units doubles. One GEMM per step (dz U^T);
   dW and dU are one GEMM each over all steps. */
PETSC_EXTERN PetscErrorCode NMLSTMBackward(const NMLSTMShape *s, const double U[], const double X[], const PetscInt subject[], double G[], const double H[], PetscInt ldh, const double C[], const double dH[], PetscInt lddh, double work[], double dW[], double dU[], double dbias[]);

/* Keras initialisers, deterministic from the stream (counters from 0).
   Glorot uniform: W (nin x nout) ~ U(-l, l), l = sqrt(6 / (nin + nout)) (Glorot & Bengio 2010).
   Orthogonal: W (rows x cols) with orthonormal rows (rows <= cols) or columns, the Q factor of
   a standard normal matrix with the signs of R's diagonal folded in (Saxe et al. 2014).
   Normal: x ~ N(0, sd^2). */
PETSC_EXTERN PetscErrorCode NMInitGlorotUniform(const NMRandomStream *r, PetscInt nin, PetscInt nout, double W[]);
PETSC_EXTERN PetscErrorCode NMInitOrthogonal(const NMRandomStream *r, PetscInt rows, PetscInt cols, double W[]);
PETSC_EXTERN PetscErrorCode NMInitNormal(const NMRandomStream *r, double sd, PetscInt n, double x[]);
