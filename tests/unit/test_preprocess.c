/* Unit tests of connectome and time-series preprocessing (src/connectome_preprocess.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <math.h>
#include <string.h>

#include <netmass/preprocess.h>
#include <netmass/sys.h>

/* Only the diagonal changes. */
static void test_zero_diagonal(void **state)
{
  PetscReal w[9]        = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const PetscReal ex[9] = {0, 2, 3, 4, 0, 6, 7, 8, 0};

  (void)state;
  assert_int_equal(NMMatrixZeroDiagonal(3, w), 0);
  assert_memory_equal(w, ex, sizeof(w));
}

/* (W + W^T)/2 by hand; every value is a dyadic rational, so the result is exact. */
static void test_symmetrize(void **state)
{
  PetscReal       w[9]  = {1, 2, 4, 6, 3, 0, 8, 10, 5};
  const PetscReal ex[9] = {1, 4, 6, 4, 3, 5, 6, 5, 5};

  (void)state;
  assert_int_equal(NMMatrixSymmetrize(3, w), 0);
  assert_memory_equal(w, ex, sizeof(w));
}

/* W / max(W): the maximum becomes 1 (division by powers of two is exact); a zero
   matrix has no scale and is left alone (no 0/0). */
static void test_normalize_max(void **state)
{
  PetscReal       w[4]  = {0, 2, 4, 1};
  const PetscReal ex[4] = {0, 0.5, 1, 0.25};
  PetscReal       z[4]  = {0, 0, 0, 0};
  const PetscReal z0[4] = {0, 0, 0, 0};

  (void)state;
  assert_int_equal(NMMatrixNormalizeMax(2, w), 0);
  assert_memory_equal(w, ex, sizeof(w));
  assert_int_equal(NMMatrixNormalizeMax(2, z), 0);
  assert_memory_equal(z, z0, sizeof(z));
}

/* (log10(w + 10^q) - q)/(-q) with q = -3 is Sip et al.'s log10(1000 w + 1)/3:
   0 stays exactly 0 (log10(10^-3) = -3) and 1 maps to (log10(1.001) + 3)/3. */
static void test_log_scale(void **state)
{
  const PetscReal in[8] = {0, 1, 1e-6, 1e-3, 0.01, 0.25, 0.5, 0.9};
  PetscReal       w[9]  = {0}, v[4] = {0, 0.5, 1, 0.01};

  (void)state;
  memcpy(w, in, sizeof(in)); /* 3 x 3, the ninth entry 0 */
  assert_int_equal(NMMatrixLogScale(3, w, -3), 0);
  assert_true(w[0] == 0);
  assert_true(w[8] == 0);
  assert_near(w[1], (log10(1.001) + 3) / 3, 1e-15);
  for (int k = 0; k < 8; k++) assert_near(w[k], log10(1000 * in[k] + 1) / 3, 1e-14);
  /* q = -2: log10(100 w + 1)/2. */
  assert_int_equal(NMMatrixLogScale(2, v, -2), 0);
  assert_true(v[0] == 0);
  assert_near(v[1], log10(51.0) / 2, 1e-14);
  assert_near(v[2], log10(101.0) / 2, 1e-14);
  assert_near(v[3], log10(2.0) / 2, 1e-14);
  /* q must be negative. */
  assert_int_not_equal(NMMatrixLogScale(2, v, 0), 0);
  assert_int_not_equal(NMMatrixLogScale(2, v, 1), 0);
}

/* A symmetric 6 x 6 matrix with known upper triangle (15 values, four zeros):
     sorted: 0 0 0 0 1/16 1/8 3/16 1/4 3/8 1/2 1/2 5/8 3/4 7/8 1   (indices 0..14)
   numpy-style percentile: position p/100 * 14, linear between neighbours.
     p = 75:  position 10.5  -> 1/2 + 0.5 (5/8 - 1/2) = 9/16 (exact)
     p = 97:  position 13.58 -> 7/8 + 0.58 (1 - 7/8)  = 0.9475
     p = 100: the maximum, 1.
   Homotopic pairs are halves: 0-3 (1/16), 1-4 (1), 2-5 (7/8). The diagonal (3) is not
   in the upper triangle: were it counted, the percentiles would change. */
