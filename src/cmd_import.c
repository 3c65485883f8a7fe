#include <netmass/import.h>
#include <netmass/preprocess.h>
#include <netmass/sys.h>
#include "commands.h"

PetscErrorCode NMCommandImport(MPI_Comm comm)
{
  char         tvb[PETSC_MAX_PATH_LEN] = "", hcp[PETSC_MAX_PATH_LEN] = "", tw[PETSC_MAX_PATH_LEN] = "", tl[PETSC_MAX_PATH_LEN] = "", tc[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  char         steps[512], source[PETSC_MAX_PATH_LEN + 600];
  const char  *kept;
  NMHCPLayout  layout;
  NMPreprocess pp;
  PetscBool    help;
  PetscInt     kinds;
  PetscInt64   seed;

  PetscFunctionBeginUser;
  PetscCall(NMHCPLayoutDefault(&layout));
  PetscOptionsBegin(comm, NULL, "netmass import: inputs and output", "netmass");
  PetscCall(PetscOptionsString("-tvb_zip", "The Virtual Brain connectivity zip (weights, tract_lengths, centres; plain or .bz2)", NULL, tvb, tvb, sizeof(tvb), NULL));
  PetscCall(PetscOptionsString("-hcp_dir", "Folder with one sub-folder of MATLAB files per subject", NULL, hcp, hcp, sizeof(hcp), NULL));
  PetscCall(PetscOptionsString("-text_weights", "Text N x N weights, row = receiver, column = emitter", NULL, tw, tw, sizeof(tw), NULL));
  PetscCall(PetscOptionsString("-text_lengths", "Text N x N tract lengths (mm)", NULL, tl, tl, sizeof(tl), NULL));
  PetscCall(PetscOptionsString("-text_centres", "Optional text centres, lines 'label x y z' (mm)", NULL, tc, tc, sizeof(tc), NULL));
  PetscCall(PetscOptionsString("-hcp_tc_file", "Per-subject file with the fMRI time series (regions x time)", NULL, layout.tc_file, layout.tc_file, sizeof(layout.tc_file), NULL));
  PetscCall(PetscOptionsString("-hcp_tc_var", "MATLAB variable of the time series", NULL, layout.tc_var, layout.tc_var, sizeof(layout.tc_var), NULL));
  PetscCall(PetscOptionsString("-hcp_sc_file", "Per-subject file with the structural connectome", NULL, layout.sc_file, layout.sc_file, sizeof(layout.sc_file), NULL));
  PetscCall(PetscOptionsString("-hcp_sc_var", "MATLAB variable of the structural connectome", NULL, layout.sc_var, layout.sc_var, sizeof(layout.sc_var), NULL));
  PetscCall(PetscOptionsString("-hcp_len_file", "Per-subject file with the tract lengths (mm)", NULL, layout.len_file, layout.len_file, sizeof(layout.len_file), NULL));
  PetscCall(PetscOptionsString("-hcp_len_var", "MATLAB variable of the tract lengths", NULL, layout.len_var, layout.len_var, sizeof(layout.len_var), NULL));
  PetscCall(PetscOptionsReal("-hcp_tr", "Repetition time of the fMRI (s)", NULL, layout.tr, &layout.tr, NULL));
  PetscCall(PetscOptionsString("-o", "Output HDF5 file", NULL, out, out, sizeof(out), NULL));
  PetscOptionsEnd();
  PetscCall(NMPreprocessSetFromOptions(&pp));
  PetscCall(NMGetSeed(&seed));
  PetscCall(NMCheckUnusedOptions(comm, "import"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);

  kinds = (tvb[0] != 0) + (hcp[0] != 0) + (tw[0] != 0 || tl[0] != 0);
  PetscCheck(kinds == 1, comm, PETSC_ERR_ARG_WRONG, "give exactly one input: -tvb_zip FILE, -hcp_dir DIR, or -text_weights FILE with -text_lengths FILE");
  PetscCheck(!tw[0] == !tl[0], comm, PETSC_ERR_ARG_WRONG, "-text_weights and -text_lengths must be given together");
  PetscCheck(out[0], comm, PETSC_ERR_ARG_WRONG, "missing option -o: give the output HDF5 file, e.g. -o conn.h5");
  PetscCheck(layout.tr > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-hcp_tr %g s must be positive", (double)layout.tr);
  PetscCheck(!pp.zscore || hcp[0], comm, PETSC_ERR_ARG_WRONG, "-zscore applies to fMRI time series; only -hcp_dir imports have them");
  PetscCall(NMPreprocessDescribe(&pp, steps, sizeof(steps)));

  if (hcp[0]) {
    NMCohort cohort;
    PetscCall(NMImportHCPDir(comm, hcp, &layout, &cohort));
    PetscCall(NMPreprocessCohort(&pp, cohort, seed));
    PetscCall(NMCohortValidate(cohort, hcp));
    PetscCall(PetscSNPrintf(source, sizeof(source), "HCP cohort folder %s; preprocessing: %s", hcp, steps));
    PetscCall(NMCohortSetSource(cohort, source));
    PetscCall(NMCohortSave(cohort, out));
    PetscCall(PetscPrintf(comm, "netmass import: wrote %s\n", out));
    PetscCall(NMCohortView(cohort, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(NMCohortDestroy(&cohort));
  } else {
    NMConnectome conn;
    if (tvb[0]) PetscCall(NMImportTVBZip(comm, tvb, &conn));
    else PetscCall(NMImportText(comm, tw, tl, tc, &conn));
    PetscCall(NMPreprocessConnectome(&pp, conn, seed));
    PetscCall(NMConnectomeValidate(conn, out));
    PetscCall(NMConnectomeGetSource(conn, &kept));
    PetscCall(PetscSNPrintf(source, sizeof(source), "%s; preprocessing: %s", kept, steps));
    PetscCall(NMConnectomeSetSource(conn, source));
    PetscCall(NMConnectomeSave(conn, out));
    PetscCall(PetscPrintf(comm, "netmass import: wrote %s\n", out));
    PetscCall(NMConnectomeView(conn, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(NMConnectomeDestroy(&conn));
  }
  PetscFunctionReturn(0);
}
