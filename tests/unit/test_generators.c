/* Unit tests of the built-in connectome generators (src/connectome_generators.c):
   the ring of González-Mitjans et al. (NN, small-world, fully connected) and the
   random geometric network with the exponential distance rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"

#include <math.h>
#include <string.h>

#include <netmass/generators.h>
#include <netmass/sys.h>

/* Ring distance between columns i and j of a ring of n. */
static PetscInt RingDistance(PetscInt n, PetscInt i, PetscInt j)
{
  PetscInt d = i > j ? i - j : j - i;
  return d < n - d ? d : n - d;
}

static NMConnectome MakeRing(PetscInt n, PetscInt ns, PetscReal p_long, PetscReal w_long, PetscInt64 seed)
{
  NMRingParams p    = {.n = n, .neighbours = ns, .decay = 8, .p_long = p_long, .w_long = w_long, .circumference = 300};
  NMConnectome conn = NULL;
  assert_int_equal(NMGenerateRing(PETSC_COMM_WORLD, &p, seed, &conn), 0);
  assert_non_null(conn);
  return conn;
}

/* Weights and tract lengths symmetric (to the bit: the generator writes both
   triangles from one value) and the weight diagonal zero. */
static void AssertSymmetricZeroDiagonal(PetscInt n, const PetscReal w[], const PetscReal l[])
{
  for (PetscInt i = 0; i < n; i++) {
    assert_true(w[i * n + i] == 0);
    for (PetscInt j = 0; j < n; j++) {
      assert_true(w[i * n + j] == w[j * n + i]);
      assert_true(l[i * n + j] == l[j * n + i]);
    }
  }
}

/* NN ring (p_long = 0): only the short-range kernel C_s. Every column is linked to
   its Ns neighbours on each side, so its degree is exactly 2 Ns; the weight at ring
   distance d is exp(-d/b); every pair's tract is the arc d * C/N; the columns lie
   on the circle of circumference C, i.e. radius C/(2 pi), in the z = 0 plane. */
static void test_ring_nearest_neighbours(void **state)
{
  const PetscInt  n = 60, ns = 10;
  const PetscReal decay = 8, circumference = 300, spacing = circumference / n, radius = circumference / (2 * PETSC_PI);
  NMConnectome    conn = MakeRing(n, ns, 0, 1, 1);
  PetscInt        size;
  PetscReal      *w, *l, *c;

  (void)state;
  assert_int_equal(NMConnectomeGetSize(conn, &size), 0);
  assert_int_equal(size, n);
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, &c), 0);
  AssertSymmetricZeroDiagonal(n, w, l);
  for (PetscInt i = 0; i < n; i++) {
    PetscInt degree = 0;
    for (PetscInt j = 0; j < n; j++) {
      PetscInt d = RingDistance(n, i, j);
      if (i != j && w[i * n + j] != 0) degree++;
      if (d >= 1 && d <= ns) assert_near(w[i * n + j], exp(-(double)d / decay), 1e-15);
      else assert_true(w[i * n + j] == 0);
      assert_near(l[i * n + j], d * spacing, 1e-12);
    }
    assert_int_equal(degree, 2 * ns);
    /* On the circle, in the plane z = 0. */
    assert_near(hypot(c[3 * i], c[3 * i + 1]), radius, 1e-12);
    assert_true(c[3 * i + 2] == 0);
  }
  /* Columns are placed in ring order: the straight-line distance between columns at
     ring distance d is the chord 2 R sin(pi d / N). */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      PetscReal dx = c[3 * i] - c[3 * j], dy = c[3 * i + 1] - c[3 * j + 1];
      assert_near(hypot(dx, dy), 2 * radius * sin(PETSC_PI * RingDistance(n, i, j) / n), 1e-10);
    }
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
  assert_null(conn);
}

/* Fully connected ring (p_long = 1): every farther pair gets a long-range link (u < 1
   always holds), so the degree is N - 1. Long-range weights are w_long * k/4 with
   k uniform on {3, 4, 5}: with w_long = 1 exactly 0.75, 1 or 1.25 (all exact in
   binary), each about a third of the time. */
