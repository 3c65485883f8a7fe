#include <netmass/generators.h>
#include <netmass/simulator.h>
#include <netmass/fixedpoint.h>
#include <netmass/phaseplane.h>
#include <netmass/sweep.h>
#include <netmass/sys.h>
#include <netmass/trainer.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>
#include "commands.h"

/* The main job on data netmass makes itself. Each capability adds its step here;
   the whole demo must stay under 5 minutes on 2 cores. */

static PetscErrorCode NMDemoPath(const char dir[], const char name[], char path[], size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, len, "%s/%s", dir, name));
  PetscFunctionReturn(0);
}

/* Save, load back and compare: the round trip through the HDF5 file must be exact. */
static PetscErrorCode NMDemoRoundTrip(MPI_Comm comm, NMConnectome conn, const char path[])
{
  NMConnectome back;
  PetscInt     n, nb;
  PetscReal   *w, *l, *wb, *lb;

  PetscFunctionBegin;
  PetscCall(NMConnectomeSave(conn, path));
  PetscCall(NMConnectomeLoad(comm, path, &back));
  PetscCall(NMConnectomeGetSize(conn, &n));
  PetscCall(NMConnectomeGetSize(back, &nb));
  PetscCall(NMConnectomeGetArrays(conn, &w, &l, NULL));
  PetscCall(NMConnectomeGetArrays(back, &wb, &lb, NULL));
  PetscCheck(n == nb && !memcmp(w, wb, sizeof(PetscReal) * n * n) && !memcmp(l, lb, sizeof(PetscReal) * n * n), comm, PETSC_ERR_PLIB, "%s does not read back as written", path);
  PetscCall(PetscPrintf(comm, "  %s\n", path));
  PetscCall(NMConnectomeView(back, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(NMConnectomeDestroy(&back));
  PetscFunctionReturn(0);
}

/* A demo step runs a netmass engine with the options a user would give, in an options
   database of its own so that they never leak into the demo or the next step. */
typedef PetscErrorCode (*NMDemoEngine)(MPI_Comm comm, const char path[]);

static PetscErrorCode NMDemoStep(MPI_Comm comm, NMDemoEngine engine, const char dir[], const char name[], const char connectome[], const char options[], PetscInt64 seed)
{
  PetscOptions db;
  char         path[PETSC_MAX_PATH_LEN], all[2 * PETSC_MAX_PATH_LEN + 512];

  PetscFunctionBegin;
  PetscCall(NMDemoPath(dir, name, path, sizeof(path)));
  if (connectome) PetscCall(PetscSNPrintf(all, sizeof(all), "%s -connectome %s/%s -seed %" PetscInt64_FMT, options, dir, connectome, seed));
  else PetscCall(PetscSNPrintf(all, sizeof(all), "%s -seed %" PetscInt64_FMT, options, seed)); /* one node, no network */
  PetscCall(PetscOptionsCreate(&db));
  PetscCall(PetscOptionsPush(db));
  PetscCall(PetscOptionsInsertString(NULL, all));
  PetscCall(engine(comm, path));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&db));
  PetscCall(PetscPrintf(comm, "  %s\n", path));
  PetscFunctionReturn(0);
}

