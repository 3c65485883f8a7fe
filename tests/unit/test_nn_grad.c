/* Unit tests of the neural-network blocks (src/nn_dense.c, src/nn_lstm.c, src/nn_init.c):
   central-difference gradient checks of the dense layer and of the LSTM through time in both
   directions with the one-hot subject gather, a two-step LSTM value computed by hand, and the
   properties of the Keras initialisers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include "nm_grad_check.h"

#include <math.h>
#include <string.h>

#include <netmass/nn.h>
#include <netmass/sys.h>

/* ---- dense layer: L = sum_ij c_ij Y_ij, Y = X W + b ---- */

enum { DN = 5, DIN = 3, DOUT = 4, LDX = 4, LDY = 6 };

static double dense_loss(const double *X, const double *W, const double *b, const double *c)
{
  double Y[DN * LDY], L = 0;
  assert_int_equal(NMDenseForward(DN, DIN, DOUT, X, LDX, W, b, Y, LDY), 0);
  for (int r = 0; r < DN; r++)
    for (int j = 0; j < DOUT; j++) L += c[r * DOUT + j] * Y[r * LDY + j];
  return L;
}

static void test_dense_grad(void **state)
{
  uint64_t s = 11;
  double   X[DN * LDX], W[DIN * DOUT], b[DOUT], c[DN * DOUT], dY[DN * LDY], dX[DN * LDX], dW[DIN * DOUT], db[DOUT], fd[DN * LDX];
  (void)state;
  nm_fill(&s, DN * LDX, 1, X);
  nm_fill(&s, DIN * DOUT, 1, W);
  nm_fill(&s, DOUT, 1, b);
  nm_fill(&s, DN * DOUT, 1, c);
  for (int r = 0; r < DN; r++)
    for (int j = 0; j < DOUT; j++) dY[r * LDY + j] = c[r * DOUT + j];
  memset(dW, 0, sizeof(dW));
  memset(db, 0, sizeof(db));
  assert_int_equal(NMDenseBackward(DN, DIN, DOUT, X, LDX, W, dY, LDY, dX, LDX, dW, db), 0);
  NM_FD_ALL(DIN * DOUT, W, fd, dense_loss(X, W, b, c));
  assert_true(nm_blockerr(DIN * DOUT, dW, fd) < 1e-6);
  NM_FD_ALL(DOUT, b, fd, dense_loss(X, W, b, c));
  assert_true(nm_blockerr(DOUT, db, fd) < 1e-6);
  NM_FD_ALL(DN * LDX, X, fd, dense_loss(X, W, b, c));
  for (int r = 0; r < DN; r++)
    for (int i = DIN; i < LDX; i++) fd[r * LDX + i] = dX[r * LDX + i] = 0; /* padding columns */
  assert_true(nm_blockerr(DN * LDX, dX, fd) < 1e-6);
}

/* ---- LSTM through time: L = sum c . H over every output (the last one is the final state) ---- */

enum { LT = 5, LB = 3, LIN = 2, LSUB = 2, LU = 4, LG = 4 * LU, LDH = 2 * LU };

typedef struct {
  NMLSTMShape shape;
  double      W[(LIN + LSUB) * LG], U[LU * LG], b[LG], X[LT * LB * LIN], c[LT * LB * LU];
  PetscInt    subject[LB];
  double      G[LT * LB * LG], H[LT * LB * LDH], C[LT * LB * LU];
} LSTMCase;

static double lstm_loss(LSTMCase *p)
{
  double L = 0;
  assert_int_equal(NMLSTMForward(&p->shape, p->W, p->U, p->b, p->X, p->subject, p->G, p->H, LDH, p->C), 0);
  for (int q = 0; q < LT * LB; q++)
    for (int j = 0; j < LU; j++) L += p->c[q * LU + j] * p->H[q * LDH + j];
  return L;
}

static void check_lstm(PetscBool reverse)
{
  static LSTMCase p;
  uint64_t        s = reverse ? 21 : 17;
  double          dH[LT * LB * LDH], work[2 * LB * LU], dW[(LIN + LSUB) * LG], dU[LU * LG], db[LG], fd[(LIN + LSUB) * LG];

  p.shape = (NMLSTMShape){LT, LB, LIN, LSUB, LU, reverse};
  nm_fill(&s, (LIN + LSUB) * LG, 0.8, p.W);
  nm_fill(&s, LU * LG, 0.8, p.U);
  nm_fill(&s, LG, 0.5, p.b);
  nm_fill(&s, LT * LB * LIN, 1, p.X);
  nm_fill(&s, LT * LB * LU, 1, p.c);
  p.subject[0] = 1, p.subject[1] = 0, p.subject[2] = 1;
  (void)lstm_loss(&p);
  for (int q = 0; q < LT * LB; q++)
    for (int j = 0; j < LU; j++) dH[q * LDH + j] = p.c[q * LU + j];
  memset(dW, 0, sizeof(dW));
  memset(dU, 0, sizeof(dU));
  memset(db, 0, sizeof(db));
  assert_int_equal(NMLSTMBackward(&p.shape, p.U, p.X, p.subject, p.G, p.H, LDH, p.C, dH, LDH, work, dW, dU, db), 0);
  NM_FD_ALL((LIN + LSUB) * LG, p.W, fd, lstm_loss(&p));
  print_message("LSTM %s: kernel (with subject rows) rel. err %.2e", reverse ? "reverse" : "forward", nm_blockerr((LIN + LSUB) * LG, dW, fd));
  assert_true(nm_blockerr(LIN * LG, dW, fd) < 1e-6);
  assert_true(nm_blockerr(LSUB * LG, dW + LIN * LG, fd + LIN * LG) < 1e-6); /* the gathered one-hot rows */
  NM_FD_ALL(LU * LG, p.U, fd, lstm_loss(&p));
  print_message(", recurrent %.2e", nm_blockerr(LU * LG, dU, fd));
  assert_true(nm_blockerr(LU * LG, dU, fd) < 1e-6);
  NM_FD_ALL(LG, p.b, fd, lstm_loss(&p));
  print_message(", bias %.2e\n", nm_blockerr(LG, db, fd));
  assert_true(nm_blockerr(LG, db, fd) < 1e-6);
}

