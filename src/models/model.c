/* The registry of node models and the checks shared by all of them. */
#include <strings.h> /* strcasecmp */

#include <netmass/model.h>
#include <netmass/sys.h>

const NMModelType *const NMModelTypes[] = {&NMModelZJR, &NMModelHopf, &NMModelHopfPlain, &NMModelPMFM, &NMModelRWW2, &NMModelLinear, NULL};

PetscErrorCode NMModelFind(MPI_Comm comm, const char name[], const NMModelType **model)
{
  char names[256] = "";

  PetscFunctionBeginUser;
  *model = NULL;
  PetscCheck(name && name[0], comm, PETSC_ERR_ARG_NULL, "-model needs a model name");
  for (PetscInt k = 0; NMModelTypes[k]; k++) {
    if (!strcmp(NMModelTypes[k]->name, name)) {
      *model = NMModelTypes[k];
      PetscFunctionReturn(0);
    }
    PetscCall(PetscStrlcat(names, " ", sizeof(names)));
    PetscCall(PetscStrlcat(names, NMModelTypes[k]->name, sizeof(names)));
  }
  SETERRQ(comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "-model %s: unknown model; choose one of%s", name, names);
}

/* Case-insensitive, as PETSc's options database is: -pmfm_I_o and -pmfm_i_o are the same
   option, so a parameter file's header may spell the name either way. No model has two
   names differing only in case (tests/unit/test_models.c checks it). */
PetscInt NMModelParamIndex(const NMModelType *model, const char name[])
{
  if (!model || !name) return -1;
  for (PetscInt i = 0; i < model->nparam; i++)
    if (!strcasecmp(model->params[i].name, name)) return i;
  return -1;
}

/* "[1e-12, inf)", "(-inf, inf)": the domain as a reader would write it, with the
   +-PETSC_MAX_REAL sentinels shown as infinities. */
static PetscErrorCode NMParamDomain(const NMParamInfo *p, char buf[], size_t len)
{
  char lo[32], hi[32];

  PetscFunctionBeginUser;
  if (p->lower <= -PETSC_MAX_REAL) PetscCall(NMFormat(lo, sizeof(lo), "(-inf"));
  else PetscCall(NMFormat(lo, sizeof(lo), "[%g", (double)p->lower));
  if (p->upper >= PETSC_MAX_REAL) PetscCall(NMFormat(hi, sizeof(hi), "inf)"));
  else PetscCall(NMFormat(hi, sizeof(hi), "%g]", (double)p->upper));
  PetscCall(NMFormat(buf, len, "%s, %s", lo, hi));
  PetscFunctionReturn(0);
}

PetscErrorCode NMModelCheckParams(MPI_Comm comm, const NMModelType *model, const PetscReal theta[], const char where[])
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < model->nparam; i++) {
    const NMParamInfo *p = &model->params[i];
    char               domain[80];

    PetscCheck(!PetscIsInfOrNanReal(theta[i]), comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: %s parameter %s (-%s_%s, %s) is %g; it must be a finite number", where, model->name, p->name, model->name, p->name, p->units, (double)theta[i]);
    if (theta[i] >= p->lower && theta[i] <= p->upper) continue;
    PetscCall(NMParamDomain(p, domain, sizeof(domain)));
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: %s parameter %s (-%s_%s) = %g is outside its domain %s (units %s): %s", where, model->name, p->name, model->name, p->name, (double)theta[i], domain, p->units, p->description);
  }
  PetscFunctionReturn(0);
}