static void Homotopic6(PetscReal w[36])
{
  const PetscReal upper[6][6] = {
    {0, 0.5, 0,    0.0625, 0.25,  0     },
    {0, 0,   0.75, 0,      1.0,   0.125 },
    {0, 0,   0,    0.375,  0,     0.875 },
    {0, 0,   0,    0,      0.625, 0.1875},
    {0, 0,   0,    0,      0,     0.5   },
    {0, 0,   0,    0,      0,     0     },
  };
  for (int i = 0; i < 6; i++) {
    w[i * 6 + i] = 3;
    for (int j = i + 1; j < 6; j++) w[i * 6 + j] = w[j * 6 + i] = upper[i][j];
  }
}

static void CheckHomotopic(PetscReal percentile, PetscReal expected_p, PetscReal tol)
{
  const PetscInt partner[6] = {3, 4, 5, 0, 1, 2};
  PetscReal      w0[36], w[36];

  Homotopic6(w0);
  memcpy(w, w0, sizeof(w));
  assert_int_equal(NMMatrixHomotopic(6, w, partner, percentile), 0);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) {
      if (partner[i] == j) assert_near(w[i * 6 + j], fmax(w0[i * 6 + j], expected_p), tol);
      else assert_true(w[i * 6 + j] == w0[i * 6 + j]); /* untouched, to the bit */
    }
}

static void test_homotopic(void **state)
{
  const PetscInt partner[6] = {3, 4, 5, 0, 1, 2}, some[6] = {3, -1, -1, 0, -1, -1};
  PetscReal      w0[36], w[36];

  (void)state;
  CheckHomotopic(75, 0.5625, 0);      /* 0-3 raised to 9/16; 1-4 and 2-5 already above */
  CheckHomotopic(97, 0.9475, 1e-14);  /* 0-3 and 2-5 raised; 1-4 (weight 1) kept */
  CheckHomotopic(100, 1.0, 0);        /* every homotopic link raised to the maximum */
  /* Regions without a partner (-1) are left alone. */
  Homotopic6(w0);
  memcpy(w, w0, sizeof(w));
  assert_int_equal(NMMatrixHomotopic(6, w, some, 75), 0);
  for (int k = 0; k < 36; k++) {
    if (k == 0 * 6 + 3 || k == 3 * 6 + 0) assert_true(w[k] == 0.5625);
    else assert_true(w[k] == w0[k]);
  }
  /* Percentile outside (0, 100]. */
  assert_int_not_equal(NMMatrixHomotopic(6, w, partner, 0), 0);
  assert_int_not_equal(NMMatrixHomotopic(6, w, partner, 101), 0);
}

static void ExpectPartners(PetscInt n, const char *const labels[], NMHomotopicPairing pairing, const PetscInt expected[])
{
  PetscInt partner[16];

  assert_true(n <= 16);
  assert_int_equal(NMHomotopicPartners(n, labels, pairing, partner), 0);
  for (PetscInt i = 0; i < n; i++) {
    if (partner[i] != expected[i]) fail_msg("region %d (%s): partner %d, expected %d", (int)i, labels ? labels[i] : "-", (int)partner[i], (int)expected[i]);
  }
}

/* Partners from labels in the naming schemes of the atlases netmass reads. */
static void test_homotopic_partners_labels(void **state)
{
  /* TVB 68 (Desikan-Killiany): right hemisphere first, "r_"/"l_" prefixes. */
  const char *const tvb68[]     = {"r_bankssts", "r_insula", "r_precuneus", "l_bankssts", "l_insula", "l_precuneus"};
  const PetscInt    tvb68_ex[]  = {3, 4, 5, 0, 1, 2};
  /* TVB 998: one lower-case hemisphere letter glued to an upper-case abbreviation. */
  const char *const tvb998[]    = {"rLOF", "rPCUN", "lPCUN", "lLOF"};
  const PetscInt    tvb998_ex[] = {3, 2, 1, 0};
  /* FreeSurfer-style "lh_"/"rh_". */
  const char *const fs[]        = {"lh_precentral", "lh_cuneus", "rh_cuneus", "rh_precentral"};
  const PetscInt    fs_ex[]     = {3, 2, 1, 0};
  /* FreeSurfer aseg-style "Left-"/"Right-". */
  const char *const aseg[]      = {"Left-Thalamus", "Left-Putamen", "Right-Putamen", "Right-Thalamus"};
  const PetscInt    aseg_ex[]   = {3, 2, 1, 0};
  /* AAL-style suffixes; the midline vermis has no hemisphere and no partner. */
  const char *const aal[]       = {"Precentral_L", "Precentral_R", "Frontal_Sup_L", "Vermis_3", "Frontal_Sup_R"};
  const PetscInt    aal_ex[]    = {1, 0, 4, -1, 2};
  /* A region marked as left whose right twin is missing gets no partner either. */
  const char *const lone[]      = {"lh_a", "rh_a", "lh_b"};
  const PetscInt    lone_ex[]   = {1, 0, -1};

  (void)state;
  ExpectPartners(6, tvb68, NM_HOMOTOPIC_LABELS, tvb68_ex);
  ExpectPartners(4, tvb998, NM_HOMOTOPIC_LABELS, tvb998_ex);
  ExpectPartners(4, fs, NM_HOMOTOPIC_LABELS, fs_ex);
  ExpectPartners(4, aseg, NM_HOMOTOPIC_LABELS, aseg_ex);
  ExpectPartners(5, aal, NM_HOMOTOPIC_LABELS, aal_ex);
  ExpectPartners(3, lone, NM_HOMOTOPIC_LABELS, lone_ex);
}

