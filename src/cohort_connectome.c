#include <netmass/cohort.h>
#include <netmass/h5file.h>
#include <netmass/preprocess.h>
#include <netmass/rng.h>
#include <netmass/sys.h>

/* Subject connectomes: one subject of a cohort file as a connectome, and a cohort of S
   subjects derived from one base connectome (for a 100-subject study without external
   data: Sip et al.'s cohorts and the fixed-point job of jobs/). */

PetscErrorCode NMCohortLoadConnectome(MPI_Comm comm, const char path[], PetscInt subject, NMConnectome *conn)
{
  NMFile             f;
  PetscInt           dims[3];
  PetscReal         *w, *l;
  char             **labels;
  char               source[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBeginUser;
  PetscCall(NMFileOpen(comm, path, NM_FORMAT_COHORT, &f));
  PetscCall(NMFileGetShape(f, "weights", 3, dims));
  PetscCheck(subject >= 0 && subject < dims[0], comm, PETSC_ERR_ARG_OUTOFRANGE, "subject %" PetscInt_FMT " (0-based) of cohort %s, which has %" PetscInt_FMT " subjects: use -connectome_subject 0..%" PetscInt_FMT " or fewer subjects", subject, path, dims[0], dims[0] - 1);
  PetscCall(NMConnectomeCreate(comm, dims[1], conn));
  PetscCall(NMConnectomeGetArrays(*conn, &w, &l, NULL));
  PetscCall(NMFileReadReal(f, "weights", subject, subject + 1, w));
  PetscCall(NMFileReadReal(f, "tract_lengths", subject, subject + 1, l));
  PetscCall(NMFileReadStrings(f, "region_labels", dims[1], &labels));
  for (PetscInt r = 0; r < dims[1]; r++) PetscCall(NMConnectomeSetLabel(*conn, r, labels[r]));
  PetscCall(NMStringsDestroy(dims[1], &labels));
  PetscCall(NMFileDestroy(&f));
  PetscCall(NMFormat(source, sizeof(source), "subject %" PetscInt_FMT " of cohort %s", subject, path));
  PetscCall(NMConnectomeSetSource(*conn, source));
  PetscCall(NMConnectomeValidate(*conn, path));
  PetscFunctionReturn(0);
}

/* The subjects a -connectome file holds: a cohort file's count, 1 for a connectome file. */
PetscErrorCode NMConnectomeFileSubjects(MPI_Comm comm, const char path[], PetscInt *subjects)
{
  char format[64];

  PetscFunctionBeginUser;
  *subjects = 1;
  PetscCall(NMFileGetFormat(comm, path, format, sizeof(format)));
  if (!strcmp(format, NM_FORMAT_COHORT)) {
    NMFile   f;
    PetscInt dims[3];
    PetscCall(NMFileOpen(comm, path, NM_FORMAT_COHORT, &f));
    PetscCall(NMFileGetShape(f, "weights", 3, dims));
    PetscCall(NMFileDestroy(&f));
    *subjects = dims[0];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMCohortDerive(MPI_Comm comm, NMConnectome base, PetscInt S, PetscReal eps, PetscReal jitter, PetscInt64 seed, NMCohort *cohort)
{
  PetscInt           n;
  PetscReal         *bw, *bl, *w, *l, *bold;
  const char *const *labels;
  char               id[32];

  PetscFunctionBeginUser;
  PetscCheck(S >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-subjects %" PetscInt_FMT " must be >= 1", S);
  PetscCheck(eps >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-subject_eps %g must be >= 0", (double)eps);
  PetscCheck(jitter >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-subject_length_jitter %g must be >= 0", (double)jitter);
  PetscCall(NMConnectomeGetSize(base, &n));
  PetscCall(NMConnectomeGetArrays(base, &bw, &bl, NULL));
  PetscCall(NMConnectomeGetLabels(base, &labels));
  PetscCall(NMCohortCreate(comm, S, n, 0, cohort));
  PetscCall(NMCohortGetArrays(*cohort, &w, &l, &bold));
  for (PetscInt s = 0; s < S; s++) {
    PetscReal *ws = w + s * n * n, *ls = l + s * n * n;
    PetscCall(PetscArraycpy(ws, bw, n * n));
    PetscCall(PetscArraycpy(ls, bl, n * n));
    /* W + eps max(W) Z on existing edges, clipped at 0, rescaled to the base maximum */
    PetscCall(NMMatrixPerturb(n, ws, eps, seed, s));
    /* lengths times exp(jitter z), one z per unordered pair: symmetric and positive */
    if (jitter > 0)
      for (PetscInt i = 0; i < n; i++)
        for (PetscInt j = i + 1; j < n; j++) {
          NMRandomStream st;
          double         z[4];
          NMRandomStreamInit(&st, (uint64_t)seed, (uint32_t)s, 1);
          NMRandomNormal4(&st, (uint64_t)(i * n + j), z);
          ls[i * n + j] *= PetscExpReal(jitter * z[0]);
          ls[j * n + i] *= PetscExpReal(jitter * z[0]);
        }
    PetscCall(PetscSNPrintf(id, sizeof(id), "derived_%03" PetscInt_FMT, s));
    PetscCall(NMCohortSetSubjectId(*cohort, s, id));
  }
  for (PetscInt r = 0; r < n; r++) PetscCall(NMCohortSetRegionLabel(*cohort, r, labels[r]));
  PetscFunctionReturn(0);
}
