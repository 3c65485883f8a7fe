/* netmass bench: the performance benchmark of the simulator.

   For each case (a network, a model, a delay kernel and a step) it measures
   - the integration alone, with the real simulator (NMSimulator API, options in a private
     database): wall time of a run of n steps minus that of a run of a few steps, both
     after NMSimulatorSetUp, so set-up, the output file, the initial history and the
     header cancel out; printed as wall seconds per simulated second;
   - the contraction alone (NMTensorContractBlock, in blocks of the lengths the simulator
     gets, on a tensor built exactly as the simulator builds it: same connectome, delay
     model, step and partition), with the pushes and exchanges of a run between the
     timed calls;
   - the bytes the contraction loads per step, counted from the loop's code (see
     NMBenchBytesPerStep), and the bandwidth it achieves as a ratio to the memory
     bandwidth measured here with a STREAM triad; also the bytes a pass of one step
     per step would load, the memory bound of the per-step loop (a blocked pass may
     contract entries faster than that bound allows: it reads less per step).
   Everything is written under a temporary folder that is removed at the end. */
#include <netmass/connectome_tensor.h>
#include <netmass/generators.h>
#include <netmass/import.h>
#include <netmass/integrator.h>
#include <netmass/model.h>
#include <netmass/partition.h>
#include <netmass/simulator.h>
#include <netmass/sys.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"

typedef enum {
  NM_BENCH_TVB998,
  NM_BENCH_RING_SW,
  NM_BENCH_RING_FC,
  NM_BENCH_NNET
} NMBenchNet;

typedef struct {
  const char *name;
  NMBenchNet  net;
  NMDelayType delay;
  PetscReal   dt;       /* s */
  PetscReal   duration; /* simulated s of the timed run at -bench_scale 1 */
  PetscBool   extra;    /* run only when named in -bench_cases */
} NMBenchCase;

/* Durations keep every case to a few seconds on one core. The extra case has a tensor
   (about 0.9 GB) larger than the last-level cache of most machines. */
static const NMBenchCase nm_bench_cases[] = {
  {"tvb998_d2_dt1e-4", NM_BENCH_TVB998,  NM_DELAY_SINGLE, 1e-4, 0.2, PETSC_FALSE},
  {"tvb998_d2_dt1e-3", NM_BENCH_TVB998,  NM_DELAY_SINGLE, 1e-3, 1.0, PETSC_FALSE},
  {"tvb998_d3_dt1e-4", NM_BENCH_TVB998,  NM_DELAY_GAMMA,  1e-4, 0.03, PETSC_FALSE},
  {"tvb998_d3_dt1e-3", NM_BENCH_TVB998,  NM_DELAY_GAMMA,  1e-3, 0.5, PETSC_FALSE},
  {"ring1000_sw_d2",   NM_BENCH_RING_SW, NM_DELAY_SINGLE, 1e-3, 0.5, PETSC_FALSE},
  {"ring1000_sw_d3",   NM_BENCH_RING_SW, NM_DELAY_GAMMA,  1e-3, 0.1, PETSC_FALSE},
  {"ring1000_fc_d2",   NM_BENCH_RING_FC, NM_DELAY_SINGLE, 1e-3, 0.3, PETSC_FALSE},
  {"ring1000_fc_d3",   NM_BENCH_RING_FC, NM_DELAY_GAMMA,  1e-3, 0.03, PETSC_FALSE},
  {"tvb998_d3_dt1e-5", NM_BENCH_TVB998,  NM_DELAY_GAMMA,  1e-5, 4e-4, PETSC_TRUE},
};
#define NM_BENCH_NCASES ((PetscInt)(sizeof(nm_bench_cases) / sizeof(nm_bench_cases[0])))
#define NM_BENCH_SHORT_STEPS 5 /* the run whose time is subtracted */

/* Model settings. 998 regions: rWW2 (Deco et al. 2014) with TVB's defaults. Ring: the
   settings of inputs/zjr_ring1000_{sw,fc}_d3.opts (Gonzalez-Mitjans et al., sec. 3). */
static const char nm_bench_tvb_model[]  = "-model rww2 -G 0.5 -max_delay 0.5 -delay_tail 1e-6 -velocity_peak 7.5 -velocity_halfwidth 3";
static const char nm_bench_ring_model[] = "-model zjr -G 0.01 -zjr_e0 5 -zjr_mu_ste 3 -zjr_sigma_ste 1 -max_delay 0.5 -delay_tail 1e-6 -velocity 7.5 -velocity_peak 7.5 -velocity_halfwidth 3";
static const char nm_bench_ring_net[2][96] = {"-connectome_type smallworld -connectome_n 1000 -ring_circumference 7500", "-connectome_type full -connectome_n 1000 -ring_circumference 7500"};

typedef struct {
  char      zip[PETSC_MAX_PATH_LEN], parent[PETSC_MAX_PATH_LEN], dir[PETSC_MAX_PATH_LEN];
  PetscBool selected[NM_BENCH_NCASES], view, one_node;
  PetscReal scale, velocity, stream_mb;
  PetscInt  stream_reps, repeat;
  NMContractOptions  contract;  /* -contract_* (incl. -contract_block), for the contraction alone and the runs */
  NMPartitionOptions partition; /* -partition*, likewise */
  NMIntegratorType   integrator; /* -bench_integrator */
  /* connectomes, built on first use and saved to dir */
  NMConnectome conn[NM_BENCH_NNET];
  char         conn_path[NM_BENCH_NNET][PETSC_MAX_PATH_LEN];
  /* memory bandwidth, bytes/s */
  PetscReal bw_sum, bw_rank_min, bw_rank_max;
} NMBench;

