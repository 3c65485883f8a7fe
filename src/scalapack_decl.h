#pragma once
/* The BLACS, PBLAS and ScaLAPACK routines netmass calls (Debian's libscalapack-openmpi,
   ScaLAPACK 2.2, ships no C header). Fortran conventions: every argument by reference,
   matrices column-major and described by a 9-integer array descriptor
   (DTYPE, CTXT, M, N, MB, NB, RSRC, CSRC, LLD), indices 1-based; the hidden lengths of
   the single-character arguments are left out (every caller passes one character). */
#include <mpi.h>

/* BLACS (C interface) */
void Cblacs_pinfo(int *mypnum, int *nprocs);
int  Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
void Cblacs_gridinit(int *ictxt, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int ictxt, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int ictxt);

/* ScaLAPACK tools */
int  numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc, const int *icsrc, const int *ictxt, const int *lld, int *info);

/* Redistribution between any two block-cyclic layouts; ictxt spans every process of both. */
void pdgemr2d_(const int *m, const int *n, const double *a, const int *ia, const int *ja, const int *desca, double *b, const int *ib, const int *jb, const int *descb, const int *ictxt);

/* PBLAS */
void pdgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k, const double *alpha, const double *a, const int *ia, const int *ja, const int *desca, const double *b, const int *ib, const int *jb, const int *descb, const double *beta, double *c, const int *ic, const int *jc, const int *descc);
void pdtran_(const int *m, const int *n, const double *alpha, const double *a, const int *ia, const int *ja, const int *desca, const double *beta, double *c, const int *ic, const int *jc, const int *descc);

/* ScaLAPACK drivers */
void pdsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *ia, const int *ja, const int *desca, const double *vl, const double *vu, const int *il, const int *iu, int *m, int *nz, double *w, double *z, const int *iz, const int *jz, const int *descz, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void pdgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *ia, const int *ja, const int *desca, double *s, double *u, const int *iu, const int *ju, const int *descu, double *vt, const int *ivt, const int *jvt, const int *descvt, double *work, const int *lwork, int *info);
/* Nonsymmetric eigenvalues: Hessenberg reduction, then the multishift Hessenberg QR
   algorithm of PDLAHQR (Henry, Watkins & Dongarra; square blocks of at least 6; the
   logical arguments are Fortran LOGICALs, 0 = .FALSE.). */
void pdgehrd_(const int *n, const int *ilo, const int *ihi, double *a, const int *ia, const int *ja, const int *desca, double *tau, double *work, const int *lwork, int *info);
void pdlahqr_(const int *wantt, const int *wantz, const int *n, const int *ilo, const int *ihi, double *a, const int *desca, double *wr, double *wi, const int *iloz, const int *ihiz, double *z, const int *descz, double *work, const int *lwork, int *iwork, const int *ilwork, int *info);
void pdposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *ia, const int *ja, const int *desca, double *b, const int *ib, const int *jb, const int *descb, int *info);
