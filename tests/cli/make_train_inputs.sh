#!/usr/bin/env bash
# make_train_inputs.sh DIR: bad inputs of netmass train/encode (tests/CMakeLists.txt):
# a good tiny cohort, the same without time series, with a NaN, with one sample, with
# bold regions differing from the connectomes, a smaller cohort, a model and a
# checkpoint of the good cohort.
. "$(dirname "$0")/lib.sh"
dir=$1
mkdir -p "$dir" && cd "$dir" || fail "cannot use $dir"
rm -f train_*.h5*
tiny_hopf_cohort train_cohort.h5
run mpiexec -n 2 "$NETMASS" simulate -options_file "$NETMASS_SOURCE_DIR/inputs/hopf_cohort.opts" -connectome_n 6 -cohort_subjects 3 -duration 65 -o train_cohort6.h5 >/dev/null
run "$NETMASS" train -cohort train_cohort.h5 -train_epochs 1 -train_batch 8 -o train_model.h5 >/dev/null
run "$NETMASS" train -cohort train_cohort.h5 -train_epochs 3 -train_batch 8 -train_stop_after 1 -o train_ck.h5 >/dev/null
[ -s train_ck.h5.checkpoint ] || fail "no checkpoint written"
/usr/bin/python3 - <<'PY' || fail "cannot write the bad cohorts (h5py)"
import h5py, shutil
def variant(name, edit):
    shutil.copy("train_cohort.h5", name)
    with h5py.File(name, "r+") as f:
        edit(f)
def no_series(f):
    del f["bold"]; del f.attrs["tr"]; f.attrs["n_samples"] = 0
def nan(f):
    f["bold"][1, 2, 5] = float("nan")
def short(f):
    b = f["bold"][:, :, :1]; del f["bold"]; f["bold"] = b
def regions(f):
    b = f["bold"][:, :7, :]; del f["bold"]; f["bold"] = b
variant("train_noseries.h5", no_series)
variant("train_nan.h5", nan)
variant("train_short.h5", short)
variant("train_regions.h5", regions)
PY
echo OK
