/* The connectome tensor: its contraction equals the direct sum
   u_r(t) = G sum_e K0[r,e] sum_tau D[e,r,tau] c_e(t - tau) over a history written step by
   step (ring-buffer wrap-around included); it gives the same bits in receiver and
   emitter order, with and without the AVX2 dot product, whose summation order is the
   documented one; and its memory grows with the stored entries, not with N^2 x bins
   (1000-column fully connected ring with gamma kernels). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <string.h>
#include <netmass/connectome_tensor.h>
#include <netmass/generators.h>
#include <netmass/sys.h>

static PetscReal signal(PetscInt node, PetscInt64 step)
{
  return PetscSinReal(0.37 * node + 0.05 * (PetscReal)step) + 0.01 * node;
}

/* Gamma velocities (peak 5 m/s, half width 2 m/s), lags up to 60 steps. */
static void gamma_kernels(NMDelayModel *dm)
{
  PetscMemzero(dm, sizeof(*dm));
  dm->type      = NM_DELAY_GAMMA;
  dm->peak      = 5;
  dm->halfwidth = 2;
  dm->max_lag   = 60;
}

static void test_contraction(void **state)
{
  NMGeometricParams gp = {30, 40.0, 15.0, 0.0, 0.0};
  NMConnectome      conn;
  NMDelayModel      dm;
  NMTensor          t;
  PetscReal        *W, *L, c[30], u[30], w[2000];
  const PetscReal   dt = 1e-3, G = 0.7;
  PetscInt          n = 30;

  (void)state;
  gamma_kernels(&dm);
  assert_int_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &gp, 3, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &W, &L, NULL), 0);
  W[4 * n + 4] = 0.5; /* a self-connection too */
  assert_int_equal(NMTensorCreate(PETSC_COMM_WORLD, conn, &dm, dt, 0, n, 1, NULL, &t), 0);
  for (PetscInt i = 0; i < n; i++) c[i] = signal(i, 0);
  assert_int_equal(NMTensorInitHistory(t, c), 0);
  for (PetscInt64 step = 1; step <= 300; step++) {
    for (PetscInt i = 0; i < n; i++) c[i] = signal(i, step);
    assert_int_equal(NMTensorPush(t, step, c), 0);
    if (step % 50) continue;
    assert_int_equal(NMTensorContract(t, step + 1, G, u), 0);
    for (PetscInt r = 0; r < n; r++) {
      PetscReal direct = 0;
      for (PetscInt e = 0; e < n; e++) {
        PetscInt  first, nb;
        PetscReal sub, trunc;
        if (W[r * n + e] == 0) continue;
        assert_int_equal(NMDelayKernelDiscretize(&dm, L[r * n + e], dt, &first, &nb, w, &sub, &trunc), 0);
        for (PetscInt b = 0; b < nb; b++) {
          PetscInt64 when = step + 1 - (first + b);
          direct += W[r * n + e] * w[b] * signal(e, when < 0 ? 0 : when);
        }
      }
      assert_near(u[r], G * direct, 1e-12 * (1 + PetscAbsReal(direct)));
    }
  }
  assert_int_equal(NMTensorDestroy(&t), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

/* The dot product's order of summation, written out scalar by scalar (include/netmass/dot.h). */
static PetscReal dot_reference(const PetscReal *a, const PetscReal *b, PetscInt n)
{
  PetscReal s[16] = {0}, v[4], tail = 0;
  PetscInt  i = 0;

  for (; i + 16 <= n; i += 16)
    for (PetscInt j = 0; j < 16; j++) s[j] += a[i + j] * b[i + j];
  for (; i + 4 <= n; i += 4)
    for (PetscInt j = 0; j < 4; j++) s[j] += a[i + j] * b[i + j];
  for (; i < n; i++) tail += a[i] * b[i];
  for (PetscInt l = 0; l < 4; l++) v[l] = (s[l] + s[4 + l]) + (s[8 + l] + s[12 + l]);
  return ((v[0] + v[1]) + (v[2] + v[3])) + tail;
}

static void test_dot(void **state)
{
  PetscReal a[301], b[301];
  NMDotFn   avx2 = NMDotAVX2();

  (void)state;
  /* values of mixed sign and magnitude: any other order changes the last bits */
  for (PetscInt i = 0; i < 301; i++) {
    a[i] = PetscSinReal(1.3 * i) * PetscExpReal(0.03 * i);
    b[i] = PetscCosReal(0.7 * i + 0.1) / (1 + i % 7);
  }
  if (!avx2) print_message("  no AVX2 on this CPU: the baseline copy only\n");
  for (PetscInt n = 0; n <= 300; n++) {
    const PetscReal ref = dot_reference(a + 1, b, n), g = NMDotGeneric(a + 1, b, n);
    assert_memory_equal(&g, &ref, sizeof(ref));
    if (avx2) {
      const PetscReal v = avx2(a + 1, b, n);
      assert_memory_equal(&v, &ref, sizeof(ref));
    }
  }
  assert_true(NMDotGeneric(a + 5, b + 3, 1) == a[5] * b[3]);
}

/* The same contraction in every order, with and without SIMD: the same bits. */
static void test_orders(void **state)
{
  NMGeometricParams gp = {40, 40.0, 15.0, 0.0, 0.0};
  NMConnectome      conn;
  NMDelayModel      dm;
  const NMContractOptions opts[3] = {{NM_CONTRACT_RECEIVER, PETSC_FALSE, 1}, {NM_CONTRACT_EMITTER, PETSC_TRUE, 1}, {NM_CONTRACT_RECEIVER, PETSC_TRUE, 1}};
  PetscReal         c[80], u[3][80];
  const PetscInt    n = 40, nc = 2;

  (void)state;
  gamma_kernels(&dm);
  assert_int_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &gp, 4, &conn), 0);
  for (PetscInt o = 0; o < 3; o++) {
    NMTensor     t;
    NMTensorInfo info;
    assert_int_equal(NMTensorCreate(PETSC_COMM_WORLD, conn, &dm, 1e-3, 0, n, nc, &opts[o], &t), 0);
    assert_int_equal(NMTensorGetInfo(t, &info), 0);
    assert_int_equal(info.order, opts[o].order);
    for (PetscInt i = 0; i < n * nc; i++) c[i] = signal(i, 0);
    assert_int_equal(NMTensorInitHistory(t, c), 0);
    for (PetscInt64 step = 1; step <= 100; step++) {
      for (PetscInt i = 0; i < n * nc; i++) c[i] = signal(i, step);
      assert_int_equal(NMTensorPush(t, step, c), 0);
    }
    assert_int_equal(NMTensorContract(t, 101, 0.3, u[o]), 0);
    assert_int_equal(NMTensorDestroy(&t), 0);
  }
  assert_memory_equal(u[0], u[1], sizeof(u[0]));
  assert_memory_equal(u[0], u[2], sizeof(u[0]));
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

