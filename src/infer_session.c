/* A trained model and the cohort it is applied to (include/netmass/infer_posterior.h). */
#include <netmass/infer_posterior.h>
#include <netmass/sys.h>

PetscErrorCode NMInferSessionLoad(MPI_Comm comm, const char model_path[], const char cohort_path[], NMInferSession *ses)
{
  const NMInferDims *d;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(ses, sizeof(*ses)));
  PetscCheck(model_path[0], comm, PETSC_ERR_ARG_WRONG, "missing option -model: give a model file written by netmass train, e.g. -model model.h5");
  PetscCheck(cohort_path[0], comm, PETSC_ERR_ARG_WRONG, "missing option -cohort: give the cohort the model was trained on, e.g. -cohort cohort.h5");
  PetscCall(NMInferTrainedLoad(comm, model_path, &ses->trained));
  PetscCall(NMInferModelGetDims(ses->trained.model, &d));
  PetscCall(NMCheckReadable(comm, "-cohort", cohort_path));
  PetscCall(NMCohortLoad(comm, cohort_path, &ses->cohort));
  PetscCall(NMInferItemsCreate(ses->cohort, cohort_path, 2, &ses->items));
  PetscCheck(ses->items.nregions == d->nregions, comm, PETSC_ERR_ARG_INCOMP, "-cohort %s has %" PetscInt_FMT " regions but -model %s was trained on %" PetscInt_FMT ": give the cohort the model was trained on", cohort_path, ses->items.nregions, model_path, d->nregions);
  PetscCheck(ses->items.nsub == d->nsub, comm, PETSC_ERR_ARG_INCOMP, "-cohort %s has %" PetscInt_FMT " subjects but -model %s was trained on %" PetscInt_FMT " (the encoders see a one-hot subject index): give the cohort the model was trained on", cohort_path, ses->items.nsub, model_path, d->nsub);
  PetscCheck(ses->items.nt == d->nt, comm, PETSC_ERR_ARG_INCOMP, "-cohort %s has %" PetscInt_FMT " samples per region but -model %s was trained on %" PetscInt_FMT, cohort_path, ses->items.nt, model_path, d->nt);
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferSessionDestroy(NMInferSession *ses)
{
  PetscFunctionBegin;
  PetscCall(NMInferTrainedDestroy(&ses->trained));
  PetscCall(NMCohortDestroy(&ses->cohort));
  PetscCall(NMInferItemsDestroy(&ses->items));
  PetscFunctionReturn(0);
}

PetscErrorCode NMInferEncodeRange(NMInferModel m, const NMInferItems *it, PetscInt i0, PetscInt i1, double thr_mu[], double thr_lv[], double x_mu[], double x_lv[])
{
  const NMInferDims *d;
  const PetscInt     chunk = 64;

  PetscFunctionBegin;
  PetscCall(NMInferModelGetDims(m, &d));
  for (PetscInt k = i0; k < i1; k += chunk) {
    const PetscInt nb = PetscMin(chunk, i1 - k), o = k - i0;
    NMInferBatch   b  = {nb, it->y + (size_t)k * it->nt, it->u + (size_t)k * it->nt, it->subject + k, it->item + k};
    PetscCall(NMInferEncode(m, &b, thr_mu ? thr_mu + (size_t)o * d->mr : NULL, thr_lv ? thr_lv + (size_t)o * d->mr : NULL, x_mu ? x_mu + (size_t)o * d->nt * d->ns : NULL, x_lv ? x_lv + (size_t)o * d->nt * d->ns : NULL));
  }
  PetscFunctionReturn(0);
}
