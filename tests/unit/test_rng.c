/* Unit tests of the Philox4x32-10 random numbers (src/rng_philox.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <netmass/rng.h>

typedef struct {
  uint32_t ctr[4];
  uint32_t key[2];
  uint32_t expected[4];
} KAT;

/* Known answers for Philox4x32 with 10 rounds.

   The first three are the standard vectors of the Random123 distribution's
   kat_vectors file (lines "philox4x32 10 CTR[4] KEY[2] EXPECTED[4]"), as
   reproduced by D. E. Shaw Research in
   github.com/DEShawResearch/Random123-Boost, libs/random/test/test_philox.cpp
   ("The KAT vectors are cut-and-pasted from the kat_vectors file in the
   original Random123 distribution").

   The last three are from the extended kat_vectors file of the Random123
   documentation/examples as mirrored in github.com/girving/random123-manual,
   examples/kat_vectors. They put single set bits in counter word 0 and in
   each key word, so they pin down the word order of counter and key. */
static const KAT kats[] = {
  {{0x00000000, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000000}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
  {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
  {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}, {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  {{0x00000001, 0x00000000, 0x00000000, 0x00000000}, {0x00000001, 0x00000000}, {0xac08141b, 0xdfc5ccbe, 0x79c07a47, 0xa7f66093}},
  {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0x00000001, 0x00000000}, {0x38527b8f, 0xfad9a48c, 0x20e675c0, 0xf2fea26a}},
  {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0x00000000, 0x80000000}, {0x63675d2c, 0x422d7c4d, 0x3145d30d, 0x3bce33a4}},
};

static void test_philox_known_answers(void **state)
{
  (void)state;
  for (size_t t = 0; t < sizeof(kats) / sizeof(kats[0]); t++) {
    NMPhiloxCounter ctr;
    NMPhiloxKey     key;
    uint32_t        out[4];

    memcpy(ctr.v, kats[t].ctr, sizeof(ctr.v));
    memcpy(key.v, kats[t].key, sizeof(key.v));
    NMPhilox4x32_10(&ctr, &key, out);
    for (int i = 0; i < 4; i++) {
      if (out[i] != kats[t].expected[i]) print_error("KAT %zu word %d: got %08x, expected %08x\n", t, i, (unsigned)out[i], (unsigned)kats[t].expected[i]);
      assert_int_equal(out[i], kats[t].expected[i]);
    }
    /* In-place evaluation gives the same answer. */
    NMPhilox4x32_10(&ctr, &key, ctr.v);
    assert_memory_equal(ctr.v, kats[t].expected, sizeof(ctr.v));
  }
}

/* The stream layout documented in rng.h (seed halves -> key, step -> counter
   words 0-1, a, b -> words 2-3), checked against the pi-digits vector. */
static void test_stream_layout(void **state)
{
  NMRandomStream s;
  double         u[4];
  const KAT     *k = &kats[2];

  (void)state;
  NMRandomStreamInit(&s, ((uint64_t)k->key[1] << 32) | k->key[0], k->ctr[2], k->ctr[3]);
  assert_int_equal(s.key.v[0], k->key[0]);
  assert_int_equal(s.key.v[1], k->key[1]);
  NMRandomUniform4(&s, ((uint64_t)k->ctr[1] << 32) | k->ctr[0], u);
  for (int i = 0; i < 4; i++) assert_true(u[i] == ((double)k->expected[i] + 0.5) / 4294967296.0);
}

static int SameBits(const double a[4], const double b[4])
{
  return memcmp(a, b, 4 * sizeof(double)) == 0;
}

/* Outputs are a pure function of (seed, a, b, step); changing any one of them
   changes the output. */
static void test_stream_independence(void **state)
{
  const uint64_t seed = 20240611u, step = 7;
  const uint32_t a = 12, b = 3;
  NMRandomStream s, t;
  double         u[4], v[4], z[4], w[4];

  (void)state;
  NMRandomStreamInit(&s, seed, a, b);
  NMRandomStreamInit(&t, seed, a, b);
  NMRandomUniform4(&s, step, u);
  NMRandomUniform4(&t, step, v);
  assert_true(SameBits(u, v));
  NMRandomUniform4(&s, step, v); /* no hidden state: a repeat call agrees */
  assert_true(SameBits(u, v));
  NMRandomNormal4(&s, step, z);
  NMRandomNormal4(&t, step, w);
  assert_true(SameBits(z, w));

  struct {
    uint64_t seed, step;
    uint32_t a, b;
  } other[] = {
    {seed + 1, step, a, b},                     /* low seed word */
    {seed + (UINT64_C(1) << 32), step, a, b},  /* high seed word */
    {seed, step, a + 1, b},                     /* stream id a */
    {seed, step, a, b + 1},                     /* stream id b */
    {seed, step + 1, a, b},                     /* low step word */
    {seed, step + (UINT64_C(1) << 32), a, b},  /* high step word */
    {seed, step, b, a},                         /* a and b are not interchangeable */
  };
  for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
    NMRandomStreamInit(&t, other[i].seed, other[i].a, other[i].b);
    NMRandomUniform4(&t, other[i].step, v);
    for (int j = 0; j < 4; j++) assert_true(v[j] != u[j]);
    NMRandomNormal4(&t, other[i].step, w);
    assert_false(SameBits(z, w));
  }
}