/* A block of steps (NMTensorContractBlock) gives, row by row, the bits of the single
   steps, in both orders and with single-bin and gamma kernels, two channels; its length
   is capped by the block size and the smallest lag (every lag >= L reads only samples
   already pushed). */
static void test_blocks(void **state)
{
  NMGeometricParams gp = {40, 40.0, 15.0, 0.0, 0.0};
  NMConnectome      conn;
  const PetscInt    n = 40, nc = 2, want = 40;
  PetscReal         c[80], u[40 * 80], one[80], *L;

  (void)state;
  assert_int_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &gp, 4, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, NULL, &L, NULL), 0);
  for (PetscInt i = 0; i < n * n; i++) L[i] += 120; /* tracts of 120 mm and more: lags of several steps */
  for (PetscInt kind = 0; kind < 2; kind++) {
    NMDelayModel dm;
    gamma_kernels(&dm);
    dm.tail = 1e-6; /* the kernels start where the fast tail's mass becomes noticeable */
    if (kind == 0) { /* single velocity: one bin of weight 1 per edge */
      dm.type     = NM_DELAY_SINGLE;
      dm.velocity = 5;
    }
    for (PetscInt o = 0; o < 4; o++) {
      const NMContractOptions opt = {o < 2 ? NM_CONTRACT_RECEIVER : NM_CONTRACT_EMITTER, PETSC_TRUE, o % 2 ? 3 : 0}; /* 0: automatic */
      NMTensor                t;
      NMTensorInfo            info;
      PetscInt                m;
      assert_int_equal(NMTensorCreate(PETSC_COMM_WORLD, conn, &dm, 1e-3, 0, n, nc, &opt, &t), 0);
      assert_int_equal(NMTensorGetInfo(t, &info), 0);
      if (o == 0) print_message("  %s kernels: lags %" PetscInt_FMT "..%" PetscInt_FMT ", automatic block %" PetscInt_FMT "\n", kind ? "gamma" : "single-bin", info.min_lag, info.max_lag, info.block);
      assert_true(info.min_lag > 3); /* so that blocks of 3 and more are possible */
      for (PetscInt i = 0; i < n * nc; i++) c[i] = signal(i, 0);
      assert_int_equal(NMTensorInitHistory(t, c), 0);
      for (PetscInt64 step = 1; step <= 100; step++) {
        for (PetscInt i = 0; i < n * nc; i++) c[i] = signal(i, step);
        assert_int_equal(NMTensorPush(t, step, c), 0);
      }
      assert_int_equal(NMTensorContractBlock(t, 101, want, 0.3, u, &m), 0);
      assert_true(info.block <= info.min_lag && (opt.block == 0 || info.block == opt.block));
      assert_int_equal(m, PetscMin(want, info.block));
      for (PetscInt j = 0; j < m; j++) {
        assert_int_equal(NMTensorContract(t, 101 + j, 0.3, one), 0);
        assert_memory_equal(u + j * n * nc, one, sizeof(one));
      }
      assert_int_equal(NMTensorDestroy(&t), 0);
    }
    assert_int_equal(NMDelayModelDestroy(&dm), 0);
  }
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