static void test_ring_fully_connected(void **state)
{
  const PetscInt n = 60, ns = 10;
  NMConnectome   conn = MakeRing(n, ns, 1, 1, 7);
  PetscReal     *w, *l;
  PetscInt       count[3] = {0, 0, 0}, nlong = 0;

  (void)state;
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, NULL), 0);
  AssertSymmetricZeroDiagonal(n, w, l);
  for (PetscInt i = 0; i < n; i++) {
    PetscInt degree = 0;
    for (PetscInt j = 0; j < n; j++)
      if (j != i && w[i * n + j] > 0) degree++;
    assert_int_equal(degree, n - 1);
  }
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) {
      PetscReal v = w[i * n + j];
      if (RingDistance(n, i, j) <= ns) continue;
      nlong++;
      if (v == 0.75) count[0]++;
      else if (v == 1.0) count[1]++;
      else if (v == 1.25) count[2]++;
      else fail_msg("long-range weight %g of pair (%d, %d) is not w_long * k/4, k in {3,4,5}", (double)v, (int)i, (int)j);
    }
  /* N (N - 1 - 2 Ns) / 2 pairs lie beyond the short range. */
  assert_int_equal(nlong, n * (n - 1 - 2 * ns) / 2);
  for (int k = 0; k < 3; k++) {
    /* Binomial(nlong, 1/3): within 5 standard deviations (also proves every value occurs). */
    double mean = nlong / 3.0, sd = sqrt(nlong * (1.0 / 3) * (2.0 / 3));
    assert_true(count[k] > 0);
    assert_true(fabs(count[k] - mean) < 5 * sd);
  }
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

/* Small-world ring: each of the pairs beyond Ns is linked independently with
   probability p, so the number of long-range links is Binomial(pairs, p). */
static void test_ring_small_world(void **state)
{
  const PetscInt  n = 400, ns = 66;
  const PetscReal p = 0.05, w_long = 0.5;
  NMConnectome    conn = MakeRing(n, ns, p, w_long, 2024);
  PetscReal      *w, *l;
  PetscInt        pairs = 0, links = 0;
  double          mean, sd;

  (void)state;
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, NULL), 0);
  AssertSymmetricZeroDiagonal(n, w, l);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) {
      PetscInt d = RingDistance(n, i, j);
      if (d <= ns) {
        assert_near(w[i * n + j], exp(-d / 8.0), 1e-15); /* short range untouched by p */
        continue;
      }
      pairs++;
      if (w[i * n + j] != 0) {
        PetscReal k = 4 * w[i * n + j] / w_long;
        assert_true(k == 3 || k == 4 || k == 5);
        links++;
      }
    }
  assert_int_equal(pairs, n * (n - 1 - 2 * ns) / 2); /* 53400 */
  mean = p * pairs;
  sd   = sqrt(pairs * p * (1 - p));
  if (fabs(links - mean) >= 5 * sd) fail_msg("%d long-range links, expected %.1f +- %.1f", (int)links, mean, sd);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

/* The network is a pure function of the seed: the same seed reproduces every array
   bit for bit, another seed changes the random long-range links (and only them). */
static void test_ring_seed(void **state)
{
  const PetscInt n = 200, ns = 20;
  NMConnectome   a = MakeRing(n, ns, 0.1, 1, 11), b = MakeRing(n, ns, 0.1, 1, 11), c = MakeRing(n, ns, 0.1, 1, 12);
  PetscReal     *wa, *la, *ca, *wb, *lb, *cb, *wc;
  PetscInt       differ = 0;

  (void)state;
  assert_int_equal(NMConnectomeGetArrays(a, &wa, &la, &ca), 0);
  assert_int_equal(NMConnectomeGetArrays(b, &wb, &lb, &cb), 0);
  assert_int_equal(NMConnectomeGetArrays(c, &wc, NULL, NULL), 0);
  assert_memory_equal(wa, wb, sizeof(PetscReal) * n * n);
  assert_memory_equal(la, lb, sizeof(PetscReal) * n * n);
  assert_memory_equal(ca, cb, sizeof(PetscReal) * n * 3);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) {
      if (RingDistance(n, i, j) <= ns) assert_true(wa[i * n + j] == wc[i * n + j]);
      else if ((wa[i * n + j] != 0) != (wc[i * n + j] != 0)) differ++;
    }
  /* ~1700 long pairs at p = 0.1: two independent draws disagree on ~18% of them. */
  assert_true(differ > 100);
  assert_int_equal(NMConnectomeDestroy(&a), 0);
  assert_int_equal(NMConnectomeDestroy(&b), 0);
  assert_int_equal(NMConnectomeDestroy(&c), 0);
}

/* Random geometric network: positions uniform in the ball, tract lengths the
   Euclidean distances, weights uniform in [0.5, 1.5], and a pair at distance d
   linked with probability exp(-d/lambda). */
