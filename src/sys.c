#include <netmass/sys.h>
#include <netmass/h5file.h>
#include <unistd.h>
#include <stdarg.h>
#include <signal.h>

PetscLogEvent NM_EVENT_FileWrite, NM_EVENT_FileRead, NM_EVENT_Import, NM_EVENT_Generate, NM_EVENT_Preprocess;
PetscLogEvent NM_EVENT_Integrate, NM_EVENT_Contract, NM_EVENT_Exchange, NM_EVENT_NodeStep, NM_EVENT_Monitor;
PetscLogEvent NM_EVENT_InferEncoders, NM_EVENT_InferGenerative;
PetscLogEvent NM_EVENT_FPEigenvalues, NM_EVENT_FPDelayRoots;

static PetscBool nm_error_collective = PETSC_FALSE;
static PetscBool nm_traceback        = PETSC_FALSE;
static PetscBool nm_on_root          = PETSC_FALSE; /* inside NMRunOnRoot(): errors speak for all ranks */
static char      nm_command_line[4096] = "netmass";
static PetscBool nm_owns_mpi         = PETSC_FALSE; /* MPI_Init was ours, so is MPI_Finalize */

/* PETSc's default handler prints a stack trace of every frame; users of netmass
   should see one line saying what is wrong and how to fix it. The message is printed
   where the error starts (PETSC_ERROR_INITIAL), once per communicator: rank 0 of a
   collective error prints, every rank of a rank-local one does. -nm_traceback
   restores PETSc's traceback for debugging. */
static PetscErrorCode NMErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PetscMPIInt size = 1, rank = 0, wsize = 1;

  if (nm_traceback) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p != PETSC_ERROR_INITIAL) return n;
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &wsize);
  nm_error_collective = (PetscBool)(size == wsize);
  if (rank == 0) {
    const char *text = (mess && mess[0] && mess[0] != ' ') ? mess : NULL;
    if (!text) PetscErrorMessage(n, &text, NULL);
    if (wsize > 1 && size == 1 && !nm_on_root) {
      PetscMPIInt wrank;
      MPI_Comm_rank(PETSC_COMM_WORLD, &wrank);
      fprintf(stderr, "netmass: error [rank %d]: %s\n", wrank, text ? text : "unknown error");
    } else fprintf(stderr, "netmass: error: %s\n", text ? text : "unknown error");
    fflush(stderr);
  }
  return n;
}

PetscBool NMErrorIsCollective(void)
{
  return nm_error_collective;
}

const char *NMCommandLine(void)
{
  return nm_command_line;
}

/* PETSc reads -options_file inside PetscInitialize(), before any handler of ours is in
   place, and reports a missing file with a full traceback. Check the files first. */
static int NMCheckOptionsFiles(int argc, char **argv)
{
  int rank, bad = 0;

  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int i = 1; i + 1 < argc && !bad; i++)
    if (!strcmp(argv[i], "-options_file") && access(argv[i + 1], R_OK)) {
      if (!rank) fprintf(stderr, "netmass: error: -options_file %s: no such file or not readable; check the path\n", argv[i + 1]);
      bad = 1;
    }
  return bad;
}

PetscErrorCode NMInitialize(int *argc, char ***argv, const char command[], const char help[])
{
  PetscClassId classid;
  size_t       len = 0;
  int          mpi_ready;

  /* MPI first, so a bad options file can be reported once, by rank 0. */
  MPI_Initialized(&mpi_ready);
  if (!mpi_ready) {
    if (MPI_Init(argc, argv)) return PETSC_ERR_MPI;
    nm_owns_mpi = PETSC_TRUE;
  }
  if (NMCheckOptionsFiles(*argc, *argv)) return PETSC_ERR_FILE_OPEN;
  PetscCall(PetscInitialize(argc, argv, NULL, help));
  len = (size_t)snprintf(nm_command_line, sizeof(nm_command_line), "netmass %s", command);
  for (int i = 1; i < *argc && len < sizeof(nm_command_line); i++) len += (size_t)snprintf(nm_command_line + len, sizeof(nm_command_line) - len, " %s", (*argv)[i]);
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-nm_traceback", &nm_traceback, NULL));
  PetscCall(PetscPushErrorHandler(NMErrorHandler, NULL));
  PetscCall(PetscClassIdRegister("netmass", &classid));
  PetscCall(PetscLogEventRegister("NMFileWrite", classid, &NM_EVENT_FileWrite));
  PetscCall(PetscLogEventRegister("NMFileRead", classid, &NM_EVENT_FileRead));
  PetscCall(PetscLogEventRegister("NMImport", classid, &NM_EVENT_Import));
  PetscCall(PetscLogEventRegister("NMGenerate", classid, &NM_EVENT_Generate));
  PetscCall(PetscLogEventRegister("NMPreprocess", classid, &NM_EVENT_Preprocess));
  PetscCall(PetscLogEventRegister("NMIntegrate", classid, &NM_EVENT_Integrate));
  PetscCall(PetscLogEventRegister("NMContract", classid, &NM_EVENT_Contract));
  PetscCall(PetscLogEventRegister("NMExchange", classid, &NM_EVENT_Exchange));
  PetscCall(PetscLogEventRegister("NMNodeStep", classid, &NM_EVENT_NodeStep));
  PetscCall(PetscLogEventRegister("NMMonitor", classid, &NM_EVENT_Monitor));
  PetscCall(PetscLogEventRegister("NMInferEncoders", classid, &NM_EVENT_InferEncoders));
  PetscCall(PetscLogEventRegister("NMInferGenerative", classid, &NM_EVENT_InferGenerative));
  PetscCall(PetscLogEventRegister("NMFPEigenvalues", classid, &NM_EVENT_FPEigenvalues));
  PetscCall(PetscLogEventRegister("NMFPDelayRoots", classid, &NM_EVENT_FPDelayRoots));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFinalize(PetscBool failed)
{
  PetscBool petsc_up;

  PetscFunctionBeginUser;
  if (failed) PetscCall(NMFileAbortAll());
  PetscCall(PetscInitialized(&petsc_up));
  if (petsc_up) PetscCall(PetscFinalize());
  if (nm_owns_mpi) MPI_Finalize();
  PetscFunctionReturn(0);
}

PetscErrorCode NMRunOnRoot(MPI_Comm comm, PetscErrorCode (*fn)(void *), void *ctx)
{
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0;
  int            code;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    nm_on_root = PETSC_TRUE;
    ierr       = fn(ctx); /* reported by the handler where it was raised */
    nm_on_root = PETSC_FALSE;
  }
  code = (int)ierr;
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  if (code) {
    /* Raise on every rank without printing again; the failure is now collective. */
    nm_error_collective = PETSC_TRUE;
    return PetscError(comm, __LINE__, PETSC_FUNCTION_NAME, __FILE__, (PetscErrorCode)code, PETSC_ERROR_REPEAT, " ");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMHelpRequested(PetscBool *help)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasHelp(NULL, help));
  PetscFunctionReturn(0);
}

