#include <netmass/cohort.h>
#include <netmass/h5file.h>
#include <netmass/sys.h>
#include "fixedpoint_impl.h"

/* A record per subject, packed by the group that solved it:
   [subject, nroots, solves, converged, iterations, status, roots (nroots m), re (nroots m),
   im (nroots m)]; status 0 solved, 1 failed (no roots then). */
#define NM_COHORT_HEAD 6

static PetscErrorCode NMCohortPack(NMFixedPoints f, PetscInt subject, PetscBool failed, PetscReal **buf, PetscInt *len, PetscInt *cap)
{
  const PetscInt nroots = failed ? 0 : f->nroots, m = failed ? 0 : f->n * f->model->nstate, need = NM_COHORT_HEAD + 3 * nroots * m;
  PetscReal     *r;

  PetscFunctionBegin;
  if (*len + need > *cap) {
    PetscReal *grown;
    *cap = PetscMax(2 * *cap, *len + need);
    PetscCall(PetscMalloc1(*cap, &grown));
    if (*len) PetscCall(PetscArraycpy(grown, *buf, *len));
    PetscCall(PetscFree(*buf));
    *buf = grown;
  }
  r    = *buf + *len;
  r[0] = subject;
  r[1] = nroots;
  r[2] = f->solves;
  r[3] = f->converged;
  r[4] = f->iterations;
  r[5] = failed;
  if (nroots) {
    PetscCall(PetscArraycpy(r + NM_COHORT_HEAD, f->roots, nroots * m));
    PetscCall(PetscArraycpy(r + NM_COHORT_HEAD + nroots * m, f->re, nroots * m));
    PetscCall(PetscArraycpy(r + NM_COHORT_HEAD + 2 * nroots * m, f->im, nroots * m));
  }
  *len += need;
  PetscFunctionReturn(0);
}

