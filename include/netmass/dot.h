#pragma once
/* The dot product of the connectome-tensor contraction (a delay kernel against a window
   of an emitter's history), vectorised without -ffast-math.

   The summation order is part of the definition, not left to the compiler: 16 partial
   sums (four 4-wide accumulators, element i goes to sum i mod 16 while 16 remain), then
   4-element blocks into the first accumulator, then fewer than 4 elements into a scalar
   tail; the accumulators are added as (a0 + a1) + (a2 + a3), their lanes as
   (l0 + l1) + (l2 + l3), and the tail last. No fused multiply-add. The same source is
   compiled twice, for the baseline x86-64 (SSE2) and for AVX2, and the AVX2 copy is
   chosen at run time when the CPU has it: both give the same bits, so results do not
   depend on the machine, the rank count or the run. A one-element dot is exactly a[0] b[0]. */
#include <petscsys.h>

typedef PetscReal (*NMDotFn)(const PetscReal *restrict a, const PetscReal *restrict b, PetscInt n);

PETSC_EXTERN PetscReal NMDotGeneric(const PetscReal *restrict a, const PetscReal *restrict b, PetscInt n);
/* The AVX2 copy; NULL when the compiler or the CPU lacks AVX2 (see NMDotSelect). */
PETSC_EXTERN NMDotFn NMDotAVX2(void);
/* The fastest copy this CPU runs; `simd` false: the baseline one. */
PETSC_EXTERN NMDotFn NMDotSelect(PetscBool simd);
