/* Philox4x32-10 counter-based random numbers (Salmon et al., SC'11), written
   from the algorithm description in the paper; see include/netmass/rng.h. */
#include <netmass/rng.h>
#include <math.h>

/* Round multipliers and Weyl-sequence key increments of Philox4x32
   (the increments are the fractional parts of the golden ratio and of sqrt(3)). */
#define NM_PHILOX_M0 UINT32_C(0xD2511F53)
#define NM_PHILOX_M1 UINT32_C(0xCD9E8D57)
#define NM_PHILOX_W0 UINT32_C(0x9E3779B9)
#define NM_PHILOX_W1 UINT32_C(0xBB67AE85)
#define NM_PHILOX_ROUNDS 10

#define NM_TWO_PI   6.283185307179586476925286766559005768
#define NM_TWO_M32  (1.0 / 4294967296.0) /* 2^-32, exact */

/* High and low 32-bit halves of the full 64-bit product a*b. */
static inline void NMMulHiLo32(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo)
{
  const uint64_t p = (uint64_t)a * (uint64_t)b;

  *hi = (uint32_t)(p >> 32);
  *lo = (uint32_t)p;
}

/* One Philox4x32 round: two multiplications, the S-box of the design; the
   permutation (x0,x1,x2,x3) -> (hi1^x1^k0, lo1, hi0^x3^k1, lo0) mixes the
   products across the words. */
static inline void NMPhiloxRound(uint32_t x[4], const uint32_t k[2])
{
  uint32_t hi0, lo0, hi1, lo1;

  NMMulHiLo32(NM_PHILOX_M0, x[0], &hi0, &lo0);
  NMMulHiLo32(NM_PHILOX_M1, x[2], &hi1, &lo1);
  x[0] = hi1 ^ x[1] ^ k[0];
  x[1] = lo1;
  x[2] = hi0 ^ x[3] ^ k[1];
  x[3] = lo0;
}

/* The key schedule: a Weyl sequence, k += W (mod 2^32 per word). */
static inline void NMPhiloxBumpKey(uint32_t k[2])
{
  k[0] += NM_PHILOX_W0;
  k[1] += NM_PHILOX_W1;
}

void NMPhilox4x32_10(const NMPhiloxCounter *ctr, const NMPhiloxKey *key, uint32_t out[4])
{
  uint32_t x[4], k[2];

  for (int i = 0; i < 4; i++) x[i] = ctr->v[i];
  k[0] = key->v[0];
  k[1] = key->v[1];
  /* Round 1 uses the key itself; each later round uses the key bumped once more. */
  NMPhiloxRound(x, k);
  for (int r = 1; r < NM_PHILOX_ROUNDS; r++) {
    NMPhiloxBumpKey(k);
    NMPhiloxRound(x, k);
  }
  for (int i = 0; i < 4; i++) out[i] = x[i];
}

void NMRandomStreamInit(NMRandomStream *s, uint64_t seed, uint32_t a, uint32_t b)
{
  s->key.v[0] = (uint32_t)seed;
  s->key.v[1] = (uint32_t)(seed >> 32);
  s->a        = a;
  s->b        = b;
}

/* The raw output words of stream s at counter `step`. */
static inline void NMRandomStreamWords(const NMRandomStream *s, uint64_t step, uint32_t x[4])
{
  NMPhiloxCounter ctr;

  ctr.v[0] = (uint32_t)step;
  ctr.v[1] = (uint32_t)(step >> 32);
  ctr.v[2] = s->a;
  ctr.v[3] = s->b;
  NMPhilox4x32_10(&ctr, &s->key, x);
}

/* (x + 1/2) 2^-32 lies in [2^-33, 1 - 2^-33]; both the sum and the scaling are
   exact in double, so the result is never 0 or 1. */
static inline double NMWordToOpenUniform(uint32_t x)
{
  return ((double)x + 0.5) * NM_TWO_M32;
}

void NMRandomUniform4(const NMRandomStream *s, uint64_t step, double u[4])
{
  uint32_t x[4];

  NMRandomStreamWords(s, step, x);
  for (int i = 0; i < 4; i++) u[i] = NMWordToOpenUniform(x[i]);
}

/* Box-Muller: (u0, u1) uniform on (0,1)^2 -> two independent N(0,1). */
static inline void NMBoxMuller(double u0, double u1, double *z0, double *z1)
{
  const double r     = sqrt(-2.0 * log(u0));
  const double theta = NM_TWO_PI * u1;

  *z0 = r * cos(theta);
  *z1 = r * sin(theta);
}

void NMRandomNormal4(const NMRandomStream *s, uint64_t step, double z[4])
{
  double u[4];

  NMRandomUniform4(s, step, u);
  NMBoxMuller(u[0], u[1], &z[0], &z[1]);
  NMBoxMuller(u[2], u[3], &z[2], &z[3]);
}

void NMRandomNormalFill(const NMRandomStream *s, uint64_t first_step, size_t n, double z[])
{
  const size_t nfull = n / 4, rest = n % 4;
  size_t       k;

  for (k = 0; k < nfull; k++) NMRandomNormal4(s, first_step + (uint64_t)k, &z[4 * k]);
  if (rest) {
    /* only the Box-Muller pairs that are kept: the same values as NMRandomNormal4's
       first entries, without the logarithm and sine/cosine of an unused pair (a
       two-state node draws 2 normals per step) */
    double u[4], t[4];

    NMRandomUniform4(s, first_step + (uint64_t)nfull, u);
    NMBoxMuller(u[0], u[1], &t[0], &t[1]);
    if (rest > 2) NMBoxMuller(u[2], u[3], &t[2], &t[3]);
    for (size_t i = 0; i < rest; i++) z[4 * nfull + i] = t[i];
  }
}
