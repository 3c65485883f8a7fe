/* -fp_delay_stability: the stability of each equilibrium with the network's delays
   (docs/fixedpoints.md, "Delay stability"). The linearisation at a root X* is
     x_g'(t) = J_gg x_g(t) + sum_j C_gj x_j(t - tau_gj),
   J_gg the node's own Jacobian (its self term included: undelayed), C_gj = df/du G w_gj
   dc/dx_j the coupling block of edge j -> g and tau_gj that edge's mean delay as the
   simulator's kernel defines it (NMSimulatorGetMeanDelays). Its rightmost characteristic
   roots come from NMLinearDDERoots (Chebyshev collocation of the infinitesimal generator,
   then Newton on the characteristic equation). Rank 0 computes them; every rank keeps
   them. */
#include <netmass/delay_roots.h>
#include <netmass/sys.h>
#include "fixedpoint_impl.h"

PetscErrorCode NMFixedPointsDelayStability(NMFixedPoints f)
{
  const PetscInt ns = f->model->nstate, n = f->n, m = n * ns, K = f->delay_nroots, stride = 4 + 2 * K;
  PetscMPIInt    rank;
  PetscReal     *tau, *A0, *val, *etau, *rowbuf, *re, *im, local[256];
  PetscInt      *erow, *ecol, ne = 0, M;
  NMLinearDDE    dde;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCall(PetscMalloc1(n * n, &tau));
  PetscCall(NMSimulatorGetMeanDelays(f->sim, tau));
  for (PetscInt i = 0; i < n * n; i++) ne += f->W[i] != 0;
  ne *= ns * ns;
  PetscCall(PetscMalloc5(m * m, &A0, ne + 1, &val, ne + 1, &etau, ne + 1, &erow, ne + 1, &ecol));
  dde = (NMLinearDDE){m, A0, ne, erow, ecol, val, etau};
  /* the size depends on the delays only: check it before any work */
  for (PetscInt e = 0, i = 0; i < n * n; i++)
    if (f->W[i] != 0)
      for (PetscInt a = 0; a < ns * ns; a++) etau[e++] = tau[i];
  M = NMLinearDDESize(&dde, f->delay_points);
  PetscCheck(M <= f->delay_max_size, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "-fp_delay_stability: the discretised delay generator would be %" PetscInt_FMT " x %" PetscInt_FMT " (%" PetscInt_FMT " unknowns x %" PetscInt_FMT " collocation points), above -fp_delay_max_size %" PetscInt_FMT ": lower -fp_delay_points or raise -fp_delay_max_size (memory 8 M^2 bytes, time ~ M^3)", M, M, m, M / m, f->delay_max_size);
  PetscCall(PetscFree(f->delay));
  PetscCall(PetscCalloc1(f->nroots * stride + 1, &f->delay));
  PetscCall(PetscMalloc3(ns * m, &rowbuf, M, &re, M, &im));
  PetscCall(PetscLogEventBegin(NM_EVENT_FPDelayRoots, 0, 0, 0, 0));
  for (PetscInt k = 0; k < f->nroots && !rank; k++) {
    const PetscReal  *x = f->roots + k * m;
    PetscReal        *out = f->delay + k * stride;
    NMFixedPointClass cls;
    PetscInt          unstable;
    ne = 0;
    PetscCall(PetscArrayzero(A0, m * m));
    for (PetscInt j = 0; j < n; j++) f->model->coupling(f->model->ctx, x + j * ns, f->theta + j * f->model->nparam, f->c + j * f->model->ncoupling);
    for (PetscInt g = 0; g < n; g++) {
      PetscCall(NMFPJacobianParts(f, x, g, local, rowbuf));
      for (PetscInt a = 0; a < ns; a++)
        for (PetscInt b = 0; b < ns; b++) A0[(g * ns + a) * m + g * ns + b] = local[a * ns + b];
      for (PetscInt j = 0; j < n; j++) {
        if (f->W[g * n + j] == 0) continue;
        for (PetscInt a = 0; a < ns; a++)
          for (PetscInt b = 0; b < ns; b++) {
            erow[ne] = g * ns + a;
            ecol[ne] = j * ns + b;
            val[ne]  = rowbuf[a * m + j * ns + b];
            etau[ne] = tau[g * n + j];
            ne++;
          }
      }
    }
    dde.ne = ne;
    PetscCall(NMLinearDDERoots(&dde, f->delay_points, K, re, im));
    PetscCall(NMFixedPointClassify(M, re, im, &cls, &unstable, &out[2], &out[3]));
    out[0] = cls;
    out[1] = unstable;
    for (PetscInt i = 0; i < K; i++) {
      out[4 + i]     = i < M ? re[i] : 0;
      out[4 + K + i] = i < M ? im[i] : 0;
    }
  }
  PetscCall(PetscLogEventEnd(NM_EVENT_FPDelayRoots, 0, 0, 0, 0));
  PetscCallMPI(MPI_Bcast(f->delay, (PetscMPIInt)(f->nroots * stride), MPIU_REAL, 0, f->comm));
  PetscCall(PetscFree3(rowbuf, re, im));
  PetscCall(PetscFree5(A0, val, etau, erow, ecol));
  PetscCall(PetscFree(tau));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsWriteDelayStability(NMFixedPoints f, NMFile file)
{
  const PetscInt    R = f->nroots, K = f->delay_nroots, stride = 4 + 2 * K;
  const PetscInt    idims[2] = {R, 4}, rdims[2] = {R, K};
  const char *const inames[] = {"root", "class_unstable_maxre_frequency"}, *const rnames[] = {"root", "characteristic_root"};
  PetscMPIInt       rank;
  PetscReal        *info, *re, *im;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCall(PetscMalloc3(4 * R + 1, &info, K * R + 1, &re, K * R + 1, &im));
  for (PetscInt k = 0; k < R; k++) {
    PetscCall(PetscArraycpy(info + 4 * k, f->delay + k * stride, 4));
    PetscCall(PetscArraycpy(re + K * k, f->delay + k * stride + 4, K));
    PetscCall(PetscArraycpy(im + K * k, f->delay + k * stride + 4 + K, K));
  }
  PetscCall(NMFileWriteReal(file, "delay_stability", 2, idims, inames, NULL, 0, rank ? 0 : R, info));
  PetscCall(NMFileSetAttributeString(file, "delay_stability", "columns", "class with the delays (0 stable node, 1 stable focus, 2 saddle, 5 non-hyperbolic: as classification, from the rightmost characteristic roots), unstable characteristic roots, max Re lambda (1/s), frequency of the rightmost root (Hz)"));
  PetscCall(NMFileWriteReal(file, "delay_roots_real", 2, rdims, rnames, "1/s", 0, rank ? 0 : R, re));
  PetscCall(NMFileWriteReal(file, "delay_roots_imag", 2, rdims, rnames, "1/s", 0, rank ? 0 : R, im));
  PetscCall(NMFileSetAttributeString(file, "/", "delay_stability", "rightmost roots of det(lambda I - A0 - sum_e C_e exp(-lambda tau_e)) = 0, tau_e the mean delay of each edge: Chebyshev collocation of the infinitesimal generator (Breda, Maset & Vermiglio 2005) refined by Newton on the characteristic equation"));
  PetscCall(NMFileSetAttributeInt(file, "/", "delay_collocation_points", f->delay_points));
  PetscCall(PetscFree3(info, re, im));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFixedPointsGetDelayStability(NMFixedPoints f, const PetscReal **delay)
{
  PetscFunctionBegin;
  PetscCheck(f->delay, f->comm, PETSC_ERR_ARG_WRONGSTATE, "no delay stability: give -fp_delay_stability and solve first");
  *delay = f->delay;
  PetscFunctionReturn(0);
}