static void test_geometric(void **state)
{
  const PetscInt     n = 300;
  const PetscReal    radius = 70, lambda = 20, bin = 10;
  NMGeometricParams  p = {.n = n, .radius = radius, .lambda = lambda};
  NMConnectome       conn = NULL, again = NULL;
  PetscReal         *w, *l, *c, *w2;
  PetscInt           inner = 0, checked = 0;
  PetscInt           npairs[8] = {0}, nlinked[8] = {0};
  double             psum[8] = {0}, pvar[8] = {0};

  (void)state;
  assert_int_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &p, 5, &conn), 0);
  assert_int_equal(NMConnectomeGetArrays(conn, &w, &l, &c), 0);
  AssertSymmetricZeroDiagonal(n, w, l);
  for (PetscInt i = 0; i < n; i++) {
    PetscReal r = sqrt(c[3 * i] * c[3 * i] + c[3 * i + 1] * c[3 * i + 1] + c[3 * i + 2] * c[3 * i + 2]);
    assert_true(r <= radius);
    if (r < radius / 2) inner++;
    for (PetscInt j = 0; j < n; j++) {
      PetscReal dx = c[3 * i] - c[3 * j], dy = c[3 * i + 1] - c[3 * j + 1], dz = c[3 * i + 2] - c[3 * j + 2];
      assert_near(l[i * n + j], sqrt(dx * dx + dy * dy + dz * dz), 1e-12);
      if (w[i * n + j] != 0) assert_true(w[i * n + j] >= 0.5 && w[i * n + j] <= 1.5);
    }
  }
  /* Uniform in the ball: P(r < R/2) = 1/8; Binomial(300, 1/8) within 5 sd. */
  assert_true(fabs(inner - n / 8.0) < 5 * sqrt(n * (1.0 / 8) * (7.0 / 8)));

  /* Distance rule: per 10 mm distance bin up to 80 mm, the linked fraction matches the
     bin average of exp(-d/lambda). The count of links in a bin is a sum of independent
     Bernoulli(p_k), variance sum p_k (1 - p_k); allow 5 standard errors. */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) {
      PetscReal d = l[i * n + j], pk = exp(-d / lambda);
      PetscInt  b = (PetscInt)(d / bin);
      if (b >= 8) continue;
      npairs[b]++;
      psum[b] += pk;
      pvar[b] += pk * (1 - pk);
      if (w[i * n + j] != 0) nlinked[b]++;
    }
  for (int b = 0; b < 8; b++) {
    if (npairs[b] < 200) continue;
    checked++;
    if (fabs(nlinked[b] - psum[b]) >= 5 * sqrt(pvar[b]))
      fail_msg("bin [%g, %g) mm: %d of %d pairs linked, expected %.1f +- %.1f", b * bin, (b + 1) * bin, (int)nlinked[b], (int)npairs[b], psum[b], sqrt(pvar[b]));
  }
  assert_true(checked >= 5); /* the kernel was really tested over most of its range */

  /* Same seed, same network. */
  assert_int_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &p, 5, &again), 0);
  assert_int_equal(NMConnectomeGetArrays(again, &w2, NULL, NULL), 0);
  assert_memory_equal(w, w2, sizeof(PetscReal) * n * n);
  assert_int_equal(NMConnectomeDestroy(&again), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

/* Invalid parameters are rejected before anything is allocated. */
static void test_bad_parameters(void **state)
{
  NMConnectome      conn = NULL;
  NMRingParams      good = {.n = 10, .neighbours = 2, .decay = 8, .p_long = 0.1, .w_long = 1, .circumference = 100}, p;
  NMGeometricParams g    = {.n = 10, .radius = 0, .lambda = 20};

  (void)state;
  p   = good;
  p.n          = 2; /* a ring needs at least 3 columns */
  p.neighbours = 1;
  assert_int_not_equal(NMGenerateRing(PETSC_COMM_WORLD, &p, 1, &conn), 0);
  p            = good;
  p.neighbours = 6; /* > N/2 = 5 */
  assert_int_not_equal(NMGenerateRing(PETSC_COMM_WORLD, &p, 1, &conn), 0);
  p       = good;
  p.decay = -1;
  assert_int_not_equal(NMGenerateRing(PETSC_COMM_WORLD, &p, 1, &conn), 0);
  p        = good;
  p.p_long = 1.5;
  assert_int_not_equal(NMGenerateRing(PETSC_COMM_WORLD, &p, 1, &conn), 0);
  assert_int_not_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &g, 1, &conn), 0);
  g.radius = -5;
  assert_int_not_equal(NMGenerateGeometric(PETSC_COMM_WORLD, &g, 1, &conn), 0);
  assert_null(conn);
  /* The boundary values themselves are valid: neighbours = N/2 and p_long = 1. */
  p            = good;
  p.neighbours = 5;
  p.p_long     = 1;
  assert_int_equal(NMGenerateRing(PETSC_COMM_WORLD, &p, 1, &conn), 0);
  assert_int_equal(NMConnectomeDestroy(&conn), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ring_nearest_neighbours),
    cmocka_unit_test(test_ring_fully_connected),
    cmocka_unit_test(test_ring_small_world),
    cmocka_unit_test(test_ring_seed),
    cmocka_unit_test(test_geometric),
    cmocka_unit_test(test_bad_parameters),
  };
  int result;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  result = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return result;
}
