/* Axonal delay kernels (Gonzalez-Mitjans et al., sec. 2.1 and 3): K[e,r,tau] =
   K0[e,r] D[e,r,tau], where D is the distribution of the conduction delay T = d/v of a
   tract of length d, binned at step dt: bin tau holds P(tau dt <= T < (tau+1) dt), so a
   signal sent at t arrives tau steps later.

   Units: lengths in mm, velocities in m/s, times in s. Since 1 m/s = 1 mm/ms, the delay
   of a d mm tract at v m/s is T = d / (1000 v) s; below, d is converted to metres once.

   With a velocity density p_v, T = d/v is a monotone decreasing function of v, so
       P(T < t) = P(v > d/t) = Q_v(d/t),     P(T >= t) = P_v(d/t),                (1)
   and the mass of bin tau >= 1 is
       w_tau = Q_v(d/((tau+1) dt)) - Q_v(d/(tau dt)) = P_v(d/(tau dt)) - P_v(d/((tau+1) dt)).  (2)
   Bin 0 (tau = 0, delays shorter than one step) has mass Q_v(d/dt); the explicit scheme
   cannot deliver it, so it is added to bin 1 and reported as the sub-step mass. The mass
   beyond tau_max, P_v(d/((tau_max+1) dt)), is dropped, reported as the truncated mass,
   and the rest renormalised. Equation (2) is evaluated with whichever of P_v, Q_v is the
   small tail at the bin's edges, so that tail bins keep relative accuracy instead of
   being differences of numbers close to 1. */
#include <netmass/delay_kernel.h>
#include <netmass/import.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_log.h>

const char *const NMDelayTypes[] = {"instant", "single", "gamma", "file", "NMDelayType", "NM_DELAY_", NULL};

/* Multiples of dt computed from lengths and velocities carry rounding errors of a few
   ulps: a delay of exactly 10 dt may come out as 9.999999999999998 dt. This tolerance
   (in steps) puts such delays in their own bin. */
#define NM_DELAY_BIN_TOL 1e-9

PetscErrorCode NMDelayModelDestroy(NMDelayModel *dm)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(dm->vel));
  PetscCall(PetscFree(dm->density));
  dm->nvel = 0;
  PetscFunctionReturn(0);
}

/* Check a parsed (velocity, density) table; `origin` names the file. Rows are counted
   from 1 among the non-empty lines, as in the file. */