static void test_memory(void **state)
{
  NMRingParams rp = {1000, 166, 8.0, 1.0, 0.5, 7500.0};
  NMConnectome conn;
  NMDelayModel dm;
  NMTensor     t;
  NMTensorInfo info;

  (void)state;
  PetscMemzero(&dm, sizeof(dm));
  dm.type      = NM_DELAY_GAMMA;
  dm.peak      = 7.5;
  dm.halfwidth = 3;
  dm.max_lag   = 500;
  dm.tail      = 1e-6;
  assert_int_equal(NMGenerateRing(PETSC_COMM_WORLD, &rp, 1, &conn), 0);
  assert_int_equal(NMTensorCreate(PETSC_COMM_WORLD, conn, &dm, 1e-3, 0, 1000, 1, NULL, &t), 0);
  assert_int_equal(NMTensorGetInfo(t, &info), 0);
  print_message("  1000-column FC ring, D3: %lld edges, %lld (edge, bin) entries, %.1f MB stored; dense K would be %.1f GB\n", (long long)info.edges, (long long)info.entries, (double)info.bytes / 1e6, 1000.0 * 1000 * 500 * 8 / 1e9);
  assert_int_equal(info.edges, 999000);
  /* far below a dense N x N x bins tensor, and below one value per stored entry:
     edges of equal length share their kernel */
  assert_true((double)info.bytes < 0.02 * 1000.0 * 1000 * 500 * 8);
  assert_true((double)info.bytes < 0.5 * 8 * (double)info.entries);
  assert_int_equal(NMTensorDestroy(&t), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_contraction),
    cmocka_unit_test(test_dot),
    cmocka_unit_test(test_orders),
    cmocka_unit_test(test_blocks),
    cmocka_unit_test(test_memory),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