static void test_lstm_grad_forward(void **state)
{
  (void)state;
  check_lstm(PETSC_FALSE);
}

static void test_lstm_grad_reverse(void **state)
{
  (void)state;
  check_lstm(PETSC_TRUE);
}

/* Two steps of a one-unit LSTM, input [y, u] plus subject 1 of 2, against the Keras
   equations evaluated by hand (in Python): step 1 z = (0.3, 0.95, -0.25, 0.7),
   c_1 = sigmoid(0.3) tanh(-0.25), h_1 = sigmoid(0.7) tanh(c_1); step 2 adds h_1 U. */
static void test_lstm_known_value(void **state)
{
  const double      W[4 * 4] = {0.1, 0.2, 0.3, 0.4, -0.2, 0.1, 0.5, -0.3, 9, 9, 9, 9, 0.05, -0.05, 0.1, 0.2};
  const double      U[4] = {0.7, -0.4, 0.9, 0.25}, b[4] = {0, 1, 0, 0}, X[4] = {0.5, -1, -0.3, 0.8};
  const PetscInt    subject[1] = {1};
  const NMLSTMShape fw = {2, 1, 2, 2, 1, PETSC_FALSE}, bw = {2, 1, 2, 2, 1, PETSC_TRUE};
  double            G[8], H[2], C[2];
  (void)state;
  assert_int_equal(NMLSTMForward(&fw, W, U, b, X, subject, G, H, 1, C), 0);
  assert_near(C[0], -0.14069169284533173, 1e-15);
  assert_near(H[0], -0.09339306822524905, 1e-15);
  assert_near(C[1], 0.038269548482107243, 1e-15);
  assert_near(H[1], 0.017377025617813464, 1e-15);
  /* reverse on the reversed sequence: the same values, stored at mirrored times */
  const double Xr[4] = {-0.3, 0.8, 0.5, -1};
  assert_int_equal(NMLSTMForward(&bw, W, U, b, Xr, subject, G, H, 1, C), 0);
  assert_near(H[1], -0.09339306822524905, 1e-15);
  assert_near(H[0], 0.017377025617813464, 1e-15);
}

static void test_orthogonal(void **state)
{
  const int      shapes[2][2] = {{8, 32}, {32, 8}};
  NMRandomStream r;
  double         W[8 * 32];
  (void)state;
  for (int c = 0; c < 2; c++) {
    const int rows = shapes[c][0], cols = shapes[c][1], n = rows < cols ? rows : cols;
    double    e = 0;
    NMRandomStreamInit(&r, 5, (uint32_t)c, 0);
    assert_int_equal(NMInitOrthogonal(&r, rows, cols, W), 0);
    /* the short side is orthonormal: W W^T = I (wide) or W^T W = I (tall) */
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double d = 0;
        for (int k = 0; k < (rows < cols ? cols : rows); k++) d += rows < cols ? W[i * cols + k] * W[j * cols + k] : W[k * cols + i] * W[k * cols + j];
        e = fmax(e, fabs(d - (i == j)));
      }
    print_message("orthogonal %dx%d: max |Q^T Q - I| = %.2e\n", rows, cols, e);
    assert_true(e < 1e-13);
  }
}

static void test_glorot(void **state)
{
  enum { NI = 200, NO = 300 };
  static double  W[NI * NO];
  const double   lim = sqrt(6.0 / (NI + NO));
  double         mx = 0, mean = 0, var = 0;
  NMRandomStream r;
  (void)state;
  NMRandomStreamInit(&r, 9, 1, 2);
  assert_int_equal(NMInitGlorotUniform(&r, NI, NO, W), 0);
  for (int k = 0; k < NI * NO; k++) {
    mx = fmax(mx, fabs(W[k]));
    mean += W[k] / (NI * NO);
    var += W[k] * W[k] / (NI * NO);
  }
  assert_true(mx <= lim);
  assert_true(mx > 0.999 * lim);                  /* the whole interval is used */
  assert_near(mean, 0, 5 * lim / sqrt(3.0 * NI * NO)); /* 5 standard errors */
  assert_near(var, lim * lim / 3, 0.02 * lim * lim / 3); /* U(-l, l) has variance l^2/3 */
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dense_grad),
    cmocka_unit_test(test_lstm_grad_forward),
    cmocka_unit_test(test_lstm_grad_reverse),
    cmocka_unit_test(test_lstm_known_value),
    cmocka_unit_test(test_orthogonal),
    cmocka_unit_test(test_glorot),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
