/* netmass <command> [PETSc options]: the single entry point of netmass. */
#include <netmass/h5file.h>
#include <netmass/sys.h>
#include <netmass/version.h>
#include <hdf5.h>
#include "commands.h"

static const NMCommand commands[] = {
  {"import", "convert a TVB zip, an HCP-style folder of .mat files or text matrices to a netmass HDF5 file",
   "netmass import: read a connectome or a cohort from outside netmass and write it as netmass HDF5.\n"
   "  netmass import -tvb_zip connectivity_68.zip -o conn.h5\n"
   "  netmass import -hcp_dir DIR -o cohort.h5          (DIR/<subject>/{TC_rsfMRI_REST1_LR,DTI_CM,DTI_LEN}.mat)\n"
   "  netmass import -text_weights W.txt -text_lengths L.txt [-text_centres C.txt] -o conn.h5\n",
   NMCommandImport},
  {"connectome", "generate a ring (NN, small-world, fully connected) or random geometric connectome",
   "netmass connectome: generate a connectome.\n"
   "  netmass connectome -type ring|smallworld|full|geometric -n N -o conn.h5\n",
   NMCommandConnectome},
  {"simulate", "integrate a network of neural masses with distributed delays (LL, Euler-Maruyama, Heun)",
   "netmass simulate: integrate a network of neural masses with distributed axonal delays.\n"
   "  netmass simulate -options_file inputs/zjr_column_alpha.opts -o sim.h5\n"
   "  mpiexec -n 2 netmass simulate -model hopf -connectome conn.h5 -delay gamma -dt 1e-3 -duration 10 -o sim.h5\n",
   NMCommandSimulate},
  {"bench", "measure the simulator's speed, the contraction's bandwidth and the machine's (STREAM triad)",
   "netmass bench: time the simulator on the 998-region TVB connectome (rww2, D2/D3, dt 0.1 and 1 ms) and the\n"
   "1000-column ZJR ring (small-world and full, D2/D3); measure the memory bandwidth with a STREAM triad.\n"
   "  netmass bench [-bench_cases tvb998_d2_dt1e-4,ring1000_sw_d3,...] [-bench_tvb_zip connectivity_998.zip]\n"
   "  mpiexec -n 2 netmass bench -bench_scale 0.5          (docs/performance.md; tests/bench/run_bench.sh)\n",
   NMCommandBench},
  {"sweep", "simulate a grid of parameters (G, velocity, ...) across rank groups and score it against fMRI",
   "netmass sweep: simulate every point of a grid of simulate options and score it against empirical data\n"
   "(FC similarity, mean FC, FCD KS distance, band power); groups of ranks take points in turn.\n"
   "  mpiexec -n 4 netmass sweep -options_file inputs/sweep_G_hopf68.opts -sweep G:0:0.7:64 -sweep_target cohort.h5 -o sweep.h5\n"
   "  netmass sweep ... -sweep_slice 3:8 -o slice3.h5;  netmass sweep -sweep_merge slice0.h5,...,slice7.h5 -o sweep.h5\n",
   NMCommandSweep},
  {"fixedpoints", "find the equilibria of a coupled network (SNES with deflation) and their stability",
   "netmass fixedpoints: equilibria of a network of node models and their stability.\n"
   "  netmass fixedpoints -model hopf -connectome conn.h5 -G 0.3 -fp_starts 200 -o fp.h5\n",
   NMCommandFixedPoints},
  {"analyze", "FC, FCD, spectra, PCA and linear effective connectivity of any time-series dataset",
   "netmass analyze: functional connectivity, dynamics and linear effective connectivity of time series.\n"
   "  netmass analyze -i cohort.h5 -dataset bold -o analysis.h5\n",
   NMCommandAnalyze},
  {"phaseplane", "vector field, nullclines and fixed points of one node model in a plane of two states",
   "netmass phaseplane: the phase plane of one uncoupled node (field on a grid, fixed points, stability).\n"
   "  netmass phaseplane -model hopf -hopf_a 0.2 -pp_x 0 -pp_y 1 -pp_range -2,2,-2,2 -pp_grid 41 -o pp.h5\n",
   NMCommandPhasePlane},
  {"train", "fit the amortized inference model of Sip et al. 2023 to a cohort (data parallel)",
   "netmass train: amortized variational inference of a network model of brain dynamics (Sip et al. 2023).\n"
   "  mpiexec -n 2 netmass train -cohort cohort.h5 -o model.h5 [-train_epochs 1000 -infer_ns 2 -infer_mr 2 -infer_ms 1]\n"
   "  netmass train ... -restart                      (continue from <model>.checkpoint)\n",
   NMCommandTrain},
  {"encode", "posteriors of the regional parameters and states of every (subject, region) under a trained model",
   "netmass encode: the posteriors q(theta_r) and q(x) of every item of a cohort.\n"
   "  netmass encode -model model.h5 -cohort cohort.h5 -o enc.h5\n",
   NMCommandEncode},
  {"generate", "posterior-predictive simulations of whole subjects from a trained model",
   "netmass generate: simulate each subject's network with parameters from the posterior (Sip et al. 2023).\n"
   "  netmass generate -model model.h5 -cohort cohort.h5 -o gen.h5 [-generate_samples 50]\n",
   NMCommandGenerate},
  {"evaluate", "parameter recovery, FC similarity, posterior collapse and per-item ELBO of a trained model",
   "netmass evaluate: how well a trained model recovers a synthetic cohort's ground truth and reproduces its FC.\n"
   "  netmass evaluate -model model.h5 -cohort cohort.h5 -o eval.h5\n",
   NMCommandEvaluate},
  {"demo", "run the main job end to end on data netmass generates itself",
   "netmass demo: generate inputs and run every netmass capability on them, writing into -demo_dir.\n", NMCommandDemo},
};
static const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