typedef struct {
  PetscInt64   steps, contract_steps;
  NMTensorInfo info;
  PetscInt     nc;
  PetscReal    velocity;
  PetscReal    setup, t_short, t_long, step_time, s_per_s;
  PetscReal    contract, exchange; /* s per step, max over ranks */
  PetscReal    block;              /* mean steps per pass of the contraction (over ranks) */
  PetscReal    bytes;              /* loaded by the contraction per step, all ranks */
  PetscReal    bytes1;             /* what a pass of one step per step would load */
  PetscReal    distinct;           /* distinct bytes it touches per step, all ranks */
  PetscReal    others_contract, others_run; /* CPU share other processes took meanwhile */
} NMBenchResult;

/* ---------------------------------------------------------------- other load on the node */

/* On a shared machine other processes skew every figure. The benchmark measures how much
   of the node's CPU time they took during each timed part: the busy time of all CPUs in
   /proc/stat minus the CPU time of the benchmark's own ranks (meaningful when every rank
   runs on rank 0's node; otherwise reported as unknown). */
typedef struct {
  double busy, total, own; /* s */
} NMBenchCPU;

static void NMBenchCPURead(NMBenchCPU *c)
{
  unsigned long long v[8];
  const double       hz = (double)sysconf(_SC_CLK_TCK);
  FILE              *fp = fopen("/proc/stat", "r");
  struct timespec    ts;

  c->busy = c->total = -1;
  if (fp && hz > 0 && fscanf(fp, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
    c->total = 0;
    for (int i = 0; i < 8; i++) c->total += (double)v[i] / hz;
    c->busy = c->total - (double)(v[3] + v[4]) / hz;
  }
  if (fp) fclose(fp);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  c->own = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Share of the node's CPU time (0..1) other processes used between a and b; -1 unknown.
   Collective. */
static PetscErrorCode NMBenchOthers(MPI_Comm comm, PetscBool one_node, const NMBenchCPU *a, const NMBenchCPU *b, PetscReal *share)
{
  double      own = b->own - a->own, v = -1;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &own, 1, MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank && one_node && a->total >= 0 && b->total > a->total) v = PetscMax(0.0, (b->busy - a->busy) - own) / (b->total - a->total);
  PetscCallMPI(MPI_Bcast(&v, 1, MPI_DOUBLE, 0, comm));
  *share = v;
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- memory bandwidth */

/* Size of the last-level cache (bytes) from Linux's sysfs; 0 when unknown. */
static size_t NMBenchLastLevelCache(void)
{
  size_t best = 0;
  int    bestlevel = -1;

  for (int i = 0; i < 16; i++) {
    char   path[128], buf[64];
    FILE  *fp;
    int    level;
    size_t size;
    char   unit = 0;

    snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
    if (!(fp = fopen(path, "r"))) break;
    if (!fgets(buf, sizeof(buf), fp)) buf[0] = 0;
    fclose(fp);
    if (!strncmp(buf, "Instruction", 11)) continue;
    snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
    if (!(fp = fopen(path, "r"))) continue;
    if (fscanf(fp, "%d", &level) != 1) level = -1;
    fclose(fp);
    snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
    if (!(fp = fopen(path, "r"))) continue;
    if (fscanf(fp, "%zu%c", &size, &unit) < 1) size = 0;
    fclose(fp);
    if (unit == 'K') size <<= 10;
    else if (unit == 'M') size <<= 20;
    else if (unit == 'G') size <<= 30;
    if (level > bestlevel) bestlevel = level, best = size;
  }
  return best;
}

static void NMBenchTriad(PetscReal *restrict a, const PetscReal *restrict b, const PetscReal *restrict c, PetscReal s, size_t n)
{
  for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

/* STREAM triad a[i] = b[i] + s c[i] on every rank at once, 24 bytes per element (two
   loads and a store, STREAM's convention: write-allocate traffic is not counted). Each
   rank's arrays are 4 x the last-level cache divided by the ranks sharing a node (so
   together they are 4 x the cache, STREAM's rule), unless -bench_stream_mb says. */
static PetscErrorCode NMBenchStream(MPI_Comm comm, NMBench *b)
{
  MPI_Comm     node;
  PetscMPIInt  nnode, size;
  size_t       llc = NMBenchLastLevelCache(), bytes, n;
  PetscReal   *x, *y, *z, best = PETSC_MAX_REAL, best_all = PETSC_MAX_REAL, check = 0, bw[2];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &nnode));
  PetscCallMPI(MPI_Comm_free(&node));
  {
    int one = nnode == size, all;
    PetscCallMPI(MPI_Allreduce(&one, &all, 1, MPI_INT, MPI_MIN, comm));
    b->one_node = (PetscBool)all;
  }
  if (b->stream_mb > 0) bytes = (size_t)(b->stream_mb * 1048576.0);
  else bytes = PetscMax((size_t)64 << 20, (llc ? 4 * llc : (size_t)1 << 30) / (size_t)nnode);
  n = bytes / sizeof(PetscReal);
  PetscCall(PetscMalloc3(n, &x, n, &y, n, &z));
  for (size_t i = 0; i < n; i++) { /* first touch by the rank that uses the pages */
    x[i] = 0;
    y[i] = 1;
    z[i] = 2;
  }
  for (PetscInt r = 0; r < b->stream_reps; r++) {
    double t0, t;
    PetscCallMPI(MPI_Barrier(comm));
    t0 = MPI_Wtime();
    NMBenchTriad(x, y, z, 3.0, n);
    t = MPI_Wtime() - t0;
    best = PetscMin(best, t);
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, comm));
    best_all = PetscMin(best_all, t);
  }
  for (size_t i = 0; i < n; i += 4096) check += x[i];
  PetscCheck(check == 7.0 * (PetscReal)((n + 4095) / 4096), PETSC_COMM_SELF, PETSC_ERR_PLIB, "STREAM triad gave a wrong result");
  PetscCall(PetscFree3(x, y, z));
  bw[0] = 3.0 * sizeof(PetscReal) * (PetscReal)n / best;
  bw[1] = -bw[0];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, bw, 2, MPIU_REAL, MPI_MIN, comm));
  b->bw_rank_min = bw[0];
  b->bw_rank_max = -bw[1];
  b->bw_sum      = size * 3.0 * sizeof(PetscReal) * (PetscReal)n / best_all;
  PetscCall(PetscPrintf(comm, "memory bandwidth: STREAM triad a[i] = b[i] + s c[i], 3 arrays of %.0f MiB per rank (last-level cache %.0f MiB, %d ranks per node), best of %" PetscInt_FMT ", 24 bytes per element\n", (double)bytes / 1048576.0, (double)llc / 1048576.0, nnode, b->stream_reps));
  PetscCall(PetscPrintf(comm, "  per rank %.2f..%.2f GB/s; all %d ranks at once: %.2f GB/s summed over ranks\n", (double)b->bw_rank_min / 1e9, (double)b->bw_rank_max / 1e9, size, (double)b->bw_sum / 1e9));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- networks */

