#include <netmass/cohort.h>
#include <netmass/h5file.h>
#include <netmass/sys.h>

struct _n_NMCohort {
  MPI_Comm   comm;
  PetscInt   s, n, t;
  PetscReal  tr;      /* s */
  PetscReal *weights; /* s*n*n */
  PetscReal *lengths; /* s*n*n, mm */
  PetscReal *bold;    /* s*n*t */
  char     **ids;
  char     **labels;
  char      *source;
  /* ground truth of a synthetic cohort (optional) */
  PetscInt   nparam;
  char     **param_names;
  char      *model;
  PetscReal *truth_theta, *truth_G;
};

PetscErrorCode NMCohortCreate(MPI_Comm comm, PetscInt s, PetscInt n, PetscInt t, NMCohort *cohort)
{
  NMCohort c;

  PetscFunctionBeginUser;
  PetscCheck(s > 0 && n > 0 && t >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "a cohort needs subjects > 0, regions > 0 and samples >= 0; got %" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT, s, n, t);
  PetscCall(PetscNew(&c));
  c->comm = comm;
  c->s    = s;
  c->n    = n;
  c->t    = t;
  c->tr   = 0;
  PetscCall(PetscCalloc3(s * n * n, &c->weights, s * n * n, &c->lengths, s * n * t, &c->bold));
  PetscCall(PetscMalloc1(s, &c->ids));
  PetscCall(PetscMalloc1(n, &c->labels));
  for (PetscInt i = 0; i < s; i++) {
    char id[NM_LABEL_LEN];
    PetscCall(PetscSNPrintf(id, sizeof(id), "subject_%04" PetscInt_FMT, i));
    PetscCall(PetscStrallocpy(id, &c->ids[i]));
  }
  for (PetscInt i = 0; i < n; i++) {
    char label[NM_LABEL_LEN];
    PetscCall(PetscSNPrintf(label, sizeof(label), "region_%04" PetscInt_FMT, i));
    PetscCall(PetscStrallocpy(label, &c->labels[i]));
  }
  PetscCall(PetscStrallocpy("unknown", &c->source));
  *cohort = c;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortDestroy(NMCohort *cohort)
{
  NMCohort c = *cohort;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(0);
  PetscCall(PetscFree3(c->weights, c->lengths, c->bold));
  PetscCall(NMStringsDestroy(c->s, &c->ids));
  PetscCall(NMStringsDestroy(c->n, &c->labels));
  PetscCall(PetscFree(c->source));
  PetscCall(NMStringsDestroy(c->nparam, &c->param_names));
  PetscCall(PetscFree(c->model));
  PetscCall(PetscFree2(c->truth_theta, c->truth_G));
  PetscCall(PetscFree(*cohort));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortGetSizes(NMCohort c, PetscInt *s, PetscInt *n, PetscInt *t)
{
  PetscFunctionBegin;
  if (s) *s = c->s;
  if (n) *n = c->n;
  if (t) *t = c->t;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortGetArrays(NMCohort c, PetscReal **weights, PetscReal **lengths, PetscReal **bold)
{
  PetscFunctionBegin;
  if (weights) *weights = c->weights;
  if (lengths) *lengths = c->lengths;
  if (bold) *bold = c->bold;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSetTR(NMCohort c, PetscReal tr)
{
  PetscFunctionBeginUser;
  PetscCheck(tr > 0 && PetscIsNormalReal(tr), c->comm, PETSC_ERR_ARG_OUTOFRANGE, "TR %g s must be positive", (double)tr);
  c->tr = tr;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortGetTR(NMCohort c, PetscReal *tr)
{
  PetscFunctionBegin;
  *tr = c->tr;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMReplaceString(char **slot, const char value[])
{
  PetscFunctionBegin;
  PetscCall(PetscFree(*slot));
  PetscCall(PetscStrallocpy(value, slot));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSetSubjectId(NMCohort c, PetscInt s, const char id[])
{
  PetscFunctionBeginUser;
  PetscCheck(s >= 0 && s < c->s, c->comm, PETSC_ERR_ARG_OUTOFRANGE, "subject %" PetscInt_FMT " outside 0..%" PetscInt_FMT, s, c->s - 1);
  PetscCall(NMReplaceString(&c->ids[s], id));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortGetSubjectIds(NMCohort c, const char *const **ids)
{
  PetscFunctionBegin;
  *ids = (const char *const *)c->ids;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSetRegionLabel(NMCohort c, PetscInt r, const char label[])
{
  PetscFunctionBeginUser;
  PetscCheck(r >= 0 && r < c->n, c->comm, PETSC_ERR_ARG_OUTOFRANGE, "region %" PetscInt_FMT " outside 0..%" PetscInt_FMT, r, c->n - 1);
  PetscCall(NMReplaceString(&c->labels[r], label));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortGetRegionLabels(NMCohort c, const char *const **labels)
{
  PetscFunctionBegin;
  *labels = (const char *const *)c->labels;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSetSource(NMCohort c, const char source[])
{
  PetscFunctionBeginUser;
  PetscCall(NMReplaceString(&c->source, source));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortBcast(MPI_Comm comm, NMCohort *cohort)
{
  PetscMPIInt rank;
  PetscInt    sizes[3];
  PetscReal   tr;
  NMCohort    c;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    sizes[0] = (*cohort)->s;
    sizes[1] = (*cohort)->n;
    sizes[2] = (*cohort)->t;
    tr       = (*cohort)->tr;
  }
  PetscCallMPI(MPI_Bcast(sizes, 3, MPIU_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(&tr, 1, MPIU_REAL, 0, comm));
  if (rank) PetscCall(NMCohortCreate(comm, sizes[0], sizes[1], sizes[2], cohort));
  c       = *cohort;
  c->comm = comm;
  c->tr   = tr;
  PetscCallMPI(MPI_Bcast(c->weights, (PetscMPIInt)(c->s * c->n * c->n), MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(c->lengths, (PetscMPIInt)(c->s * c->n * c->n), MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(c->bold, (PetscMPIInt)(c->s * c->n * c->t), MPIU_REAL, 0, comm));
  PetscCall(NMBcastStrings(comm, c->s, c->ids));
  PetscCall(NMBcastStrings(comm, c->n, c->labels));
  PetscCall(NMBcastStrings(comm, 1, &c->source));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSetTruth(NMCohort c, const char model[], PetscInt nparam, const char *const names[], const PetscReal theta[], const PetscReal G[])
{
  PetscFunctionBeginUser;
  PetscCheck(nparam > 0, c->comm, PETSC_ERR_ARG_OUTOFRANGE, "ground truth needs at least one parameter");
  PetscCall(NMStringsDestroy(c->nparam, &c->param_names));
  PetscCall(PetscFree(c->model));
  PetscCall(PetscFree2(c->truth_theta, c->truth_G));
  c->nparam = nparam;
  PetscCall(PetscStrallocpy(model, &c->model));
  PetscCall(PetscMalloc1(nparam, &c->param_names));
  for (PetscInt p = 0; p < nparam; p++) PetscCall(PetscStrallocpy(names[p], &c->param_names[p]));
  PetscCall(PetscMalloc2(c->s * c->n * nparam, &c->truth_theta, c->s, &c->truth_G));
  PetscCall(PetscArraycpy(c->truth_theta, theta, c->s * c->n * nparam));
  PetscCall(PetscArraycpy(c->truth_G, G, c->s));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortValidate(NMCohort c, const char origin[])
{
  char where[PETSC_MAX_PATH_LEN + NM_LABEL_LEN + 16];

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < c->s; s++) {
    PetscCall(PetscSNPrintf(where, sizeof(where), "%s (subject %s)", origin, c->ids[s]));
    PetscCall(NMCheckMatrix(c->comm, where, "weights", c->n, c->n, c->weights + s * c->n * c->n, PETSC_TRUE));
    PetscCall(NMCheckMatrix(c->comm, where, "tract_lengths", c->n, c->n, c->lengths + s * c->n * c->n, PETSC_TRUE));
    PetscCall(NMCheckMatrix(c->comm, where, "bold", c->n, c->t, c->bold + s * c->n * c->t, PETSC_FALSE));
  }
  PetscCheck(c->t == 0 || c->tr > 0, c->comm, PETSC_ERR_ARG_WRONG, "%s: time series given without a TR", origin);
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortSave(NMCohort c, const char path[])
{
  NMFile            f;
  PetscInt          mdims[3] = {c->s, c->n, c->n}, bdims[3] = {c->s, c->n, c->t}, s0, s1;
  const char *const mnames[] = {"subject", "receiver", "emitter"}, *const bnames[] = {"subject", "region", "time"};
  PetscMPIInt       rank, size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(c->comm, &rank));
  PetscCallMPI(MPI_Comm_size(c->comm, &size));
  s0 = (c->s * rank) / size;
  s1 = (c->s * (rank + 1)) / size;
  PetscCall(NMFileCreate(c->comm, path, NM_FORMAT_COHORT, &f));
  PetscCall(NMFileSetAttributeString(f, "/", "source", c->source));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_subjects", c->s));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_regions", c->n));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_samples", c->t));
  PetscCall(NMFileWriteStrings(f, "subject_ids", c->s, (const char *const *)c->ids, "subject"));
  PetscCall(NMFileWriteStrings(f, "region_labels", c->n, (const char *const *)c->labels, "region"));
  PetscCall(NMFileWriteReal(f, "weights", 3, mdims, mnames, "1", s0, s1, c->weights + s0 * c->n * c->n));
  PetscCall(NMFileWriteReal(f, "tract_lengths", 3, mdims, mnames, "mm", s0, s1, c->lengths + s0 * c->n * c->n));
  if (c->t > 0) {
    PetscCall(NMFileSetAttributeReal(f, "/", "tr", c->tr));
    PetscCall(NMFileWriteReal(f, "bold", 3, bdims, bnames, "a.u.", s0, s1, c->bold + s0 * c->n * c->t));
    PetscCall(NMFileSetAttributeReal(f, "bold", "dt", c->tr));
    PetscCall(NMFileSetAttributeString(f, "bold", "description", "BOLD fMRI time series, one row per (subject, region)"));
  }
  if (c->nparam) {
    const PetscInt    tdims[3] = {c->s, c->n, c->nparam}, gdims[1] = {c->s};
    const char *const tnames[] = {"subject", "region", "parameter"}, *const gnames[] = {"subject"};
    PetscCall(NMFileSetAttributeString(f, "/", "true_model", c->model));
    PetscCall(NMFileWriteStrings(f, "parameter_names", c->nparam, (const char *const *)c->param_names, "parameter"));
    PetscCall(NMFileWriteReal(f, "true_parameters", 3, tdims, tnames, NULL, s0, s1, c->truth_theta + s0 * c->n * c->nparam));
    PetscCall(NMFileWriteReal(f, "true_G", 1, gdims, gnames, NULL, s0, s1, c->truth_G + s0));
  }
  PetscCall(NMFileCommit(&f));
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortLoad(MPI_Comm comm, const char path[], NMCohort *cohort)
{
  NMFile    f;
  NMCohort  c;
  PetscInt  mdims[3], ldims[3], bdims[3] = {0, 0, 0};
  PetscReal tr = 0;
  PetscBool has_tr;
  char      source[4096];

  PetscFunctionBeginUser;
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_COHORT, &f));
  PetscCall(NMFileGetShape(f, "weights", 3, mdims));
  PetscCall(NMFileGetShape(f, "tract_lengths", 3, ldims));
  PetscCheck(mdims[1] == mdims[2] && ldims[0] == mdims[0] && ldims[1] == mdims[1] && ldims[2] == mdims[2], comm, PETSC_ERR_FILE_UNEXPECTED, "%s: weights and tract_lengths must both be subjects x N x N", path);
  PetscCall(NMFileGetAttributeReal(f, "/", "tr", &tr, &has_tr));
  if (has_tr) {
    PetscCall(NMFileGetShape(f, "bold", 3, bdims));
    PetscCheck(bdims[0] == mdims[0] && bdims[1] == mdims[1], comm, PETSC_ERR_FILE_UNEXPECTED, "%s: bold must be %" PetscInt_FMT " x %" PetscInt_FMT " x time", path, mdims[0], mdims[1]);
  }
  PetscCall(NMCohortCreate(comm, mdims[0], mdims[1], bdims[2], &c));
  c->tr = tr;
  PetscCall(NMFileReadReal(f, "weights", 0, c->s, c->weights));
  PetscCall(NMFileReadReal(f, "tract_lengths", 0, c->s, c->lengths));
  if (c->t > 0) PetscCall(NMFileReadReal(f, "bold", 0, c->s, c->bold));
  PetscCall(NMStringsDestroy(c->s, &c->ids));
  PetscCall(NMStringsDestroy(c->n, &c->labels));
  PetscCall(NMFileReadStrings(f, "subject_ids", c->s, &c->ids));
  PetscCall(NMFileReadStrings(f, "region_labels", c->n, &c->labels));
  PetscCall(NMFileGetAttributeString(f, "/", "source", source, sizeof(source), &has_tr));
  if (has_tr) PetscCall(NMCohortSetSource(c, source));
  PetscCall(NMFileDestroy(&f));
  PetscCall(NMCohortValidate(c, path));
  *cohort = c;
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortView(NMCohort c, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "cohort: %" PetscInt_FMT " subjects x %" PetscInt_FMT " regions", c->s, c->n));
  if (c->t) PetscCall(PetscViewerASCIIPrintf(viewer, ", %" PetscInt_FMT " samples at TR %g s (%g s)", c->t, (double)c->tr, (double)(c->t * c->tr)));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n  subjects: %s ... %s\n  source: %s\n", c->ids[0], c->ids[c->s - 1], c->source));
  PetscFunctionReturn(0);
}
