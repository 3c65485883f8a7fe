# Environment for running netmass with Open MPI on a small machine (sourced by the
# other scripts; source it yourself to run netmass by hand: `. scripts/env.sh`).
# - root is allowed to run MPI jobs (containers and CI run as root);
# - more ranks than cores is allowed (tests run 3 ranks on 2 cores);
# - shared memory transport only, so nothing goes to network interfaces;
# - one OpenBLAS thread per rank: ranks are the parallelism.
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl=self,vader
export OPENBLAS_NUM_THREADS=1
