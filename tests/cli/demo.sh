#!/usr/bin/env bash
# 'netmass demo' runs end to end on 2 ranks and leaves its results; postproc draws them.
. "$(dirname "$0")/lib.sh"
rm -rf demo_test
run mpiexec -n 2 "$NETMASS" demo -demo_dir demo_test | grep -q "netmass demo: done" || fail "demo did not finish"
for f in ring_smallworld_200.h5 geometric_68.h5 zjr_ring200_gamma.h5 hopf_geometric68_bold.h5 fixedpoints_hopf_geometric68.h5; do [ -s demo_test/$f ] || fail "demo did not write $f"; done
[ "$(attr demo_test/hopf_geometric68_bold.h5 complete)" = 1 ] || fail "demo simulation incomplete"
[ "$(attr demo_test/model_hopf_cohort.h5 format)" = netmass-model ] || fail "demo did not train a model"
run /usr/bin/python3 "$NETMASS_SOURCE_DIR/postproc/plot_simulation.py" demo_test/hopf_geometric68_bold.h5 -o demo_test/hopf.png >/dev/null
[ -s demo_test/hopf.png ] || fail "simulation figure missing"
# The figures of postproc/ read netmass files with Debian's h5py.
run /usr/bin/python3 "$NETMASS_SOURCE_DIR/postproc/plot_connectome.py" demo_test/geometric_68.h5 -o demo_test/geometric_68.png >/dev/null
[ -s demo_test/geometric_68.png ] || fail "postproc figure missing"
# The demo ends with postproc/report.py: one page per result after the title page.
for f in phaseplane_hopf.h5 report.pdf phaseplane_hopf.png sweep_G_hopf68.png continuation_G_hopf68.png fc_hopf_geometric68_bold_vs_cohort_hopf68_bold.png; do [ -s demo_test/$f ] || fail "demo did not write $f"; done
pages=$(grep -ac '/Type /Page[^s]' demo_test/report.pdf)
[ "$pages" = 13 ] || fail "report.pdf has $pages pages, expected 13 (title, 11 results, FC of the simulation beside the cohort)"
[ -s demo_test/model_hopf_cohort.png ] || fail "no training-curve figure"
no_partials demo_test/ring_smallworld_200.h5 demo_test/geometric_68.h5 demo_test/zjr_ring200_gamma.h5 demo_test/hopf_geometric68_bold.h5
echo OK
