#include <netmass/fixedpoint.h>
#include <netmass/sys.h>
#include <petsctime.h>
#include "commands.h"

PetscErrorCode NMCommandFixedPoints(MPI_Comm comm)
{
  NMFixedPoints fp;
  char          out[PETSC_MAX_PATH_LEN] = "";
  PetscBool     help, node = PETSC_FALSE;
  PetscInt      subjects = 0, group = 1;
  PetscReal     eps = 0;

  PetscFunctionBeginUser;
  PetscCall(NMFixedPointsCreate(comm, &fp));
  PetscCall(NMFixedPointsSetFromOptions(fp));
  PetscOptionsBegin(comm, NULL, "netmass fixedpoints: output", "netmass");
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscCall(PetscOptionsInt("-fp_subjects", "Solve a cohort of this many subjects (0: one network)", NULL, subjects, &subjects, NULL));
  PetscCall(PetscOptionsReal("-fp_perturb_eps", "Each subject's connectome: the configured one perturbed by eps", NULL, eps, &eps, NULL));
  PetscCall(PetscOptionsBool("-fp_node_analysis", "Node-level analysis: one uncoupled node over a grid of parameters and inputs (Sip et al. 2023)", NULL, node, &node, NULL));
  PetscCall(PetscOptionsInt("-fp_group_size", "Ranks per group; groups take subjects as they become free", NULL, group, &group, NULL));
  PetscOptionsEnd();
  PetscCall(NMCheckUnusedOptions(comm, "fixedpoints"));
  PetscCall(NMHelpRequested(&help));
  PetscCheck(subjects >= 0 && eps >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_subjects and -fp_perturb_eps must be >= 0");
  {
    PetscBool delay = PETSC_FALSE;
    PetscCall(PetscOptionsGetBool(NULL, NULL, "-fp_delay_stability", &delay, NULL));
    PetscCheck(!(delay && subjects > 0), comm, PETSC_ERR_SUP, "-fp_delay_stability is not available for cohorts (-fp_subjects %" PetscInt_FMT "): run it on one subject's network", subjects);
  }
  PetscCheck(!(node && subjects > 0), comm, PETSC_ERR_ARG_INCOMP, "-fp_node_analysis analyses one node model; it does not take -fp_subjects");
  if (!help && node) {
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o fp.h5");
    PetscCall(NMFixedPointsNodeAnalysis(fp, out));
    PetscCall(PetscPrintf(comm, "netmass fixedpoints: wrote %s\n", out));
  } else if (!help && subjects > 0) {
    PetscLogDouble t0, t1;
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o fp.h5");
    PetscCall(PetscTime(&t0));
    PetscCall(NMFixedPointsCohort(comm, subjects, eps, group, out));
    PetscCall(PetscTime(&t1));
    PetscCall(PetscPrintf(comm, "netmass fixedpoints: %" PetscInt_FMT " subjects in %.2f s (%.2f subjects/s); wrote %s\n", subjects, t1 - t0, subjects / (t1 - t0), out));
  } else if (!help) {
    PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o fp.h5");
    PetscCall(NMFixedPointsSolve(fp));
    PetscCall(NMFixedPointsView(fp, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(NMFixedPointsWrite(fp, out));
    PetscCall(PetscPrintf(comm, "netmass fixedpoints: wrote %s\n", out));
  }
  PetscCall(NMFixedPointsDestroy(&fp));
  PetscFunctionReturn(0);
}