/* Rank 0 of comm writes every subject's results (gathered there) in subject order. */
static PetscErrorCode NMCohortWrite(MPI_Comm comm, PetscInt S, PetscInt n, PetscInt ns, const char model[], PetscReal G, const PetscReal *all, PetscInt len, PetscInt groups, const char path[])
{
  const PetscInt    m = n * ns;
  PetscMPIInt       rank;
  PetscInt          R = 0, *at, failed = 0;
  PetscReal        *subj, *roots, *re, *im, *cls;
  NMFile            file;
  const char *const snames[] = {"subject", "roots_stable_solves_converged_iterations_status"}, *const rnames[] = {"root", "region", "state"}, *const enames[] = {"root", "eigenvalue"}, *const cnames[] = {"root", "subject_class_unstable_maxre_frequency"};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscCalloc1(S, &at));
  for (PetscInt p = 0; p < len; p += NM_COHORT_HEAD + 3 * (PetscInt)all[p + 1] * m) {
    at[(PetscInt)all[p]] = p;
    R += (PetscInt)all[p + 1];
  }
  PetscCallMPI(MPI_Bcast(&R, 1, MPIU_INT, 0, comm));
  PetscCall(PetscCalloc5(6 * S + 1, &subj, R * m + 1, &roots, R * m + 1, &re, R * m + 1, &im, 5 * R + 1, &cls));
  if (!rank) {
    PetscInt k = 0;
    for (PetscInt s = 0; s < S; s++) {
      const PetscReal *r  = all + at[s];
      const PetscInt   nr = (PetscInt)r[1];
      PetscInt         stable = 0;
      for (PetscInt j = 0; j < nr; j++, k++) {
        NMFixedPointClass c;
        PetscInt          unstable;
        PetscCall(PetscArraycpy(roots + k * m, r + NM_COHORT_HEAD + j * m, m));
        PetscCall(PetscArraycpy(re + k * m, r + NM_COHORT_HEAD + (nr + j) * m, m));
        PetscCall(PetscArraycpy(im + k * m, r + NM_COHORT_HEAD + (2 * nr + j) * m, m));
        PetscCall(NMFixedPointClassify(m, re + k * m, im + k * m, &c, &unstable, &cls[5 * k + 3], &cls[5 * k + 4]));
        cls[5 * k]     = s;
        cls[5 * k + 1] = c;
        cls[5 * k + 2] = unstable;
        stable += unstable == 0;
      }
      subj[6 * s]     = nr;
      subj[6 * s + 1] = stable;
      subj[6 * s + 2] = r[2];
      subj[6 * s + 3] = r[3];
      subj[6 * s + 4] = r[4];
      subj[6 * s + 5] = r[5];
      failed += r[5] != 0;
    }
  }
  PetscCall(NMFileCreate(comm, path, NM_FORMAT_FIXEDPOINTS, &file));
  PetscCall(NMFileSetAttributeString(file, "/", "model", model));
  PetscCall(NMFileSetAttributeReal(file, "/", "G", G));
  PetscCall(NMFileSetAttributeInt(file, "/", "n_subjects", S));
  PetscCall(NMFileSetAttributeInt(file, "/", "n_roots", R));
  PetscCall(NMFileSetAttributeInt(file, "/", "groups", groups));
  PetscCallMPI(MPI_Bcast(&failed, 1, MPIU_INT, 0, comm));
  PetscCall(NMFileSetAttributeInt(file, "/", "n_failed", failed));
  {
    const PetscInt sd[2] = {S, 6}, rd[3] = {R, n, ns}, ed[2] = {R, m}, cd[2] = {R, 5};
    PetscCall(NMFileWriteReal(file, "subjects", 2, sd, snames, NULL, 0, rank ? 0 : S, subj));
    PetscCall(NMFileSetAttributeString(file, "subjects", "columns", "roots found, stable roots, SNES solves, converged solves, Newton iterations, status (0 solved, 1 failed: see the run's error output)"));
    if (R > 0) {
      PetscCall(NMFileWriteReal(file, "roots", 3, rd, rnames, NULL, 0, rank ? 0 : R, roots));
      PetscCall(NMFileWriteReal(file, "eigenvalues_real", 2, ed, enames, "1/s", 0, rank ? 0 : R, re));
      PetscCall(NMFileWriteReal(file, "eigenvalues_imag", 2, ed, enames, "1/s", 0, rank ? 0 : R, im));
      PetscCall(NMFileWriteReal(file, "classification", 2, cd, cnames, NULL, 0, rank ? 0 : R, cls));
      PetscCall(NMFileSetAttributeString(file, "classification", "columns", "subject, class (0 stable node, 1 stable focus, 2 saddle, 3 unstable node, 4 unstable focus, 5 non-hyperbolic), unstable directions, max Re lambda (1/s), leading frequency (Hz)"));
    }
  }
  PetscCall(NMFileCommit(&file));
  PetscCall(PetscFree5(subj, roots, re, im, cls));
  PetscCall(PetscFree(at));
  PetscFunctionReturn(0);
}

/* A subject that fails (bad input of its own, e.g. a non-finite connectome entry, or a
   solver error) is reported and recorded as failed; the others still finish. The error
   is caught by a handler that keeps its first message instead of aborting. A failure
   must be met by every rank of the group (input errors are; a group of one rank always
   is): a rank failing alone inside a collective operation cannot be recovered. */
typedef struct {
  char msg[512];
} NMCaughtError;

static PetscErrorCode NMCatchError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  NMCaughtError *c = (NMCaughtError *)ctx;

  (void)comm;
  (void)line;
  (void)fun;
  (void)file;
  if (p == PETSC_ERROR_INITIAL && !c->msg[0]) PetscStrncpy(c->msg, mess ? mess : "error", sizeof(c->msg));
  return n;
}