static void test_homotopic_partners_position(void **state)
{
  const PetscInt    halves[6]      = {3, 4, 5, 0, 1, 2};
  const PetscInt    interleaved[6] = {1, 0, 3, 2, 5, 4};
  const char *const plain[]        = {"frontal", "occipital", "parietal", "temporal"};
  PetscInt          partner[6];

  (void)state;
  ExpectPartners(6, NULL, NM_HOMOTOPIC_HALVES, halves);
  ExpectPartners(6, NULL, NM_HOMOTOPIC_INTERLEAVED, interleaved);
  /* No hemisphere markers at all: labels mode cannot pair anything. */
  assert_int_not_equal(NMHomotopicPartners(4, plain, NM_HOMOTOPIC_LABELS, partner), 0);
  /* Pairing by position needs an even number of regions. */
  assert_int_not_equal(NMHomotopicPartners(5, NULL, NM_HOMOTOPIC_HALVES, partner), 0);
  assert_int_not_equal(NMHomotopicPartners(5, NULL, NM_HOMOTOPIC_INTERLEAVED, partner), 0);
}

/* A symmetric, sparse 8 x 8 matrix with a zero diagonal; the small entries (0.01
   against max 1) are clipped at 0 whenever eps * max * A < -0.01. */
static void SparseSymmetric(PetscReal w[64])
{
  memset(w, 0, 64 * sizeof(PetscReal));
  for (int i = 0; i < 8; i++)
    for (int j = i + 1; j < 8; j++)
      if ((i + 2 * j) % 3) w[i * 8 + j] = w[j * 8 + i] = (i + j) % 4 == 0 ? 0.01 : 0.1 * (1 + (i * j) % 10);
}

static void test_perturb(void **state)
{
  PetscReal w0[64], w[64], a[64], b[64], max0 = 0, max = 0;
  PetscInt  changed = 0, zeros = 0;

  (void)state;
  SparseSymmetric(w0);
  for (int k = 0; k < 64; k++) {
    max0 = fmax(max0, w0[k]);
    if (w0[k] == 0) zeros++;
  }
  assert_true(zeros > 8 && zeros < 64); /* sparse, but not empty */

  /* eps = 0 is the identity. */
  memcpy(w, w0, sizeof(w));
  assert_int_equal(NMMatrixPerturb(8, w, 0, 1, 0), 0);
  assert_memory_equal(w, w0, sizeof(w));

  memcpy(w, w0, sizeof(w));
  assert_int_equal(NMMatrixPerturb(8, w, 0.1, 1, 0), 0);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) {
      PetscReal v = w[i * 8 + j];
      assert_true(v == w[j * 8 + i]);          /* one draw per unordered pair: still symmetric */
      if (w0[i * 8 + j] == 0) assert_true(v == 0); /* no tract invented */
      assert_true(v >= 0);
      max = fmax(max, v);
      if (v != w0[i * 8 + j]) changed++;
    }
  assert_near(max, max0, 1e-14); /* rescaled to the original maximum */
  assert_true(changed > 0);

  /* Reproducible per (seed, stream); another stream or seed draws other noise. */
  memcpy(a, w0, sizeof(a));
  memcpy(b, w0, sizeof(b));
  assert_int_equal(NMMatrixPerturb(8, a, 0.1, 1, 0), 0);
  assert_memory_equal(a, w, sizeof(a));
  assert_int_equal(NMMatrixPerturb(8, b, 0.1, 1, 1), 0);
  assert_memory_not_equal(a, b, sizeof(a));
  memcpy(b, w0, sizeof(b));
  assert_int_equal(NMMatrixPerturb(8, b, 0.1, 2, 0), 0);
  assert_memory_not_equal(a, b, sizeof(a));

  assert_int_not_equal(NMMatrixPerturb(8, b, -0.1, 1, 0), 0);
}