static PetscErrorCode NMVelocityTableCheck(const char origin[], PetscInt rows, PetscInt cols, const PetscReal a[])
{
  PetscReal total = 0;

  PetscFunctionBegin;
  PetscCheck(cols == 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s has %" PetscInt_FMT " column%s; expected two: velocity (m/s) and density", origin, cols, cols == 1 ? "" : "s");
  PetscCheck(rows >= 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s has %" PetscInt_FMT " row; a piecewise-linear velocity density needs at least two (velocity, density) rows", origin, rows);
  for (PetscInt i = 0; i < rows; i++) {
    PetscReal v = a[2 * i], p = a[2 * i + 1];
    PetscCheck(v > 0 && !PetscIsInfOrNanReal(v), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, row %" PetscInt_FMT ": velocity %g m/s must be positive and finite", origin, i + 1, (double)v);
    PetscCheck(i == 0 || v > a[2 * (i - 1)], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, row %" PetscInt_FMT ": velocity %g m/s is not larger than %g m/s on the row before; velocities must be strictly increasing", origin, i + 1, (double)v, (double)a[2 * (i - 1)]);
    PetscCheck(p >= 0 && !PetscIsInfOrNanReal(p), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, row %" PetscInt_FMT ": density %g must be finite and >= 0", origin, i + 1, (double)p);
    if (i > 0) total += 0.5 * (v - a[2 * (i - 1)]) * (p + a[2 * (i - 1) + 1]);
  }
  PetscCheck(total > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: the density is 0 on every row; it must be positive somewhere", origin);
  PetscCheck(!PetscIsInfOrNanReal(total), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: the velocity density integrates to %g; it must have a finite total", origin, (double)total);
  PetscFunctionReturn(0);
}

PetscErrorCode NMDelayModelLoadVelocityFile(NMDelayModel *dm, const char path[])
{
  char          *text, origin[PETSC_MAX_PATH_LEN + 32];
  size_t         len;
  PetscInt       rows, cols;
  PetscReal     *a;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(origin, sizeof(origin), "-velocity_file %s", path));
  PetscCall(NMReadFileText("-velocity_file", path, &text, &len));
  ierr = NMTextMatrixParse(origin, text, &rows, &cols, &a);
  PetscCall(PetscFree(text));
  if (ierr) return ierr; /* already reported where it was raised */
  ierr = NMVelocityTableCheck(origin, rows, cols, a);
  if (ierr) {
    PetscCall(PetscFree(a));
    return ierr;
  }
  /* Reloading replaces the previous table (the model must start zeroed). */
  PetscCall(NMDelayModelDestroy(dm));
  PetscCall(PetscMalloc1(rows, &dm->vel));
  PetscCall(PetscMalloc1(rows, &dm->density));
  for (PetscInt i = 0; i < rows; i++) {
    dm->vel[i]     = a[2 * i];
    dm->density[i] = a[2 * i + 1];
  }
  dm->nvel = rows;
  PetscCall(PetscFree(a));
  PetscFunctionReturn(0);
}

/* The gamma density p(v) ~ v^(k-1) exp(-v/theta) has its mode at m = (k-1) theta. With
   theta = m/(k-1) and r = h/m, the half-maximum condition p(m+h) = p(m)/2 reads
       (k-1) ln(1+r) - h/theta = (k-1) (ln(1+r) - r) = -ln 2,
   which is linear in k-1 once theta is eliminated:
       k - 1 = ln 2 / (r - ln(1+r)),   theta = m / (k-1).                          (3)
   So no root finding is needed: r - ln(1+r) > 0 for every r > 0, which gives k > 1 for
   any peak and half width, and GSL's log(1+r) - r keeps full relative accuracy when
   r is small (a narrow density, k large), where r - log1p(r) would cancel. */
PetscErrorCode NMDelayGammaParameters(PetscReal peak, PetscReal halfwidth, PetscReal *k, PetscReal *theta)
{
  PetscReal r, km1;

  PetscFunctionBeginUser;
  PetscCheck(peak > 0 && !PetscIsInfOrNanReal(peak), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-velocity_peak %g m/s must be positive and finite (Nunez: 6-9 m/s)", (double)peak);
  PetscCheck(halfwidth > 0 && !PetscIsInfOrNanReal(halfwidth), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-velocity_halfwidth %g m/s must be positive and finite (Nunez: about 3 m/s)", (double)halfwidth);
  r   = halfwidth / peak;
  km1 = -PetscLogReal(2) / gsl_sf_log_1plusx_mx(r);
  PetscCheck(km1 > 0 && !PetscIsInfOrNanReal(km1) && !PetscIsInfOrNanReal(peak / km1) && peak / km1 > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-velocity_halfwidth %g m/s is out of range for -velocity_peak %g m/s: no gamma density with that mode and half width is representable", (double)halfwidth, (double)peak);
  *k     = 1 + km1;
  *theta = peak / km1;
  PetscFunctionReturn(0);
}

/* A velocity distribution, as the two tails lo = P(v' <= v) and hi = P(v' > v), each
   accurate where it is small. */
typedef struct {
  NMDelayType      type;
  PetscReal        k, theta;              /* gamma */
  PetscInt         n;                     /* file */
  const PetscReal *vel, *density;
  PetscReal       *below, *above, total; /* file: unnormalised mass below / above each node */
} NMVelocityLaw;

static PetscErrorCode NMVelocityLawCreate(const NMDelayModel *dm, NMVelocityLaw *law)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(law, sizeof(*law)));
  law->type = dm->type;
  if (dm->type == NM_DELAY_GAMMA) PetscCall(NMDelayGammaParameters(dm->peak, dm->halfwidth, &law->k, &law->theta));
  else {
    PetscInt n = dm->nvel;
    PetscCheck(n >= 2 && dm->vel && dm->density, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "the file delay kernel has no velocity density; give -velocity_file with two columns, velocity (m/s) and density");
    law->n       = n;
    law->vel     = dm->vel;
    law->density = dm->density;
    /* Trapezoid sums integrate the piecewise-linear density exactly. Mass above each
       node is summed from the top rather than taken as total - below, so the fast tail
       (short delays) is not a difference of nearly equal numbers. */
    PetscCall(PetscMalloc2(n, &law->below, n, &law->above));
    law->below[0]     = 0;
    law->above[n - 1] = 0;
    for (PetscInt i = 1; i < n; i++) law->below[i] = law->below[i - 1] + 0.5 * (dm->vel[i] - dm->vel[i - 1]) * (dm->density[i] + dm->density[i - 1]);
    for (PetscInt i = n - 2; i >= 0; i--) law->above[i] = law->above[i + 1] + 0.5 * (dm->vel[i + 1] - dm->vel[i]) * (dm->density[i] + dm->density[i + 1]);
    law->total = law->below[n - 1];
    PetscCheck(law->total > 0 && !PetscIsInfOrNanReal(law->total), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the file delay kernel's velocity density integrates to %g; it must have a positive, finite total", (double)law->total);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NMVelocityLawDestroy(NMVelocityLaw *law)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(law->below, law->above));
  PetscFunctionReturn(0);
}

static void NMVelocityLawTails(const NMVelocityLaw *law, PetscReal v, PetscReal *lo, PetscReal *hi)
{
  if (law->type == NM_DELAY_GAMMA) {
    /* Below the mean k theta, P <= ~0.54 and Q = 1 - P loses nothing; above it, Q is the
       small tail. One GSL call per edge of a bin. */
    if (v < law->k * law->theta) {
      *lo = gsl_cdf_gamma_P(v, law->k, law->theta);
      *hi = 1 - *lo;
    } else {
      *hi = gsl_cdf_gamma_Q(v, law->k, law->theta);
      *lo = 1 - *hi;
    }
  } else {
    const PetscReal *x = law->vel, *p = law->density;
    PetscInt         a = 0, b = law->n - 1;
    PetscReal        s, h, ps;

    if (v <= x[0]) {
      *lo = 0;
      *hi = 1;
      return;
    }
    if (v >= x[b]) {
      *lo = 1;
      *hi = 0;
      return;
    }
    while (b - a > 1) { /* x[a] < v < x[b] */
      PetscInt c = (a + b) / 2;
      if (x[c] <= v) a = c;
      else b = c;
    }
    /* The density is linear on [x[a], x[b]]: the trapezoid on each side of v is exact. */
    h   = x[b] - x[a];
    s   = v - x[a];
    ps  = p[a] + (p[b] - p[a]) * (s / h);
    *lo = (law->below[a] + 0.5 * s * (p[a] + ps)) / law->total;
    *hi = (law->above[b] + 0.5 * (h - s) * (ps + p[b])) / law->total;
  }
}

static PetscErrorCode NMDelayCheckEdge(PetscReal length, PetscReal dt)
{
  PetscFunctionBegin;
  PetscCheck(length >= 0 && !PetscIsInfOrNanReal(length), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "tract length %g mm must be finite and >= 0", (double)length);
  PetscCheck(dt > 0 && !PetscIsInfOrNanReal(dt), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-dt %g s must be positive and finite", (double)dt);
  PetscFunctionReturn(0);
}

static PetscErrorCode NMDelayCheckVelocity(PetscReal v)
{
  PetscFunctionBegin;
  PetscCheck(v > 0 && !PetscIsInfOrNanReal(v), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-velocity %g m/s must be positive and finite", (double)v);
  PetscFunctionReturn(0);
}

/* Bins 1..max_lag of a distributed kernel by (2), into w[tau-1]. `d` in metres, > 0. */
static PetscErrorCode NMDelayBinDistributed(const NMVelocityLaw *law, PetscReal length, PetscReal d, PetscReal dt, PetscInt max_lag, PetscReal tail, PetscInt *first, PetscInt *nbins, PetscReal w[], PetscReal *substep, PetscReal *truncated)
{
  PetscReal            lo_prev, hi_prev, lo, hi, kept = 0;
  PetscInt             a, b;
  gsl_error_handler_t *handler;

  PetscFunctionBegin;
  /* GSL's default handler aborts the process; its failures are turned into netmass
     errors below (a non-finite mass) instead. */
  handler = gsl_set_error_handler_off();
  NMVelocityLawTails(law, d / dt, &lo_prev, &hi_prev); /* bin 0: P(T < dt) = Q_v(d/dt), by (1) */
  *substep = hi_prev;
  for (PetscInt tau = 1; tau <= max_lag; tau++) w[tau - 1] = 0;
  for (PetscInt tau = 1; tau <= max_lag; tau++) {
    NMVelocityLawTails(law, d / ((tau + 1) * dt), &lo, &hi);
    /* (2) from the tail that is small at the bin's upper edge: Q_v while P(T < edge)
       <= 1/2 (short delays), P_v after (the slow-velocity, long-delay tail). */
    w[tau - 1] = hi <= 0.5 ? hi - hi_prev : lo_prev - lo;
    w[tau - 1] = PetscMax(w[tau - 1], 0); /* rounding in a CDF that is flat at ulp scale */
    lo_prev    = lo;
    hi_prev    = hi;
    /* The delay density has a power-law tail (~T^-(k+1)): stop once what is left is
       below the tolerated tail mass, or every kernel would run to tau_max. */
    if (lo_prev <= 0.5 * tail) break;
  }
  gsl_set_error_handler(handler);
  *truncated = lo_prev; /* P(T >= (last+1) dt) = P_v(d/((last+1) dt)) */
  w[0] += *substep;
  /* the short-delay side of the tolerance: leading bins holding less than tail/2 */
  for (a = 0, kept = 0; a < max_lag - 1 && kept + w[a] <= 0.5 * tail; a++) {
    kept += w[a];
    w[a] = 0;
  }
  *truncated += kept;
  kept = 0;
  for (PetscInt i = 0; i < max_lag; i++) kept += w[i];
  PetscCheck(!PetscIsInfOrNanReal(kept) && !PetscIsInfOrNanReal(*substep) && !PetscIsInfOrNanReal(*truncated), PETSC_COMM_SELF, PETSC_ERR_LIB, "the velocity distribution function failed for a %g mm tract (gamma k %g, theta %g m/s); check -velocity_peak and -velocity_halfwidth", (double)length, (double)law->k, (double)law->theta);
  /* "Entirely beyond tau_max" in floating point: what is kept does not register against
     the total mass 1, so the truncated mass rounds to 1 and the renormalised weights
     would describe nothing but the far tail. */
  PetscCheck(kept > PETSC_MACHINE_EPSILON, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "the delay kernel of a %g mm tract lies entirely beyond the longest lag %" PetscInt_FMT " x -dt %g s = %g s (only %g of its mass arrives sooner); increase -max_delay", (double)length, max_lag, (double)dt, (double)(max_lag * dt), (double)kept);
  /* Trim to the support: the file kernel has none outside [d/vmax, d/vmin], and tails
     underflow. */
  for (a = 0; w[a] == 0; a++) { }
  for (b = max_lag - 1; w[b] == 0; b--) { }
  *first = a + 1;
  *nbins = b - a + 1;
  for (PetscInt i = 0; i < *nbins; i++) w[i] = w[a + i] / kept;
  PetscFunctionReturn(0);
}

PetscErrorCode NMDelayKernelDiscretize(const NMDelayModel *dm, PetscReal length, PetscReal dt, PetscInt *first, PetscInt *nbins, PetscReal w[], PetscReal *substep, PetscReal *truncated)
{
  const PetscReal d   = length * 1e-3; /* m: T = d/v in s for v in m/s */
  PetscReal       sub = 0, trunc = 0;

  PetscFunctionBeginUser;
  PetscCall(NMDelayCheckEdge(length, dt));
  PetscCheck(dm->max_lag >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "the longest lag is %" PetscInt_FMT " x -dt %g s; it must be at least one step (increase -max_delay)", dm->max_lag, (double)dt);
  switch (dm->type) {
  case NM_DELAY_INSTANT:
    /* D1: every signal arrives one step later, whatever the length. */
    *first = 1;
    *nbins = 1;
    w[0]   = 1;
    break;
  case NM_DELAY_SINGLE: {
    /* D2: a Dirac at T = d/v, so all mass in bin floor(T/dt). */
    PetscReal T, steps;
    PetscCall(NMDelayCheckVelocity(dm->velocity));
    T     = d / dm->velocity;
    steps = T / dt + NM_DELAY_BIN_TOL;
    PetscCheck(steps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-velocity: the delay of a %g mm tract at %g m/s is %g s, shorter than -dt %g s; use a smaller -dt or the instant kernel", (double)length, (double)dm->velocity, (double)T, (double)dt);
    /* Compare in floating point before converting: a huge T must not overflow PetscInt. */
    PetscCheck(steps < dm->max_lag + 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-velocity: the delay of a %g mm tract at %g m/s is %g s, beyond the longest lag %" PetscInt_FMT " x -dt %g s = %g s; increase -max_delay", (double)length, (double)dm->velocity, (double)T, dm->max_lag, (double)dt, (double)(dm->max_lag * dt));
    *first = (PetscInt)PetscFloorReal(steps);
    *nbins = 1;
    w[0]   = 1;
  } break;
  case NM_DELAY_GAMMA:
  case NM_DELAY_VELOCITY_FILE: {
    NMVelocityLaw  law;
    PetscErrorCode ierr;
    PetscCall(NMVelocityLawCreate(dm, &law));
    if (d == 0) {
      /* A zero-length edge has T = 0 for every velocity: all its mass is sub-step and
         lands at lag 1, like D1. */
      *first = 1;
      *nbins = 1;
      w[0]   = 1;
      sub    = 1;
      ierr   = 0;
    } else ierr = NMDelayBinDistributed(&law, length, d, dt, dm->max_lag, dm->tail, first, nbins, w, &sub, &trunc);
    PetscCall(NMVelocityLawDestroy(&law));
    if (ierr) return ierr; /* already reported */
  } break;
  default:
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "unknown delay kernel type %d; expected one of instant, single, gamma, file", (int)dm->type);
  }
  if (substep) *substep = sub;
  if (truncated) *truncated = trunc;
  PetscFunctionReturn(0);
}

/* Integral of p(v)/v over [v0, v1] for p linear from p0 at v0 to p1 at v1. */
static PetscReal NMLinearOverV(PetscReal v0, PetscReal v1, PetscReal p0, PetscReal p1)
{
  /* p(v) = p0 (v1 - v)/h + p1 (v - v0)/h with h = v1 - v0 and x = h/v0:
       int_{v0}^{v1} (v1 - v)/(h v) dv = (v1 ln(1+x) - h)/h = (x ln(1+x) + (ln(1+x) - x))/x,
       int_{v0}^{v1} (v - v0)/(h v) dv = (h - v0 ln(1+x))/h = -(ln(1+x) - x)/x.
     Written with GSL's ln(1+x) - x, both stay accurate on fine grids (x small), where
     v1 ln(1+x) - h would cancel to a relative error of order eps/x. */
  const PetscReal x = (v1 - v0) / v0, l = gsl_sf_log_1plusx(x), m = gsl_sf_log_1plusx_mx(x);
  return (p0 * (x * l + m) - p1 * m) / x;
}

PetscErrorCode NMDelayKernelMean(const NMDelayModel *dm, PetscReal length, PetscReal dt, PetscReal *mean)
{
  const PetscReal d = length * 1e-3; /* m */

  PetscFunctionBeginUser;
  PetscCall(NMDelayCheckEdge(length, dt));
  switch (dm->type) {
  case NM_DELAY_INSTANT:
    *mean = dt;
    break;
  case NM_DELAY_SINGLE:
    PetscCall(NMDelayCheckVelocity(dm->velocity));
    *mean = d / dm->velocity;
    break;
  case NM_DELAY_GAMMA: {
    /* E[d/v] = d E[1/v] = d / (theta (k-1)) for k > 1 (the gamma integral
       int v^(k-2) e^(-v/theta) dv = Gamma(k-1) theta^(k-1)); by (3) this is d / peak:
       the mean delay of a gamma velocity law is the delay at its modal velocity. */
    PetscReal k, theta;
    PetscCall(NMDelayGammaParameters(dm->peak, dm->halfwidth, &k, &theta));
    *mean = d / (theta * (k - 1));
  } break;
  case NM_DELAY_VELOCITY_FILE: {
    /* d int p(v)/v dv / int p(v) dv, both integrals exact for the piecewise-linear p. */
    PetscReal num = 0, den = 0;
    PetscCheck(dm->nvel >= 2 && dm->vel && dm->density, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "the file delay kernel has no velocity density; give -velocity_file with two columns, velocity (m/s) and density");
    for (PetscInt i = 1; i < dm->nvel; i++) {
      num += NMLinearOverV(dm->vel[i - 1], dm->vel[i], dm->density[i - 1], dm->density[i]);
      den += 0.5 * (dm->vel[i] - dm->vel[i - 1]) * (dm->density[i - 1] + dm->density[i]);
    }
    PetscCheck(den > 0 && !PetscIsInfOrNanReal(den), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the file delay kernel's velocity density integrates to %g; it must have a positive, finite total", (double)den);
    *mean = d * num / den;
  } break;
  default:
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "unknown delay kernel type %d; expected one of instant, single, gamma, file", (int)dm->type);
  }
  PetscFunctionReturn(0);
}
