#pragma once
/* netmass random numbers: the counter-based generator Philox4x32-10.

   Reference: J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw,
   "Parallel random numbers: as easy as 1, 2, 3", Proceedings of the
   International Conference for High Performance Computing, Networking,
   Storage and Analysis (SC'11), 2011, doi:10.1145/2063384.2063405.

   Why a counter-based generator: a conventional generator carries state that
   advances with every draw, so which number a subject receives depends on how
   many numbers were drawn before it, i.e. on how the work was split across MPI
   ranks. Philox is instead a keyed bijection of a 128-bit counter: every random
   number is a pure function of (seed, stream ids, step). Any rank can compute
   the number belonging to (subject, region, time step) directly, with no state,
   no communication and no skip-ahead, and the results of a run are identical
   for every number of ranks and every partition.

   Philox4x32-10 passes TestU01 BigCrush (Salmon et al. 2011) and has a period
   of 2^128 per key. Each evaluation yields four 32-bit words. This
   implementation is written from the algorithm description in the paper and
   is checked against the known-answer vectors published with the authors'
   Random123 library.

   Everything here is thread-safe and has no global state. */
#include <stdint.h>
#include <stddef.h> /* size_t, for NMRandomNormalFill() */

/* The 128-bit Philox counter, four 32-bit words, and the 64-bit key, two words. */
typedef struct {
  uint32_t v[4];
} NMPhiloxCounter;

typedef struct {
  uint32_t v[2];
} NMPhiloxKey;

/* The raw Philox4x32-10 bijection: out = Philox_key(ctr), 10 rounds.
   Round (x0,x1,x2,x3) with round key (k0,k1):
     (hi0,lo0) = 0xD2511F53 * x0,  (hi1,lo1) = 0xCD9E8D57 * x2   (32x32->64 bit products)
     (x0,x1,x2,x3) <- (hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0)
   and between rounds the key is bumped by the Weyl constants:
     k0 += 0x9E3779B9, k1 += 0xBB67AE85 (mod 2^32).
   Word order matches the Random123 known-answer vectors (ctr->v[0] is the
   first word listed). `out` may be ctr->v (in-place evaluation). */
void NMPhilox4x32_10(const NMPhiloxCounter *ctr, const NMPhiloxKey *key, uint32_t out[4]);

/* A random stream identified by (seed, a, b), e.g. a = subject, b = region.
   The key holds the 64-bit seed (v[0] = low 32 bits, v[1] = high 32 bits);
   a and b go in counter words 2 and 3, and the 64-bit step counter in words 0
   (low) and 1 (high). Distinct (seed, a, b, step) thus map to distinct
   counter/key pairs and hence to unrelated outputs, while a stream never
   repeats within 2^64 steps. */
typedef struct {
  NMPhiloxKey key;
  uint32_t    a, b;
} NMRandomStream;

/* Set up stream (seed, a, b). Cheap (no generator work); streams may be created
   on the fly wherever a number is needed. */
void NMRandomStreamInit(NMRandomStream *s, uint64_t seed, uint32_t a, uint32_t b);

/* Four uniforms in the open interval (0,1) from counter `step`:
   u[i] = (x[i] + 0.5) * 2^-32 for each 32-bit output word x[i]. The half-step
   offset keeps 0 and 1 out (smallest 2^-33, largest 1 - 2^-33, both exact in
   double), so log(u) and similar transforms are always finite. */
void NMRandomUniform4(const NMRandomStream *s, uint64_t step, double u[4]);

/* Four independent standard normal variates from counter `step`, by the
   Box-Muller transform on the uniform pairs (u0,u1) and (u2,u3):
     z0 = r cos(theta), z1 = r sin(theta), r = sqrt(-2 ln u0), theta = 2 pi u1,
   and likewise z2, z3 from (u2,u3). Box-Muller is exact (not an approximation
   of the normal distribution) and, unlike rejection methods, uses a fixed
   number of uniforms per variate, which is what keeps each variate a pure
   function of its counter. */
void NMRandomNormal4(const NMRandomStream *s, uint64_t step, double z[4]);

/* Fill z[0..n-1] with standard normals from counters first_step,
   first_step + 1, ...: z[4k .. 4k+3] = NMRandomNormal4(s, first_step + k).
   A partial last block (n not a multiple of 4) uses the first entries of its
   block and discards the rest.

   NOTE: `first_step` counts counters (blocks of 4 normals), not normals. A
   caller that needs n normals per time step t must not pass first_step = t,
   or consecutive time steps would share counters; it should use e.g.
   first_step = t * ((n + 3) / 4), or give each time step its own stream id. */
void NMRandomNormalFill(const NMRandomStream *s, uint64_t first_step, size_t n, double z[]);
