#pragma once
/* Helpers of the gradient-checking unit tests (test_nn_grad.c, test_elbo_grad.c):
   deterministic random inputs and central differences. */
#include <math.h>
#include <stdint.h>

/* Deterministic uniform numbers in [-1, 1) (64-bit LCG, Knuth's MMIX constants). */
static inline double nm_uniform(uint64_t *s)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) * 0x1.0p-52 - 1;
}

static inline void nm_fill(uint64_t *s, int n, double scale, double *x)
{
  for (int k = 0; k < n; k++) x[k] = scale * nm_uniform(s);
}

/* max |analytic - fd| / max |fd| over a block */
static inline double nm_blockerr(int n, const double *an, const double *fd)
{
  double d = 0, m = 0;
  for (int k = 0; k < n; k++) {
    d = fmax(d, fabs(an[k] - fd[k]));
    m = fmax(m, fabs(fd[k]));
  }
  return d / m;
}

/* Central difference (step 1e-5) of the expression `expr` with respect to x[k], into fd[k],
   for k < n; x is restored. */
#define NM_FD_ALL(n, x, fd, expr) \
  do { \
    for (int k_ = 0; k_ < (n); k_++) { \
      const double x0_ = (x)[k_], h_ = 1e-5; \
      (x)[k_]        = x0_ + h_; \
      double fp_     = (expr); \
      (x)[k_]        = x0_ - h_; \
      double fm_     = (expr); \
      (x)[k_]        = x0_; \
      (fd)[k_]       = (fp_ - fm_) / (2 * h_); \
    } \
  } while (0)