static PetscErrorCode NMBenchGetConnectome(MPI_Comm comm, NMBench *b, NMBenchNet net)
{
  static const char *const file[NM_BENCH_NNET] = {"tvb998.h5", "ring1000_sw.h5", "ring1000_fc.h5"};

  PetscFunctionBegin;
  if (b->conn[net]) PetscFunctionReturn(0);
  if (net == NM_BENCH_TVB998) PetscCall(NMImportTVBZip(comm, b->zip, &b->conn[net]));
  else {
    /* exactly what the simulator makes of the options file's -connectome_* settings */
    PetscOptions       db;
    NMGeneratorOptions go;
    PetscCall(PetscOptionsCreate(&db));
    PetscCall(PetscOptionsPush(db));
    PetscCall(PetscOptionsInsertString(NULL, nm_bench_ring_net[net - NM_BENCH_RING_SW]));
    PetscCall(NMGeneratorOptionsRead(comm, "-connectome_type", "-connectome_n", &go));
    PetscCall(NMGeneratorOptionsGenerate(comm, &go, 1, &b->conn[net]));
    PetscCall(PetscOptionsPop());
    PetscCall(PetscOptionsDestroy(&db));
  }
  PetscCall(PetscSNPrintf(b->conn_path[net], sizeof(b->conn_path[net]), "%s/%s", b->dir, file[net]));
  PetscCall(NMConnectomeSave(b->conn[net], b->conn_path[net]));
  PetscFunctionReturn(0);
}