#define NSAMPLES 1000000 /* a multiple of 4 */
#define NSIGMA   5.0

/* Welford's running mean and variance. */
typedef struct {
  double n, mean, m2;
} Moments;

static void MomentsAdd(Moments *m, double x)
{
  const double d = x - m->mean;

  m->n += 1.0;
  m->mean += d / m->n;
  m->m2 += d * (x - m->mean);
}

static double MomentsVariance(const Moments *m)
{
  return m->m2 / (m->n - 1.0);
}

static void CheckWithin(const char *what, double got, double expected, double stderr_)
{
  const double dev = fabs(got - expected) / stderr_;

  print_message("  %-22s %.6f (expected %.6f, %.2f standard errors)\n", what, got, expected, dev);
  assert_true(dev < NSIGMA);
}

/* Mean 1/2 and variance 1/12 of U(0,1). Standard errors for N samples:
   mean sqrt(sigma^2/N); variance sqrt((mu4 - sigma^4)/N) with
   mu4 = E(U-1/2)^4 = 1/80, i.e. sqrt((1/80 - 1/144)/N) = sqrt(1/(180 N)). */
static void test_uniform_statistics(void **state)
{
  NMRandomStream s;
  Moments        m = {0, 0, 0};
  const double   N = NSAMPLES;
  double         umin = 1.0, umax = 0.0;

  (void)state;
  NMRandomStreamInit(&s, 42, 1, 2);
  for (uint64_t step = 0; step < NSAMPLES / 4; step++) {
    double u[4];

    NMRandomUniform4(&s, step, u);
    for (int i = 0; i < 4; i++) {
      assert_true(u[i] > 0.0 && u[i] < 1.0);
      if (u[i] < umin) umin = u[i];
      if (u[i] > umax) umax = u[i];
      MomentsAdd(&m, u[i]);
    }
  }
  print_message("  uniform min %.3g, 1 - max %.3g\n", umin, 1.0 - umax);
  CheckWithin("uniform mean", m.mean, 0.5, sqrt(1.0 / 12.0 / N));
  CheckWithin("uniform variance", MomentsVariance(&m), 1.0 / 12.0, sqrt(1.0 / 180.0 / N));
}

/* Mean 0 and variance 1 of N(0,1): standard errors sqrt(1/N) and
   sqrt((mu4 - 1)/N) = sqrt(2/N). P(|z| < 1) = erf(1/sqrt 2) = 0.6827, binomial
   standard error sqrt(p(1-p)/N). */
static void test_normal_statistics(void **state)
{
  NMRandomStream s;
  Moments        m = {0, 0, 0};
  const double   N = NSAMPLES, p = erf(1.0 / sqrt(2.0));
  double         inside = 0.0;

  (void)state;
  NMRandomStreamInit(&s, 42, 5, 9);
  for (uint64_t step = 0; step < NSAMPLES / 4; step++) {
    double z[4];

    NMRandomNormal4(&s, step, z);
    for (int i = 0; i < 4; i++) {
      assert_true(isfinite(z[i]));
      MomentsAdd(&m, z[i]);
      if (fabs(z[i]) < 1.0) inside += 1.0;
    }
  }
  CheckWithin("normal mean", m.mean, 0.0, sqrt(1.0 / N));
  CheckWithin("normal variance", MomentsVariance(&m), 1.0, sqrt(2.0 / N));
  CheckWithin("normal P(|z|<1)", inside / N, p, sqrt(p * (1.0 - p) / N));
}

/* NMRandomNormalFill(first_step, n) is NMRandomNormal4 at first_step,
   first_step + 1, ... laid end to end, truncated to n. */
static void test_normal_fill(void **state)
{
  NMRandomStream s;
  const size_t   ns[]  = {0, 1, 2, 3, 4, 5, 10, 11, 13};
  const uint64_t firsts[] = {0, 17, UINT64_C(0xfffffffe)}; /* the last crosses into counter word 1 */

  (void)state;
  NMRandomStreamInit(&s, UINT64_C(0x0123456789abcdef), 77, 4);
  for (size_t f = 0; f < sizeof(firsts) / sizeof(firsts[0]); f++) {
    for (size_t c = 0; c < sizeof(ns) / sizeof(ns[0]); c++) {
      const size_t n = ns[c];
      double       z[16 + 1], ref[16];

      for (size_t k = 0; k < (n + 3) / 4; k++) NMRandomNormal4(&s, firsts[f] + k, &ref[4 * k]);
      z[n] = -12345.0; /* sentinel: nothing written past z[n-1] */
      NMRandomNormalFill(&s, firsts[f], n, z);
      for (size_t i = 0; i < n; i++) assert_true(memcmp(&z[i], &ref[i], sizeof(double)) == 0);
      assert_true(z[n] == -12345.0);
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_philox_known_answers), cmocka_unit_test(test_stream_layout),     cmocka_unit_test(test_stream_independence),
    cmocka_unit_test(test_uniform_statistics),   cmocka_unit_test(test_normal_statistics), cmocka_unit_test(test_normal_fill),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
