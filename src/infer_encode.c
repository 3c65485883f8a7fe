/* netmass encode: the posteriors of theta_r and of the states of every (subject, region)
   item, items split over the ranks in contiguous shares (include/netmass/infer_posterior.h). */
#include <netmass/infer_posterior.h>
#include <netmass/sys.h>

PetscErrorCode NMInferEncodeWrite(MPI_Comm comm, NMInferSession *ses, const char path[])
{
  const NMInferDims *d;
  NMInferGenerative  g;
  NMFile             f;
  PetscMPIInt        rank, size;
  PetscInt           i0, i1, ni = ses->items.nitems;
  double            *thr_mu, *thr_lv, *x_mu, *x_lv;
  PetscReal         *col;
  const char *const  rdims[] = {"item", "parameter"}, *const xdims[] = {"item", "time", "state"}, *const idim[] = {"item"}, *const sdims[] = {"subject", "parameter"};

  PetscFunctionBegin;
  PetscCall(NMInferModelGetDims(ses->trained.model, &d));
  PetscCall(NMInferModelGetGenerative(ses->trained.model, &g));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  NMInferPartition(ni, size, rank, &i0, &i1);
  PetscCall(PetscMalloc4((size_t)(i1 - i0) * d->mr + 1, &thr_mu, (size_t)(i1 - i0) * d->mr + 1, &thr_lv, (size_t)(i1 - i0) * d->nt * d->ns + 1, &x_mu, (size_t)(i1 - i0) * d->nt * d->ns + 1, &x_lv));
  PetscCall(NMInferEncodeRange(ses->trained.model, &ses->items, i0, i1, thr_mu, thr_lv, x_mu, x_lv));

  PetscCall(NMFileCreate(comm, path, NM_FORMAT_ENCODING, &f));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_subjects", d->nsub));
  PetscCall(NMFileSetAttributeInt(f, "/", "n_regions", d->nregions));
  PetscCall(NMFileSetAttributeString(f, "/", "description", "posterior q(theta_r | item) and q(x | item) of every item = subject * n_regions + region; q(theta_s) per subject"));
  {
    const PetscInt rd[2] = {ni, d->mr}, xd[3] = {ni, d->nt, d->ns};
    PetscCall(NMFileWriteReal(f, "theta_r_mu", 2, rd, rdims, NULL, i0, i1, thr_mu));
    PetscCall(NMFileWriteReal(f, "theta_r_logvar", 2, rd, rdims, NULL, i0, i1, thr_lv));
    PetscCall(NMFileWriteReal(f, "x_mu", 3, xd, xdims, NULL, i0, i1, x_mu));
    PetscCall(NMFileWriteReal(f, "x_logvar", 3, xd, xdims, NULL, i0, i1, x_lv));
  }
  {
    const PetscInt sd[2] = {d->nsub, g.ms_eff}, id[1] = {ni};
    PetscCall(NMFileWriteReal(f, "theta_s_mu", 2, sd, sdims, NULL, 0, rank ? 0 : d->nsub, g.ths_mu));
    PetscCall(NMFileWriteReal(f, "theta_s_logvar", 2, sd, sdims, NULL, 0, rank ? 0 : d->nsub, g.ths_logvar));
    PetscCall(PetscMalloc1(ni, &col));
    for (PetscInt i = 0; i < ni; i++) col[i] = (PetscReal)ses->items.subject[i];
    PetscCall(NMFileWriteReal(f, "subject", 1, id, idim, NULL, 0, rank ? 0 : ni, col));
    for (PetscInt i = 0; i < ni; i++) col[i] = (PetscReal)(ses->items.item[i] % d->nregions);
    PetscCall(NMFileWriteReal(f, "region", 1, id, idim, NULL, 0, rank ? 0 : ni, col));
    for (PetscInt i = 0; i < ni; i++) col[i] = (PetscReal)ses->trained.is_test[i];
    PetscCall(NMFileWriteReal(f, "is_test", 1, id, idim, NULL, 0, rank ? 0 : ni, col));
    PetscCall(PetscFree(col));
  }
  PetscCall(NMFileCommit(&f));
  PetscCall(PetscFree4(thr_mu, thr_lv, x_mu, x_lv));
  PetscFunctionReturn(0);
}