/* Shortest tract of an edge (mm). */
static PetscErrorCode NMBenchMinLength(NMConnectome conn, PetscReal *lmin)
{
  PetscInt   n;
  PetscReal *W, *L;

  PetscFunctionBegin;
  PetscCall(NMConnectomeGetSize(conn, &n));
  PetscCall(NMConnectomeGetArrays(conn, &W, &L, NULL));
  *lmin = PETSC_MAX_REAL;
  for (PetscInt i = 0; i < n * n; i++)
    if (W[i] != 0) *lmin = PetscMin(*lmin, L[i]);
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the contraction */

/* Bytes the contraction loads per step, from its code, for passes of `m` steps on
   average: per pass, per (edge, bin) entry and channel one kernel value (unless every
   kernel is a single bin of weight 1), per edge and channel its history window of
   nbins + m - 1 samples, per edge its record (info->edge_bytes: offset, weight, and with
   dots the bin count, kernel offset and CSR position) and, with dots, its m dots per
   channel written and read back; per receiver a row pointer and, per channel, the m
   inputs it writes. Every use counts: a kernel shared by several edges, or a history
   sample read by several receivers, is counted each time it is read (this is the
   traffic of a code that gets no reuse from the caches within a pass). m = 1: the
   per-step loop. */
static PetscReal NMBenchBytesPerStep(const NMTensorInfo *info, PetscInt n, PetscInt nc, PetscReal m)
{
  const PetscReal E = (PetscReal)info->edges, R = sizeof(PetscReal);
  const PetscReal pass = (info->single ? 0 : (PetscReal)info->entries * nc * R + E * nc * m * 2 * R) + ((PetscReal)info->entries + E * (m - 1)) * nc * R + E * info->edge_bytes + (PetscReal)n * (sizeof(PetscInt) + nc * m * R);

  return pass / m;
}

/* Distinct bytes a step touches, for passes of `m` steps: per pass every stored kernel
   value once, the per-edge and per-receiver data, and per emitter slot (owned and ghost)
   and channel the history window of up to max_lag + m samples (no more history values
   than NMBenchBytesPerStep's). What must come from memory each step when nothing stays
   in the caches from one pass to the next; the real traffic lies between this and
   NMBenchBytesPerStep. */
static PetscReal NMBenchDistinctBytesPerStep(const NMTensorInfo *info, PetscInt n, PetscInt nc, PetscReal m)
{
  const PetscReal E = (PetscReal)info->edges, R = sizeof(PetscReal);
  const PetscReal hist = PetscMin((PetscReal)(n + info->ghosts) * (info->max_lag + m), (PetscReal)info->entries + E * (m - 1));
  const PetscReal pass = (info->single ? 0 : (PetscReal)info->kernels * R + E * nc * m * 2 * R) + E * info->edge_bytes + hist * nc * R + (PetscReal)n * (sizeof(PetscInt) + nc * m * R);

  return pass / m;
}

/* Time the contraction alone, in the order a run calls it: exchange every `interval`
   steps, contract a block from step + 1 when the last one is used up, push the new
   outputs. */
static PetscErrorCode NMBenchContract(MPI_Comm comm, NMBench *b, NMConnectome conn, const NMDelayModel *dm, PetscReal dt, PetscInt nc, PetscInt64 steps, NMBenchResult *res)
{
  PetscInt    n, rstart, rend, nlocal;
  NMTensor    t;
  PetscReal  *c0, *c, *u, tm[2] = {0, 0};
  PetscInt    m = 0, j = 0;
  PetscInt64  passes = 0;
  PetscMPIInt size;
  NMBenchCPU  cpu0, cpu1;

  PetscFunctionBegin;
  PetscCall(NMConnectomeGetSize(conn, &n));
  /* the simulator's partition */
  PetscCall(NMPartitionReceivers(comm, conn, dm, dt, &b->partition, &rstart, &rend));
  nlocal = rend - rstart;
  PetscCall(NMTensorCreate(comm, conn, dm, dt, rstart, rend, nc, &b->contract, &t));
  PetscCall(NMTensorGetInfo(t, &res->info));
  PetscCall(PetscMalloc3((size_t)n * nc, &c0, (size_t)nlocal * nc + 1, &c, (size_t)res->info.block * nlocal * nc + 1, &u));
  for (PetscInt i = 0; i < n * nc; i++) c0[i] = 0.1 + 0.01 * PetscSinReal((PetscReal)i);
  PetscCall(NMTensorInitHistory(t, c0));
  NMBenchCPURead(&cpu0);
  for (PetscInt64 step = 0; step < steps; step++) {
    double t0;
    if (step > 0 && step % res->info.interval == 0) {
      t0 = MPI_Wtime();
      PetscCall(NMTensorExchange(t, step));
      tm[1] += MPI_Wtime() - t0;
    }
    if (j == m) {
      t0 = MPI_Wtime();
      PetscCall(NMTensorContractBlock(t, step + 1, (PetscInt)PetscMin(steps - step, PETSC_MAX_INT), 1.0, u, &m));
      tm[0] += MPI_Wtime() - t0;
      passes++;
      j = 0;
    }
    /* new outputs that depend on the inputs, bounded (rows sum to at most a few hundred) */
    for (PetscInt i = 0; i < nlocal * nc; i++) c[i] = 0.1 + 1e-4 * u[(size_t)j * nlocal * nc + i] + 0.01 * PetscSinReal((PetscReal)(step + rstart + i));
    PetscCall(NMTensorPush(t, step + 1, c));
    j++;
  }
  NMBenchCPURead(&cpu1);
  PetscCall(NMBenchOthers(comm, b->one_node, &cpu0, &cpu1, &res->others_contract));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, tm, 2, MPIU_REAL, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &passes, 1, MPIU_INT64, MPI_SUM, comm));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  res->block          = (PetscReal)steps * size / (PetscReal)passes;
  res->contract_steps = steps;
  res->contract       = tm[0] / (PetscReal)steps;
  res->exchange       = tm[1] / (PetscReal)steps;
  res->nc             = nc;
  res->bytes          = NMBenchBytesPerStep(&res->info, n, nc, res->block);
  res->bytes1         = NMBenchBytesPerStep(&res->info, n, nc, 1);
  res->distinct       = NMBenchDistinctBytesPerStep(&res->info, n, nc, res->block);
  PetscCall(PetscFree3(c0, c, u));
  PetscCall(NMTensorDestroy(&t));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the simulator */

/* One run of `steps` steps with options `opts` in a private database; returns the wall
   time of NMSimulatorSetUp and of NMSimulatorRun (barriers around each). */