static PetscErrorCode NMCohortSolveSubject(PetscInt s, PetscReal eps, NMFixedPoints fp)
{
  PetscFunctionBegin;
  PetscCall(NMFixedPointsSetFromOptions(fp));
  PetscCall(NMFixedPointsSetSubject(fp, s, eps));
  PetscCall(NMFixedPointsSolve(fp));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsCohort(MPI_Comm comm, PetscInt S, PetscReal eps, PetscInt group_size, const char path[])
{
  PetscMPIInt rank, size, grank, *counts = NULL, *displs = NULL;
  MPI_Comm    group;
  MPI_Win     win;
  int        *counter, one = 1;
  PetscReal  *mine = NULL, *all = NULL, G = 0;
  PetscInt    len = 0, cap = 0, total = 0, n = 0, ns = 0;
  char        model[64] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(S > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_subjects must be positive");
  PetscCheck(group_size >= 1 && size % group_size == 0, comm, PETSC_ERR_ARG_WRONG, "-fp_group_size %" PetscInt_FMT " must divide the %d ranks", group_size, (int)size);
  {
    /* a cohort file given as -connectome must hold every subject asked for (a subject's
       own bad data is recorded as that subject's failure below; a count that cannot match
       is the whole run's error) */
    char      conn[PETSC_MAX_PATH_LEN] = "";
    PetscBool set;
    PetscInt  have;
    PetscCall(PetscOptionsGetString(NULL, NULL, "-connectome", conn, sizeof(conn), &set));
    if (set && conn[0]) {
      PetscCall(NMConnectomeFileSubjects(comm, conn, &have));
      PetscCheck(have == 1 || S <= have, comm, PETSC_ERR_ARG_SIZ, "-fp_subjects %" PetscInt_FMT ": the cohort file %s (-connectome) holds %" PetscInt_FMT " subjects: ask for at most %" PetscInt_FMT, S, conn, have, have);
    }
  }
  PetscCallMPI(MPI_Comm_split(comm, rank / (PetscMPIInt)group_size, rank, &group));
  PetscCallMPI(MPI_Comm_rank(group, &grank));
  /* the next subject to hand out: a counter on rank 0, taken with an atomic fetch-and-add */
  PetscCallMPI(MPI_Win_allocate(rank ? 0 : sizeof(int), sizeof(int), MPI_INFO_NULL, comm, &counter, &win));
  if (!rank) *counter = 0;
  PetscCallMPI(MPI_Barrier(comm));
  for (;;) {
    int           s = 0;
    NMFixedPoints fp;
    if (!grank) {
      PetscCallMPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
      PetscCallMPI(MPI_Fetch_and_op(&one, &s, MPI_INT, 0, 0, MPI_SUM, win));
      PetscCallMPI(MPI_Win_unlock(0, win));
    }
    PetscCallMPI(MPI_Bcast(&s, 1, MPI_INT, 0, group));
    if (s >= S) break;
    {
      NMCaughtError  caught = {""};
      PetscErrorCode ierr;
      PetscCall(NMFixedPointsCreate(group, &fp));
      PetscCall(PetscPushErrorHandler(NMCatchError, &caught));
      ierr = NMCohortSolveSubject(s, eps, fp);
      PetscCall(PetscPopErrorHandler());
      if (ierr && !grank) PetscCall(PetscFPrintf(PETSC_COMM_SELF, stderr, "netmass fixedpoints: subject %d failed: %s\n", s, caught.msg));
      if (!grank) PetscCall(NMCohortPack(fp, s, (PetscBool)(ierr != 0), &mine, &len, &cap));
      if (!ierr) {
        n  = fp->n;
        ns = fp->model->nstate;
        G  = fp->G;
        PetscCall(PetscStrncpy(model, fp->model->name, sizeof(model)));
      }
      PetscCall(NMFixedPointsDestroy(&fp));
    }
  }
  PetscCallMPI(MPI_Win_free(&win));
  PetscCallMPI(MPI_Comm_free(&group));
  /* every result to rank 0 (the network's size and model are those of any rank that solved) */
  {
    PetscMPIInt mylen = (PetscMPIInt)len;
    PetscInt    dims[2] = {n, ns};
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, dims, 2, MPIU_INT, MPI_MAX, comm));
    n  = dims[0];
    ns = dims[1];
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &G, 1, MPIU_REAL, MPI_MAX, comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, model, sizeof(model), MPI_CHAR, MPI_MAX, comm));
    if (!rank) PetscCall(PetscMalloc2(size, &counts, size, &displs));
    PetscCallMPI(MPI_Gather(&mylen, 1, MPI_INT, counts, 1, MPI_INT, 0, comm));
    if (!rank) {
      displs[0] = 0;
      for (PetscMPIInt r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
      total = displs[size - 1] + counts[size - 1];
      PetscCall(PetscMalloc1(total + 1, &all));
    }
    PetscCallMPI(MPI_Gatherv(mine, mylen, MPIU_REAL, all, counts, displs, MPIU_REAL, 0, comm));
  }
  PetscCall(NMCohortWrite(comm, S, n, ns, model, G, all, total, size / (PetscMPIInt)group_size, path));
  PetscCall(PetscFree(mine));
  PetscCall(PetscFree(all));
  if (!rank) PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}
