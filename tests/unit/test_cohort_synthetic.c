/* A synthetic cohort (Sip et al.'s Hopf test case, scaled down): subjects get the
   couplings linspace(G_lo, G_hi, S), their own parameters drawn in the given ranges and
   their own perturbed connectome on the base network's edges; the observations are
   z-scored over the whole set; stronger coupling gives stronger functional connectivity. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../nm_test.h"
#include <netmass/cohort.h>
#include <netmass/h5file.h>
#include <netmass/simulator.h>
#include <netmass/sys.h>

#define S 3
#define N 12

static PetscReal mean_fc(const PetscReal *x, PetscInt n, PetscInt t)
{
  PetscReal sum = 0;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) {
      PetscReal mi = 0, mj = 0, cij = 0, ci = 0, cj = 0;
      for (PetscInt k = 0; k < t; k++) mi += x[i * t + k] / t, mj += x[j * t + k] / t;
      for (PetscInt k = 0; k < t; k++) {
        cij += (x[i * t + k] - mi) * (x[j * t + k] - mj);
        ci += PetscSqr(x[i * t + k] - mi);
        cj += PetscSqr(x[j * t + k] - mj);
      }
      sum += cij / PetscSqrtReal(ci * cj);
    }
  return sum / (n * (n - 1) / 2);
}

static void test_hopf_cohort(void **state)
{
  NMCohortSpec spec;
  NMCohort     cohort;
  NMFile       f;
  PetscInt     s, n, t;
  PetscReal   *w, *bold, truth[S * N * 3], G[S], m = 0, v = 0;

  (void)state;
  assert_int_equal(PetscOptionsInsertString(NULL, "-model hopf -hopf_a_uniform -1,-0.2 -hopf_f_uniform 0.03,0.07 -hopf_beta 0.1 "
                                                  "-connectome_type ring -connectome_n 12 -ring_neighbours 2 -cohort_subjects 3 -cohort_G 0,2 "
                                                  "-cohort_perturb_eps 0.2 -integrator euler -dt 0.05 -duration 400 -transient 20 -monitor_raw_period 0.5 "
                                                  "-initial gaussian -initial_sd 0.3"),
                   0);
  assert_int_equal(NMCohortSpecCreate(PETSC_COMM_WORLD, &spec), 0);
  assert_int_equal(NMCohortSpecRun(spec, "cohort_hopf.h5"), 0);
  assert_int_equal(NMCohortSpecDestroy(&spec), 0);
  assert_int_equal(PetscOptionsClear(NULL), 0);

  assert_int_equal(NMCohortLoad(PETSC_COMM_WORLD, "cohort_hopf.h5", &cohort), 0);
  assert_int_equal(NMCohortGetSizes(cohort, &s, &n, &t), 0);
  assert_int_equal(s, S);
  assert_int_equal(n, N);
  assert_int_equal(t, 760);
  assert_int_equal(NMCohortGetArrays(cohort, &w, NULL, &bold), 0);
  assert_int_equal(NMFileOpen(PETSC_COMM_WORLD, "cohort_hopf.h5", NM_FORMAT_COHORT, &f), 0);
  assert_int_equal(NMFileReadReal(f, "true_G", 0, S, G), 0);
  assert_int_equal(NMFileReadReal(f, "true_parameters", 0, S, truth), 0);
  assert_int_equal(NMFileDestroy(&f), 0);
  /* couplings spaced linearly; parameters in their ranges and different per subject */
  for (int k = 0; k < S; k++) assert_near(G[k], 1.0 * k, 1e-15);
  for (int k = 0; k < S * N; k++) {
    assert_true(truth[3 * k] >= -1 && truth[3 * k] <= -0.2);
    assert_true(truth[3 * k + 1] >= 0.03 && truth[3 * k + 1] <= 0.07);
  }
  assert_true(truth[0] != truth[3 * N]);
  /* perturbed connectomes: same edges as the base ring, different weights */
  for (int i = 0; i < N * N; i++) assert_true((w[i] != 0) == (w[N * N + i] != 0));
  assert_true(memcmp(w, w + N * N, sizeof(PetscReal) * N * N) != 0);
  /* z-scored over the whole set */
  for (int i = 0; i < S * N * t; i++) m += bold[i] / (S * N * t);
  for (int i = 0; i < S * N * t; i++) v += PetscSqr(bold[i] - m) / (S * N * t);
  assert_near(m, 0, 1e-12);
  assert_near(v, 1, 1e-12);
  /* uncoupled subject: FC near 0; strongly coupled subject: clearly positive */
  print_message("  mean FC at G = 0, 1, 2: %.3f %.3f %.3f\n", (double)mean_fc(bold, N, t), (double)mean_fc(bold + N * t, N, t), (double)mean_fc(bold + 2 * N * t, N, t));
  assert_true(PetscAbsReal(mean_fc(bold, N, t)) < 0.1);
  assert_true(mean_fc(bold + 2 * N * t, N, t) > mean_fc(bold, N, t) + 0.2);
  assert_int_equal(NMCohortDestroy(&cohort), 0);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hopf_cohort),
  };
  int failed;

  if (NMInitialize(&argc, &argv, "test", NULL)) return 1;
  failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (NMFinalize(PETSC_FALSE)) return 1;
  return failed;
}