/* Options PETSc or MPI may consume after the command has run, or that only affect
   diagnostics; they are never an error. */
static PetscBool NMIsRuntimeOption(const char name[])
{
  static const char *const prefixes[] = {"log", "malloc", "info", "options_", "help", "nm_traceback", "on_error", "fp_trap", "check_pointer", "memory_view", "objects_dump", "history", "no_signal_handler", "start_in_debugger", "debugger", "stop_for_debugger", "display", "skip_petscrc", "mpiuni", "viewer_", "use_gpu_aware_mpi", "device_"};
  /* solver diagnostics that PETSc reads only during or after a solve */
  static const char *const anywhere[] = {"_view", "test_jacobian", "converged_reason", "monitor"};
  for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
    if (!strncmp(name, prefixes[i], strlen(prefixes[i]))) return PETSC_TRUE;
  for (size_t i = 0; i < sizeof(anywhere) / sizeof(anywhere[0]); i++)
    if (strstr(name, anywhere[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode NMCheckUnusedOptions(MPI_Comm comm, const char command[])
{
  PetscInt n;
  char   **names, **values;
  char     unknown[1024] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    if (NMIsRuntimeOption(names[i])) continue;
    if (unknown[0]) PetscCall(PetscStrlcat(unknown, ", ", sizeof(unknown)));
    PetscCall(PetscStrlcat(unknown, "-", sizeof(unknown)));
    PetscCall(PetscStrlcat(unknown, names[i], sizeof(unknown)));
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!unknown[0], comm, PETSC_ERR_ARG_WRONG, "unknown option %s for 'netmass %s'; run 'netmass %s -help' to list its options", unknown, command, command);
  PetscFunctionReturn(0);
}

PetscErrorCode NMGetSeed(PetscInt64 *seed)
{
  PetscInt s = 1;

  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Reproducibility", "netmass");
  PetscCall(PetscOptionsInt("-seed", "Seed of every random stream (results depend on it, not on the rank count)", NULL, s, &s, NULL));
  PetscOptionsEnd();
  PetscCheck(s >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-seed %" PetscInt_FMT " must be a non-negative integer", s);
  *seed = (PetscInt64)s;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCheckReadable(MPI_Comm comm, const char option[], const char path[])
{
  PetscFunctionBeginUser;
  PetscCheck(path && path[0], comm, PETSC_ERR_ARG_NULL, "%s needs a file name", option);
  PetscCheck(access(path, F_OK) == 0, comm, PETSC_ERR_FILE_OPEN, "%s %s: no such file; check the path", option, path);
  PetscCheck(access(path, R_OK) == 0, comm, PETSC_ERR_FILE_OPEN, "%s %s: file exists but is not readable (permissions)", option, path);
  PetscFunctionReturn(0);
}

PetscErrorCode NMBcastStrings(MPI_Comm comm, PetscInt n, char **strings)
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt i = 0; i < n; i++) {
    int len = rank ? 0 : (int)strlen(strings[i]) + 1;
    PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
    if (rank) {
      PetscCall(PetscFree(strings[i]));
      PetscCall(PetscMalloc1(len, &strings[i]));
    }
    PetscCallMPI(MPI_Bcast(strings[i], len, MPI_CHAR, 0, comm));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMStringsDestroy(PetscInt n, char ***strings)
{
  PetscFunctionBegin;
  if (!*strings) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscFree((*strings)[i]));
  PetscCall(PetscFree(*strings));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFormat(char buf[], size_t len, const char format[], ...)
{
  va_list ap;
  int     n;

  PetscFunctionBegin;
  va_start(ap, format);
  n = vsnprintf(buf, len, format, ap);
  va_end(ap);
  PetscCheck(n >= 0 && (size_t)n < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "text of %d characters does not fit a buffer of %zu", n, len);
  PetscFunctionReturn(0);
}

static volatile sig_atomic_t nm_signal = 0;

static void NMSignalHandler(int sig)
{
  nm_signal = sig;
}

PetscErrorCode NMCatchSignals(void)
{
  struct sigaction sa;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&sa, sizeof(sa)));
  sa.sa_handler = NMSignalHandler;
  sigemptyset(&sa.sa_mask);
  PetscCheck(sigaction(SIGTERM, &sa, NULL) == 0 && sigaction(SIGUSR1, &sa, NULL) == 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot install the SIGTERM/SIGUSR1 handlers");
  PetscFunctionReturn(0);
}

int NMSignalCaught(void)
{
  return (int)nm_signal;
}
