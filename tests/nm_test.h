#pragma once
/* Shared helpers of the netmass test programs (cmocka 1.1.5 has no float asserts). */
#include <math.h>

/* |a - b| <= tol, printing both values when it fails. */
#define assert_near(a, b, tol) \
  do { \
    double a_ = (double)(a), b_ = (double)(b); \
    if (!(fabs(a_ - b_) <= (double)(tol))) fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #a, a_, b_, (double)(tol)); \
  } while (0)
