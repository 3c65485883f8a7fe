#include <netmass/import.h>
#include <netmass/sys.h>
#include <matio.h>

/* MATLAB v5/v7.3 files through libmatio. MATLAB stores matrices column-major; netmass
   arrays are row-major, so entries are reordered on reading. */

static void NMMatQuietLog(int level, char *message)
{
  (void)level;
  (void)message; /* netmass reports failures itself, naming the file and variable */
}

PetscErrorCode NMMatReadMatrix(const char path[], const char name[], PetscInt *rows, PetscInt *cols, PetscReal **a)
{
  mat_t    *mat;
  matvar_t *var;
  size_t    ndir = 0;
  char    **dir;
  PetscInt  m, n;

  PetscFunctionBegin;
  Mat_LogInitFunc("netmass", NMMatQuietLog);
  PetscCall(NMCheckReadable(PETSC_COMM_SELF, "MATLAB file", path));
  mat = Mat_Open(path, MAT_ACC_RDONLY);
  PetscCheck(mat, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is not a readable MATLAB .mat file (v5 or v7.3)", path);
  var = Mat_VarRead(mat, name);
  if (!var) {
    /* Accept a file with a single variable under another name (common in pipelines). */
    dir = Mat_GetDir(mat, &ndir);
    if (ndir == 1 && dir && dir[0]) var = Mat_VarRead(mat, dir[0]);
    if (!var) {
      char list[512] = "";
      for (size_t i = 0; dir && i < ndir && i < 16; i++) {
        PetscCall(PetscStrlcat(list, i ? ", " : "", sizeof(list)));
        PetscCall(PetscStrlcat(list, dir[i], sizeof(list)));
      }
      Mat_Close(mat);
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s has no variable '%s' (it holds: %s); name the variable with the matching -hcp_*_var option", path, name, list[0] ? list : "nothing readable");
    }
  }
  if (var->rank != 2 || var->isComplex || (var->class_type != MAT_C_DOUBLE && var->class_type != MAT_C_SINGLE) || !var->data) {
    int rank = var->rank, cls = var->class_type, cplx = var->isComplex;
    Mat_VarFree(var);
    Mat_Close(mat);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: variable '%s' must be a real 2-D double or single matrix (it has rank %d, matio class %d%s)", path, name, rank, cls, cplx ? ", complex" : "");
  }
  m = (PetscInt)var->dims[0];
  n = (PetscInt)var->dims[1];
  PetscCall(PetscMalloc1(m * n, a));
  for (PetscInt i = 0; i < m; i++)
    for (PetscInt j = 0; j < n; j++) {
      size_t k       = (size_t)(j * m + i);
      (*a)[i * n + j] = var->class_type == MAT_C_DOUBLE ? ((const double *)var->data)[k] : (PetscReal)((const float *)var->data)[k];
    }
  Mat_VarFree(var);
  Mat_Close(mat);
  *rows = m;
  *cols = n;
  PetscFunctionReturn(0);
}