static PetscErrorCode NMBenchSimulate(MPI_Comm comm, NMBench *b, const char opts[], PetscReal dt, PetscInt64 steps, const char out[], PetscBool view, PetscReal *setup, PetscReal *run, PetscReal *others)
{
  PetscOptions db;
  NMSimulator  sim;
  char         all[1024];
  double       t0, t1, t2;
  PetscMPIInt  rank;
  NMBenchCPU   cpu0, cpu1;

  PetscFunctionBegin;
  /* one sample of the temporal average: the run writes almost nothing */
  PetscCall(NMFormat(all, sizeof(all), "%s -dt %.17g -duration %.17g -transient 0 -monitor_tavg_period %.17g", opts, (double)dt, (double)(steps * dt), (double)(steps * dt)));
  PetscCall(PetscOptionsCreate(&db));
  PetscCall(PetscOptionsPush(db));
  PetscCall(PetscOptionsInsertString(NULL, all));
  PetscCall(NMSimulatorCreate(comm, &sim));
  PetscCall(NMSimulatorSetFromOptions(sim));
  PetscCallMPI(MPI_Barrier(comm));
  t0 = MPI_Wtime();
  PetscCall(NMSimulatorSetUp(sim));
  PetscCallMPI(MPI_Barrier(comm));
  t1 = MPI_Wtime();
  NMBenchCPURead(&cpu0);
  PetscCall(NMSimulatorRun(sim, out));
  PetscCallMPI(MPI_Barrier(comm));
  t2 = MPI_Wtime();
  NMBenchCPURead(&cpu1);
  PetscCall(NMBenchOthers(comm, b->one_node, &cpu0, &cpu1, others));
  if (view && b->view) PetscCall(NMSimulatorView(sim, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(NMSimulatorDestroy(&sim));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&db));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) (void)remove(out);
  *setup = t1 - t0;
  *run   = t2 - t1;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMBenchCaseRun(MPI_Comm comm, NMBench *b, const NMBenchCase *bc, NMBenchResult *res)
{
  const NMModelType *model;
  NMDelayModel       dm;
  char               opts[768], out[PETSC_MAX_PATH_LEN], delay[128];
  PetscReal          lmin = 0, dummy;
  PetscInt64         steps;
  const PetscBool    tvb = bc->net == NM_BENCH_TVB998;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(res, sizeof(*res)));
  PetscCall(NMBenchGetConnectome(comm, b, bc->net));
  PetscCall(NMModelFind(comm, tvb ? "rww2" : "zjr", &model));

  /* D2 on the real connectome: the single velocity (7.5 m/s unless the shortest tract
     would arrive within one step; then 95 % of the largest velocity that keeps it >= dt) */
  res->velocity = 7.5;
  if (tvb && bc->delay == NM_DELAY_SINGLE) {
    PetscCall(NMBenchMinLength(b->conn[bc->net], &lmin));
    res->velocity = b->velocity > 0 ? b->velocity : PetscMin(7.5, PetscFloorReal(100 * 0.95 * lmin * 1e-3 / bc->dt) / 100);
    PetscCheck(lmin * 1e-3 / res->velocity >= bc->dt, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_velocity %g m/s: the shortest tract, %g mm, would take less than one step of case %s (dt %g s); use at most %g m/s, or 0 to let the benchmark choose", (double)res->velocity, (double)lmin, bc->name, (double)bc->dt, (double)(lmin * 1e-3 / bc->dt));
  }
  if (bc->delay == NM_DELAY_SINGLE) PetscCall(NMFormat(delay, sizeof(delay), "-delay single -velocity %.17g", (double)res->velocity));
  else PetscCall(NMFormat(delay, sizeof(delay), "-delay gamma"));
  PetscCall(NMFormat(opts, sizeof(opts), "%s -integrator %s %s -connectome %s -contract_order %s -contract_simd %d -contract_block %" PetscInt_FMT " -partition %s -partition_node_cost %.17g", tvb ? nm_bench_tvb_model : nm_bench_ring_model, NMIntegratorTypes[b->integrator], delay, b->conn_path[bc->net], NMContractOrders[b->contract.order], (int)b->contract.simd, b->contract.block, NMPartitionTypes[b->partition.type], (double)b->partition.node_cost));

  steps = (PetscInt64)PetscMax(NM_BENCH_SHORT_STEPS + 10, round(bc->duration * b->scale / bc->dt));
  res->steps = steps;

  /* the contraction alone, on the simulator's tensor (same delay model as its options) */
  PetscCall(PetscMemzero(&dm, sizeof(dm)));
  dm.type      = bc->delay;
  dm.velocity  = res->velocity;
  dm.peak      = 7.5;
  dm.halfwidth = 3;
  dm.tail      = 1e-6;
  dm.max_lag   = (PetscInt)PetscFloorReal(0.5 / bc->dt + 1e-9);
  /* on a shared machine, the best of -bench_repeat measurements */
  for (PetscInt rep = 0; rep < b->repeat; rep++) {
    NMBenchResult r = *res;
    PetscCall(NMBenchContract(comm, b, b->conn[bc->net], &dm, bc->dt, model->ncoupling, PetscMax(10, steps / 2), &r));
    if (!rep || r.contract < res->contract) *res = r;
  }
  PetscCall(NMDelayModelDestroy(&dm));

  /* the simulator: a run of a few steps, then the timed run */
  PetscCall(PetscSNPrintf(out, sizeof(out), "%s/sim_%s.h5", b->dir, bc->name));
  for (PetscInt rep = 0; rep < b->repeat; rep++) {
    PetscReal t_short, t_long, setup, others;
    PetscCall(NMBenchSimulate(comm, b, opts, bc->dt, NM_BENCH_SHORT_STEPS, out, PETSC_FALSE, &dummy, &t_short, &others));
    if (!rep || t_short < res->t_short) res->t_short = t_short;
    PetscCall(NMBenchSimulate(comm, b, opts, bc->dt, steps, out, (PetscBool)(rep == 0), &setup, &t_long, &others));
    if (!rep || t_long < res->t_long) {
      res->t_long     = t_long;
      res->others_run = others;
    }
    if (!rep || setup < res->setup) res->setup = setup;
  }
  res->step_time = (res->t_long - res->t_short) / (PetscReal)(steps - NM_BENCH_SHORT_STEPS);
  res->s_per_s   = res->step_time / bc->dt;
  PetscFunctionReturn(0);
}

