#!/usr/bin/env bash
# Continuation detects a Hopf point while another complex pair stays unstable. Two
# Stuart-Landau nodes, a = 0.3 and 0.1, f = 0.05 Hz, diffusively coupled with weight 1: the
# origin's eigenvalues are mu +- i 2 pi f with mu = 0.2 - G +- sqrt(0.01 + G^2); mu- crosses
# zero at G = 0.075 while mu+ > 0 for every G (the rightmost pair never crosses).
. "$(dirname "$0")/lib.sh"
rm -f hp_*.h5 hp_*.txt
printf '0 1\n1 0\n' > hp_w.txt; printf '0 10\n10 0\n' > hp_l.txt; printf 'a\n0.3\n0.1\n' > hp_a.txt
run "$NETMASS" import -text_weights hp_w.txt -text_lengths hp_l.txt -o hp_conn.h5 >/dev/null
run "$NETMASS" fixedpoints -model hopf -hopf_f 0.05 -params_file hp_a.txt -connectome hp_conn.h5 -G 0 -fp_starts 4 -fp_patience 2 \
    -cont_parameter G -cont_range 0,0.3 -cont_ds 1e-2 -cont_ds_max 0.02 -o hp_fp.h5 >/dev/null
/usr/bin/python3 - hp_fp.h5 <<'PY' || fail "Hopf point of the second pair"
import sys, h5py, numpy as np
sp = h5py.File(sys.argv[1])["special_points"][...]      # type, branch, G, frequency, unstable before
hopf = sp[sp[:, 0] == 1]
assert len(hopf) == 1, sp
assert abs(hopf[0, 2] - 0.075) < 1e-6 and abs(hopf[0, 3] - 0.05) < 1e-6, hopf
assert hopf[0, 4] == 2, hopf                            # the other pair is still unstable
PY
echo OK