static void NMPrintUsage(FILE *fp)
{
  fprintf(fp, "usage: netmass <command> [PETSc options]    (netmass <command> -help lists a command's options)\n\ncommands:\n");
  fprintf(fp, "  %-11s %s\n", "help", "this list");
  fprintf(fp, "  %-11s %s\n", "version", "netmass version and the versions of the libraries it was built with");
  for (size_t i = 0; i < ncommands; i++) fprintf(fp, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf(fp, "\nOptions come from the command line and from -options_file FILE; -log_view reports time per phase.\n");
}

static void NMPrintVersion(void)
{
  unsigned maj, min, rel;
  H5get_libversion(&maj, &min, &rel);
  printf("netmass %s (%s)\n", NETMASS_VERSION_STRING, NETMASS_GIT_REVISION);
  printf("  PETSc %d.%d.%d, HDF5 %u.%u.%u (parallel), MPI %d.%d\n", PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR, maj, min, rel, MPI_VERSION, MPI_SUBVERSION);
}

int main(int argc, char **argv)
{
  const NMCommand *cmd = NULL;
  PetscErrorCode   ierr;
  PetscMPIInt      size;

  if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    NMPrintUsage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "version") || !strcmp(argv[1], "-version") || !strcmp(argv[1], "--version")) {
    NMPrintVersion();
    return 0;
  }
  for (size_t i = 0; i < ncommands; i++)
    if (!strcmp(argv[1], commands[i].name)) cmd = &commands[i];
  if (!cmd) {
    fprintf(stderr, "netmass: error: unknown command '%s'\n\n", argv[1]);
    NMPrintUsage(stderr);
    return 2;
  }
  /* PETSc sees the options only: drop the command word. */
  argv[1] = argv[0];
  argc--;
  argv++;
  ierr = NMInitialize(&argc, &argv, cmd->name, cmd->help);
  if (ierr) {
    (void)NMFinalize(PETSC_TRUE);
    return 1;
  }
  ierr = cmd->run(PETSC_COMM_WORLD);
  if (!ierr) {
    ierr = NMFinalize(PETSC_FALSE);
    return ierr ? 1 : 0;
  }
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  if (size > 1 && !NMErrorIsCollective()) {
    /* Raised on some ranks only: the others may wait in a collective call forever. */
    (void)NMFileAbortAll();
    MPI_Abort(PETSC_COMM_WORLD, 1);
  }
  (void)NMFinalize(PETSC_TRUE);
  return 1;
}