static PetscErrorCode NMBenchCasePrint(MPI_Comm comm, NMBench *b, const NMBenchCase *bc, const NMBenchResult *r)
{
  const NMTensorInfo *in = &r->info;
  PetscMPIInt         size;
  char                delay[64];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (bc->delay == NM_DELAY_SINGLE) PetscCall(NMFormat(delay, sizeof(delay), "D2 single velocity %.2f m/s", (double)r->velocity));
  else PetscCall(NMFormat(delay, sizeof(delay), "D3 gamma velocities (peak 7.5 m/s, half width 3 m/s)"));
  PetscCall(PetscPrintf(comm, "\ncase %s: %s, %s, dt %.1e s, %d ranks\n", bc->name, bc->net == NM_BENCH_TVB998 ? "rww2 on the 998-region TVB connectome" : bc->net == NM_BENCH_RING_SW ? "zjr on the 1000-column small-world ring" : "zjr on the 1000-column fully connected ring", delay, (double)bc->dt, size));
  PetscCall(PetscPrintf(comm, "  tensor: %" PetscInt64_FMT " edges, %" PetscInt64_FMT " (edge, bin) entries (%.1f bins per edge), %" PetscInt64_FMT " kernel values, lags %" PetscInt_FMT "..%" PetscInt_FMT ", exchange every %" PetscInt_FMT " steps, %.1f MB with the histories (all ranks)\n", in->edges, in->entries, in->edges ? (double)in->entries / (double)in->edges : 0.0, in->kernels, in->min_lag, in->max_lag, in->interval, (double)in->bytes / 1e6));
  PetscCall(PetscPrintf(comm, "  contraction alone (%" PetscInt64_FMT " steps, %.1f steps per pass on average, at most %" PetscInt_FMT "): %.1f us per step, %.1f M entries/s; exchange %.1f us per step; other processes took %.0f %% of the CPU time\n", r->contract_steps, (double)r->block, in->block, (double)r->contract * 1e6, (double)in->entries * r->nc / (double)r->contract / 1e6, (double)r->exchange * 1e6, 100.0 * (double)r->others_contract));
  PetscCall(PetscPrintf(comm, "    one step per pass would load %.2f MB per step: at the triad's bandwidth at most %.1f M entries/s\n", (double)r->bytes1 / 1e6, (double)in->entries * r->nc * b->bw_sum / r->bytes1 / 1e6));
  PetscCall(PetscPrintf(comm, "    loads %.2f MB per step -> %.2f GB/s = %.2f x triad; distinct bytes %.2f MB per step -> %.2f GB/s = %.2f x triad\n", (double)r->bytes / 1e6, (double)r->bytes / (double)r->contract / 1e9, (double)(r->bytes / r->contract / b->bw_sum), (double)r->distinct / 1e6, (double)r->distinct / (double)r->contract / 1e9, (double)(r->distinct / r->contract / b->bw_sum)));
  PetscCall(PetscPrintf(comm, "  simulator: set-up %.2f s; runs of %d and %" PetscInt64_FMT " steps: %.3f s and %.3f s -> %.1f us per step, %.3f s per simulated s; contraction %.0f %% of a step; other processes took %.0f %% of the CPU time\n", (double)r->setup, NM_BENCH_SHORT_STEPS, r->steps, (double)r->t_short, (double)r->t_long, (double)r->step_time * 1e6, (double)r->s_per_s, 100.0 * (double)(r->contract / r->step_time), 100.0 * (double)r->others_run));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the command */

static PetscErrorCode NMBenchCleanDir(const char dir[])
{
  DIR           *d;
  struct dirent *e;
  char           path[2 * PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  if (!dir[0] || !(d = opendir(dir))) PetscFunctionReturn(0);
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    (void)remove(path);
  }
  closedir(d);
  (void)rmdir(dir);
  PetscFunctionReturn(0);
}

static PetscErrorCode NMBenchRun(MPI_Comm comm, NMBench *b)
{
  NMBenchResult res[NM_BENCH_NCASES];
  PetscMPIInt   size;
  PetscBool     any = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(NMBenchStream(comm, b));
  for (PetscInt k = 0; k < NM_BENCH_NCASES; k++) {
    if (!b->selected[k]) continue;
    PetscCall(NMBenchCaseRun(comm, b, &nm_bench_cases[k], &res[k]));
    PetscCall(NMBenchCasePrint(comm, b, &nm_bench_cases[k], &res[k]));
  }
  for (PetscInt k = 0; k < NM_BENCH_NCASES; k++) any = (PetscBool)(any || b->selected[k]);
  if (!any) PetscFunctionReturn(0);
  PetscCall(PetscPrintf(comm, "\nsummary, %d ranks; memory bandwidth (triad, summed over ranks) %.2f GB/s\n", size, (double)b->bw_sum / 1e9));
  PetscCall(PetscPrintf(comm, "  s/s: wall seconds of integration per simulated second; Ment/s: million (edge, bin) entries contracted per second of integration (run) or of contraction alone (contr)\n"));
  PetscCall(PetscPrintf(comm, "  M: mean steps per pass of the contraction; MB/step: bytes the contraction loads per step, every use counted (loads), the same for one step per pass (1-step), and distinct bytes it touches (dist); GB/s: loads per second of contraction; BW: ratios of loads and distinct bytes per second to the triad; contr%%: contraction share of a step; others%%: CPU share other processes took during the timed parts (max)\n"));
  PetscCall(PetscPrintf(comm, "%-18s %5s %9s %9s %9s %5s %9s %9s %9s %8s %7s %7s %6s %7s\n", "case", "ranks", "s/s", "Ment/s", "Ment/s", "M", "MB/step", "MB/step", "MB/step", "GB/s", "BW", "BW", "contr%", "others%"));
  PetscCall(PetscPrintf(comm, "%-18s %5s %9s %9s %9s %5s %9s %9s %9s %8s %7s %7s %6s %7s\n", "", "", "", "(run)", "(contr)", "", "(loads)", "(1-step)", "(dist)", "(loads)", "(loads)", "(dist)", "", ""));
  for (PetscInt k = 0; k < NM_BENCH_NCASES; k++) {
    const NMBenchResult *r = &res[k];
    if (!b->selected[k]) continue;
    PetscCall(PetscPrintf(comm, "%-18s %5d %9.3f %9.1f %9.1f %5.1f %9.2f %9.2f %9.2f %8.2f %7.3f %7.3f %6.1f %7.0f\n", nm_bench_cases[k].name, size, (double)r->s_per_s, (double)r->info.entries * r->nc / (double)r->step_time / 1e6, (double)r->info.entries * r->nc / (double)r->contract / 1e6, (double)r->block, (double)r->bytes / 1e6, (double)r->bytes1 / 1e6, (double)r->distinct / 1e6, (double)r->bytes / (double)r->contract / 1e9, (double)(r->bytes / r->contract / b->bw_sum), (double)(r->distinct / r->contract / b->bw_sum), 100.0 * (double)(r->contract / r->step_time), 100.0 * (double)PetscMax(r->others_run, r->others_contract)));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMCommandBench(MPI_Comm comm)
{
  NMBench        b;
  char          *names[NM_BENCH_NCASES + 1], list[512] = "", casehelp[640];
  PetscInt       nnames = NM_BENCH_NCASES + 1;
  PetscBool      help, set, any = PETSC_FALSE;
  PetscMPIInt    rank, size;
  PetscErrorCode ierr;
  const char    *tmp = getenv("TMPDIR");

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&b, sizeof(b)));
  PetscCall(PetscStrncpy(b.zip, "../shared/data/tvb/connectivity_998.zip", sizeof(b.zip)));
  PetscCall(PetscStrncpy(b.parent, tmp && tmp[0] ? tmp : "/tmp", sizeof(b.parent)));
  b.scale       = 1;
  b.stream_reps = 5;
  b.repeat      = 1;
  for (PetscInt k = 0; k < NM_BENCH_NCASES; k++) {
    if (k) PetscCall(PetscStrlcat(list, ",", sizeof(list)));
    PetscCall(PetscStrlcat(list, nm_bench_cases[k].name, sizeof(list)));
  }
  PetscCall(PetscSNPrintf(casehelp, sizeof(casehelp), "Cases to run, comma separated (default: all but the last; none: the triad only): %s", list));
  PetscOptionsBegin(comm, NULL, "netmass bench", "netmass");
  PetscCall(PetscOptionsStringArray("-bench_cases", casehelp, NULL, names, &nnames, &set));
  PetscCall(PetscOptionsString("-bench_tvb_zip", "The 998-region TVB connectivity zip", NULL, b.zip, b.zip, sizeof(b.zip), NULL));
  PetscCall(PetscOptionsReal("-bench_scale", "Multiply every case's simulated time by this", NULL, b.scale, &b.scale, NULL));
  PetscCall(PetscOptionsEnum("-bench_integrator", "Integrator of the simulator runs (ll; euler is the scheme of the C peers, e.g. fast_tvb)", NULL, NMIntegratorTypes, (PetscEnum)b.integrator, (PetscEnum *)&b.integrator, NULL));
  PetscCall(PetscOptionsReal("-bench_velocity", "D2 velocity on the 998-region connectome (m/s; 0: 7.5, or less so the shortest tract takes >= dt)", NULL, b.velocity, &b.velocity, NULL));
  PetscCall(PetscOptionsReal("-bench_stream_mb", "MiB per triad array per rank (0: 4 x last-level cache / ranks per node, at least 64)", NULL, b.stream_mb, &b.stream_mb, NULL));
  PetscCall(PetscOptionsInt("-bench_stream_reps", "Triad repetitions (the best counts)", NULL, b.stream_reps, &b.stream_reps, NULL));
  PetscCall(PetscOptionsString("-bench_dir", "Folder in which the temporary folder is made (shared by the ranks)", NULL, b.parent, b.parent, sizeof(b.parent), NULL));
  PetscCall(PetscOptionsInt("-bench_repeat", "Measure every case this many times and keep the best (for shared machines)", NULL, b.repeat, &b.repeat, NULL));
  PetscCall(PetscOptionsBool("-bench_view", "Show each timed simulator (NMSimulatorView)", NULL, b.view, &b.view, NULL));
  PetscOptionsEnd();
  PetscCall(NMContractOptionsRead(comm, &b.contract));
  PetscCall(NMPartitionOptionsRead(comm, &b.partition));
  PetscCall(NMCheckUnusedOptions(comm, "bench"));
  PetscCall(NMHelpRequested(&help));
  if (help) PetscFunctionReturn(0);

  PetscCheck(b.scale > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_scale %g must be positive", (double)b.scale);
  PetscCheck(b.repeat >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_repeat %" PetscInt_FMT " must be >= 1", b.repeat);
  PetscCheck(b.stream_reps >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_stream_reps %" PetscInt_FMT " must be >= 1", b.stream_reps);
  PetscCheck(b.stream_mb >= 0 && b.velocity >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_stream_mb and -bench_velocity must be >= 0");
  for (PetscInt k = 0; k < NM_BENCH_NCASES; k++) b.selected[k] = (PetscBool)(!set && !nm_bench_cases[k].extra);
  if (set) {
    for (PetscInt i = 0; i < nnames; i++) {
      PetscBool found = PETSC_FALSE;
      for (PetscInt k = 0; k < NM_BENCH_NCASES; k++)
        if (!strcmp(names[i], nm_bench_cases[k].name)) b.selected[k] = found = PETSC_TRUE;
      if (!found && strcmp(names[i], "none")) {
        char bad[128];
        PetscCall(PetscStrncpy(bad, names[i], sizeof(bad)));
        for (PetscInt j = 0; j < nnames; j++) PetscCall(PetscFree(names[j]));
        SETERRQ(comm, PETSC_ERR_ARG_WRONG, "-bench_cases: unknown case '%s'; the cases are %s (or none: the triad only)", bad, list);
      }
    }
    for (PetscInt j = 0; j < nnames; j++) PetscCall(PetscFree(names[j]));
  }
  for (PetscInt k = 0; k < NM_BENCH_NCASES; k++)
    if (b.selected[k] && nm_bench_cases[k].net == NM_BENCH_TVB998) any = PETSC_TRUE;
  if (any) PetscCall(NMCheckReadable(comm, "-bench_tvb_zip", b.zip));

  /* the temporary folder, made by rank 0 */
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    int err = 0;
    PetscCall(PetscSNPrintf(b.dir, sizeof(b.dir), "%s/netmass-bench-XXXXXX", b.parent));
    if (!mkdtemp(b.dir)) err = errno;
    if (err) PetscCall(PetscSNPrintf(b.dir, sizeof(b.dir), "!%s", strerror(err)));
  }
  PetscCallMPI(MPI_Bcast(b.dir, sizeof(b.dir), MPI_CHAR, 0, comm));
  PetscCheck(b.dir[0] != '!', comm, PETSC_ERR_FILE_OPEN, "-bench_dir %s: cannot make a temporary folder in it: %s", b.parent, b.dir + 1);
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm, "netmass bench: %d ranks, temporary folder %s (removed at the end)\n", size, b.dir));
  {
    /* one second of sleep on every rank: what other processes do meanwhile */
    NMBenchCPU      cpu0, cpu1;
    PetscReal       busy;
    struct timespec one = {1, 0};
    NMBenchCPURead(&cpu0);
    nanosleep(&one, NULL);
    NMBenchCPURead(&cpu1);
    PetscCall(NMBenchOthers(comm, PETSC_TRUE, &cpu0, &cpu1, &busy));
    if (busy >= 0) PetscCall(PetscPrintf(comm, "  CPU time other processes took on rank 0's node in the second before: %.0f %%%s\n", 100 * (double)busy, busy > 0.05 ? " -- they compete for the cores: the figures will be pessimistic (-bench_repeat keeps the best of several)" : ""));
  }

  ierr = NMBenchRun(comm, &b);
  for (int k = 0; k < NM_BENCH_NNET; k++) (void)NMConnectomeDestroy(&b.conn[k]);
  if (!ierr) PetscCallMPI(MPI_Barrier(comm)); /* an error may be on some ranks only: no collective then */
  if (!rank) (void)NMBenchCleanDir(b.dir);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
