#include <netmass/dot.h>

/* GCC/Clang vector of four doubles: on the baseline target the compiler lowers it to
   pairs of SSE2 operations, under target("avx2") to single AVX operations; the
   arithmetic, lane by lane, is the same. */
typedef double NMv4 __attribute__((vector_size(32)));
/* the same for loads from any address (what GCC's own __m256d_u is) */
typedef double NMv4u __attribute__((vector_size(32), aligned(8), may_alias));
#define NMLoad4(p) (*(const NMv4u *)(p))

/* The one definition of the order of summation (see dot.h). */
static inline __attribute__((always_inline)) PetscReal NMDotBody(const PetscReal *restrict a, const PetscReal *restrict b, PetscInt n)
{
  NMv4      s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0, s;
  PetscReal tail = 0;
  PetscInt  i    = 0;

  for (; i + 16 <= n; i += 16) {
    s0 += NMLoad4(a + i) * NMLoad4(b + i);
    s1 += NMLoad4(a + i + 4) * NMLoad4(b + i + 4);
    s2 += NMLoad4(a + i + 8) * NMLoad4(b + i + 8);
    s3 += NMLoad4(a + i + 12) * NMLoad4(b + i + 12);
  }
  for (; i + 4 <= n; i += 4) s0 += NMLoad4(a + i) * NMLoad4(b + i);
  for (; i < n; i++) tail += a[i] * b[i];
  s = (s0 + s1) + (s2 + s3);
  return ((s[0] + s[1]) + (s[2] + s[3])) + tail;
}

PetscReal NMDotGeneric(const PetscReal *restrict a, const PetscReal *restrict b, PetscInt n)
{
  return NMDotBody(a, b, n);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* "avx2" only, not "fma": a fused multiply-add would round differently from the
   baseline copy. */
__attribute__((target("avx2"))) static PetscReal NMDotAVX2Impl(const PetscReal *restrict a, const PetscReal *restrict b, PetscInt n)
{
  return NMDotBody(a, b, n);
}

NMDotFn NMDotAVX2(void)
{
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? NMDotAVX2Impl : NULL;
}
#else
NMDotFn NMDotAVX2(void)
{
  return NULL;
}
#endif

NMDotFn NMDotSelect(PetscBool simd)
{
  NMDotFn f = simd ? NMDotAVX2() : NULL;
  return f ? f : NMDotGeneric;
}