/* Per-row z-scoring: mean 0 and population variance 1 (numpy.std's ddof = 0). */
static void test_zscore(void **state)
{
  enum { N = 3, T = 50 };
  PetscReal x[N * T], y[5] = {1, 2, 3, 4, 5}, c[2 * 4] = {1, 2, 3, 4, 2, 2, 2, 2};

  (void)state;
  for (int k = 0; k < T; k++) {
    x[k]         = sin(0.3 * k) + 0.1 * k;
    x[T + k]     = 5 * x[k] + 7; /* an affine image of row 0: identical z-scores */
    x[2 * T + k] = 1e3 + cos(1.7 * k) * k;
  }
  assert_int_equal(NMTimeSeriesZScore(N, T, x), 0);
  for (int i = 0; i < N; i++) {
    double mean = 0, var = 0;
    for (int k = 0; k < T; k++) mean += x[i * T + k];
    mean /= T;
    for (int k = 0; k < T; k++) var += (x[i * T + k] - mean) * (x[i * T + k] - mean);
    var /= T;
    assert_near(mean, 0, 1e-12);
    assert_near(var, 1, 1e-12);
  }
  for (int k = 0; k < T; k++) assert_near(x[T + k], x[k], 1e-12);

  /* By hand: 1..5 has mean 3 and population variance 2. */
  assert_int_equal(NMTimeSeriesZScore(1, 5, y), 0);
  for (int k = 0; k < 5; k++) assert_near(y[k], (k - 2) / sqrt(2.0), 1e-15);

  /* A constant row has no scale. */
  assert_int_not_equal(NMTimeSeriesZScore(2, 4, c), 0);
  /* 0.1 is not representable: the computed mean differs from the entries and the
     computed variance is ~1e-33, not 0; the row must still count as constant. */
  {
    PetscReal tenth[10];
    for (int k = 0; k < 10; k++) tenth[k] = 0.1;
    assert_int_not_equal(NMTimeSeriesZScore(1, 10, tenth), 0);
  }
}

/* The provenance text: "none" when no step is enabled, else the enabled steps in
   the order they are applied. */
static void test_describe(void **state)
{
  NMPreprocess pp;
  char         text[256];
  const char  *zd, *sy, *zs;

  (void)state;
  memset(&pp, 0, sizeof(pp));
  pp.log_q = -3;
  assert_int_equal(NMPreprocessDescribe(&pp, text, sizeof(text)), 0);
  assert_string_equal(text, "none");
  pp.zero_diagonal = PETSC_TRUE;
  pp.symmetrize    = PETSC_TRUE;
  pp.zscore        = PETSC_TRUE;
  assert_int_equal(NMPreprocessDescribe(&pp, text, sizeof(text)), 0);
  /* The steps enabled, in the order they are applied, and nothing else. */
  zd = strstr(text, "zero_diagonal");
  sy = strstr(text, "symmetrize");
  zs = strstr(text, "zscore");
  assert_non_null(zd);
  assert_non_null(sy);
  assert_non_null(zs);
  assert_true(zd < sy && sy < zs);
  assert_null(strstr(text, "none"));
  assert_null(strstr(text, "log_scale"));
  assert_null(strstr(text, "homotopic"));
  assert_null(strstr(text, "perturb"));
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_zero_diagonal),
    cmocka_unit_test(test_symmetrize),
    cmocka_unit_test(test_normalize_max),
    cmocka_unit_test(test_log_scale),
    cmocka_unit_test(test_homotopic),
    cmocka_unit_test(test_homotopic_partners_labels),
    cmocka_unit_test(test_homotopic_partners_position),
    cmocka_unit_test(test_perturb),
    cmocka_unit_test(test_zscore),
    cmocka_unit_test(test_describe),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