/* Step 2: a simulation with distributed delays. */
static PetscErrorCode NMDemoSimulate(MPI_Comm comm, const char path[])
{
  NMSimulator sim;

  PetscFunctionBegin;
  PetscCall(NMSimulatorCreate(comm, &sim));
  PetscCall(NMSimulatorSetFromOptions(sim));
  PetscCall(NMSimulatorSetUp(sim));
  PetscCall(NMSimulatorView(sim, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(NMSimulatorRun(sim, path));
  PetscCall(NMSimulatorDestroy(&sim));
  PetscFunctionReturn(0);
}

/* Step 3: the equilibria of a network and their stability. */
static PetscErrorCode NMDemoFixedPoints(MPI_Comm comm, const char path[])
{
  NMFixedPoints fp;

  PetscFunctionBegin;
  PetscCall(NMFixedPointsCreate(comm, &fp));
  PetscCall(NMFixedPointsSetFromOptions(fp));
  PetscCall(NMFixedPointsSolve(fp));
  PetscCall(NMFixedPointsView(fp, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(NMFixedPointsWrite(fp, path));
  PetscCall(NMFixedPointsDestroy(&fp));
  PetscFunctionReturn(0);
}

/* Steps 4 and 7: a synthetic cohort (simulated subjects with ground truth). */
static PetscErrorCode NMDemoCohort(MPI_Comm comm, const char path[])
{
  NMCohortSpec spec;

  PetscFunctionBegin;
  PetscCall(NMCohortSpecCreate(comm, &spec));
  PetscCall(NMCohortSpecRun(spec, path));
  PetscCall(NMCohortSpecDestroy(&spec));
  PetscFunctionReturn(0);
}

/* Step 4b: a sweep of G scored against that cohort. */
static PetscErrorCode NMDemoSweep(MPI_Comm comm, const char path[])
{
  NMSweep sweep;

  PetscFunctionBegin;
  PetscCall(NMSweepCreate(comm, &sweep));
  PetscCall(NMSweepSetFromOptions(sweep));
  PetscCall(NMSweepSetUp(sweep));
  PetscCall(NMSweepRun(sweep, path));
  PetscCall(NMSweepDestroy(&sweep));
  PetscFunctionReturn(0);
}

/* Step 6: the phase plane of one node (Sip et al. 2023, Fig. 5B). */
static PetscErrorCode NMDemoPhasePlane(MPI_Comm comm, const char path[])
{
  NMPhasePlane pp;

  PetscFunctionBegin;
  PetscCall(NMPhasePlaneCreate(comm, &pp));
  PetscCall(NMPhasePlaneSetFromOptions(pp));
  PetscCall(NMPhasePlaneSetUp(pp));
  PetscCall(NMPhasePlaneCompute(pp));
  PetscCall(NMPhasePlaneView(pp, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(NMPhasePlaneWrite(pp, path));
  PetscCall(NMPhasePlaneDestroy(&pp));
  PetscFunctionReturn(0);
}

/* Last step: every result drawn by postproc/report.py into <dir>/report.pdf, run by rank 0
   with Debian's Python. Without that Python and its numpy, h5py and matplotlib (or without
   the netmass sources, e.g. an installed netmass) the demo says so and still succeeds;
   a report that fails on the demo's own files is an error. */
static PetscErrorCode NMDemoReport(MPI_Comm comm, const char postproc[], const char dir[])
{
  static const char python[] = "/usr/bin/python3";
  char              script[PETSC_MAX_PATH_LEN], cmd[3 * PETSC_MAX_PATH_LEN];
  PetscMPIInt       rank;
  int               status = 0; /* 0 report written, 1 report failed, 2 no Python or no script */

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscSNPrintf(script, sizeof(script), "%s/report.py", postproc));
  if (!rank) {
    PetscCall(PetscSNPrintf(cmd, sizeof(cmd), "%s -c 'import numpy, h5py, matplotlib' 2>/dev/null", python));
    if (access(python, X_OK) || access(script, R_OK) || system(cmd)) status = 2;
    else {
      PetscCall(PetscSNPrintf(cmd, sizeof(cmd), "%s '%s' '%s'", python, script, dir));
      status = system(cmd) ? 1 : 0;
    }
  }
  PetscCallMPI(MPI_Bcast(&status, 1, MPI_INT, 0, comm));
  PetscCheck(status != 1, comm, PETSC_ERR_LIB, "%s %s %s failed on the demo's results; see its message above", python, script, dir);
  if (status == 2) PetscCall(PetscPrintf(comm, "netmass demo: no report: needs %s with numpy, h5py and matplotlib (apt-get install python3-h5py python3-matplotlib) and %s\n", python, script));
  PetscFunctionReturn(0);
}

/* Step 7: a few epochs of amortized inference on a synthetic Hopf cohort with ground truth
   (Sip et al.'s test case, small), which is the step's input file. */
static PetscErrorCode NMDemoTrain(MPI_Comm comm, const char path[])
{
  NMTrainer tr;
  char      cohort[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-connectome", cohort, sizeof(cohort), NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-cohort", cohort));
  PetscCall(PetscOptionsSetValue(NULL, "-o", path));
  PetscCall(NMTrainerCreate(comm, &tr));
  PetscCall(NMTrainerSetFromOptions(tr));
  PetscCall(NMTrainerSetUp(tr));
  PetscCall(NMTrainerRun(tr));
  PetscCall(NMTrainerDestroy(&tr));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCommandDemo(MPI_Comm comm)
{
  char              dir[PETSC_MAX_PATH_LEN] = "netmass-demo", path[PETSC_MAX_PATH_LEN];
  char              postproc[PETSC_MAX_PATH_LEN] = NETMASS_SOURCE_DIR "/postproc";
  PetscBool         help;
  PetscMPIInt       rank;
  int               err = 0;
  PetscInt64        seed;
  NMConnectome      conn;
  NMRingParams      ring = {200, 200 / 6, 8.0, 0.02, 0.5, 300.0};
  NMGeometricParams geo  = {68, 70.0, 20.0, 0.0, 0.0};

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "netmass demo", "netmass");
  PetscCall(PetscOptionsString("-demo_dir", "Folder for the demo's inputs and results", NULL, dir, dir, sizeof(dir), NULL));
  PetscCall(PetscOptionsString("-demo_postproc", "Folder of postproc/report.py, which draws the report (empty: no report)", NULL, postproc, postproc, sizeof(postproc), NULL));
  PetscOptionsEnd();
  PetscCall(NMGetSeed(&seed));
  PetscCall(NMCheckUnusedOptions(comm, "demo"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);

  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank && mkdir(dir, 0775) && errno != EEXIST) err = errno;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "-demo_dir %s: cannot create the folder: %s", dir, strerror(err));

  PetscCall(PetscPrintf(comm, "netmass demo: step 1, connectomes generated by netmass\n"));
  PetscCall(NMGenerateRing(comm, &ring, seed, &conn));
  PetscCall(NMDemoPath(dir, "ring_smallworld_200.h5", path, sizeof(path)));
  PetscCall(NMDemoRoundTrip(comm, conn, path));
  PetscCall(NMConnectomeDestroy(&conn));
  PetscCall(NMGenerateGeometric(comm, &geo, seed, &conn));
  PetscCall(NMDemoPath(dir, "geometric_68.h5", path, sizeof(path)));
  PetscCall(NMDemoRoundTrip(comm, conn, path));
  PetscCall(NMConnectomeDestroy(&conn));

  PetscCall(PetscPrintf(comm, "netmass demo: step 2, simulations with distributed delays\n"));
  PetscCall(NMDemoStep(comm, NMDemoSimulate, dir, "zjr_ring200_gamma.h5", "ring_smallworld_200.h5", "-model zjr -zjr_e0 5 -zjr_mu_ste 3 -zjr_sigma_ste 1 -G 0.02 -delay gamma -max_delay 0.2 -dt 1e-3 -duration 2 -transient 0.5 -monitor_raw_period 2e-3 -initial normal", seed));
  PetscCall(NMDemoStep(comm, NMDemoSimulate, dir, "hopf_geometric68_bold.h5", "geometric_68.h5", "-model hopf -hopf_a_uniform -0.5,0 -hopf_f_uniform 0.03,0.07 -hopf_beta 0.02 -G 0.3 -delay gamma -max_delay 0.2 -dt 5e-3 -duration 600 -transient 6 -monitor_tavg_period 0.05 -monitor_bold_tr 0.72 -initial normal -initial_sd 0.3", seed));

  PetscCall(PetscPrintf(comm, "netmass demo: step 3, fixed points and their stability\n"));
  PetscCall(NMDemoStep(comm, NMDemoFixedPoints, dir, "fixedpoints_hopf_geometric68.h5", "geometric_68.h5", "-model hopf -hopf_a 0.1 -hopf_f 0.05 -G 0.3 -fp_starts 50 -fp_patience 10", seed));

  PetscCall(PetscPrintf(comm, "netmass demo: step 4, a G sweep scored against the FC and FCD of a (synthetic) BOLD cohort\n"));
  {
    const char *hopf = "-model hopf -hopf_a_uniform -0.5,0 -hopf_f_uniform 0.03,0.07 -hopf_beta 0.02 -delay gamma -max_delay 0.2 -dt 5e-3 -duration 200 -transient 20 -monitor_bold_tr 0.72 -initial normal -initial_sd 0.3";
    char        opts[1024];
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -cohort_subjects 2 -cohort_G 0.35,0.35 -cohort_perturb_eps 0.05 -cohort_observe bold -cohort_zscore region", hopf));
    PetscCall(NMDemoStep(comm, NMDemoCohort, dir, "cohort_hopf68_bold.h5", "geometric_68.h5", opts, seed));
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -sweep G:0:0.7:8 -sweep_target %s/cohort_hopf68_bold.h5 -sweep_fcd_window 40 -sweep_fcd_step 4", hopf, dir));
    PetscCall(NMDemoStep(comm, NMDemoSweep, dir, "sweep_G_hopf68.h5", "geometric_68.h5", opts, seed));
  }

  PetscCall(PetscPrintf(comm, "netmass demo: step 5, the network's equilibrium and its stability along G (continuation)\n"));
  PetscCall(NMDemoStep(comm, NMDemoFixedPoints, dir, "continuation_G_hopf68.h5", "geometric_68.h5", "-model hopf -hopf_a_uniform -0.8,0.1 -hopf_f 0.05 -G 0 -fp_starts 10 -fp_patience 5 -cont_parameter G -cont_range 0,1 -cont_ds 1e-2 -cont_ds_max 0.05", seed));

  PetscCall(PetscPrintf(comm, "netmass demo: step 6, phase plane of one Hopf node\n"));
  PetscCall(NMDemoStep(comm, NMDemoPhasePlane, dir, "phaseplane_hopf.h5", NULL, "-model hopf -hopf_a 0.2 -hopf_f 0.05 -pp_x 0 -pp_y 1 -pp_range -1,1,-1,1 -pp_grid 41", seed));

  PetscCall(PetscPrintf(comm, "netmass demo: step 7, amortized inference (Sip et al. 2023) on a synthetic Hopf cohort\n"));
  PetscCall(NMDemoStep(comm, NMDemoCohort, dir, "hopf_cohort_geometric68.h5", "geometric_68.h5", "-model hopf -hopf_a_uniform -1,1 -hopf_f_uniform 0.03,0.07 -hopf_beta 0.1414 -cohort_subjects 3 -cohort_G 0,0.7 -cohort_perturb_eps 0.1 -delay instant -integrator euler -dt 0.02 -duration 105 -transient 25 -monitor_raw_period 1 -initial gaussian -initial_sd 0.3", seed));
  PetscCall(NMDemoStep(comm, NMDemoTrain, dir, "model_hopf_cohort.h5", "hopf_cohort_geometric68.h5", "-train_epochs 4 -checkpoint_every 0", seed));
  if (postproc[0]) {
    PetscCall(PetscPrintf(comm, "netmass demo: step 8, the report of every result\n"));
    PetscCall(NMDemoReport(comm, postproc, dir));
  }
  PetscCall(PetscPrintf(comm, "netmass demo: done; results in %s\n", dir));
  PetscFunctionReturn(0);
}
