# Site settings for the netmass Slurm jobs: the one file a site edits. Every script in
# jobs/ sources it at the start of the job; the submit wrapper also sources it before
# calling sbatch, and so can you (`. jobs/site.sh`), so that its SBATCH_* defaults
# (sbatch's own environment variables) apply to the submissions.
#
# Modules that provide MPI, PETSc and parallel HDF5 as netmass was built against, e.g.
#   module load openmpi/4.1 petsc/3.18 hdf5-mpi/1.10
# Partition, account, QOS for every submission; an option on the sbatch command line wins:
#   export SBATCH_PARTITION=compute SBATCH_ACCOUNT=brainproject

# The netmass executable: a path, or a name found on PATH after the module loads.
export NETMASS=${NETMASS:-netmass}
# How a job step starts the MPI ranks (split on spaces): Slurm's srun with PMIx, or the
# MPI library's own launcher inside the allocation, e.g. NETMASS_LAUNCH=mpirun.
export NETMASS_LAUNCH=${NETMASS_LAUNCH:-srun --mpi=pmix}
# Ranks are netmass's parallelism: one BLAS/OpenMP thread per rank.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
