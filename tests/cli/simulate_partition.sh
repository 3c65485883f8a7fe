#!/usr/bin/env bash
# -partition work: contiguous blocks of equal work. A designed star network gives the
# known split; on a geometric network with distributed delays the files equal those of
# the default partition bit for bit at 1, 2 and 3 ranks.
. "$(dirname "$0")/lib.sh"
# star: node 0 receives from 1..5 (5 entries with the instant kernel), each of 1..5 from
# node 0 (1 entry). Without node cost the total is 10: rank 0 owns node 0 alone (work 5),
# rank 1 the other five; equal node counts would give 3 and 3.
{ echo "0 1 1 1 1 1"; for i in 1 2 3 4 5; do echo "1 0 0 0 0 0"; done; } > part_star_w.txt
{ echo "0 10 10 10 10 10"; for i in 1 2 3 4 5; do echo "10 0 0 0 0 0"; done; } > part_star_l.txt
run "$NETMASS" import -text_weights part_star_w.txt -text_lengths part_star_l.txt -o part_star.h5 >/dev/null
star=(simulate -model hopf -connectome part_star.h5 -dt 1e-3 -duration 0.01 -monitor_raw_period 1e-3)
split=$(run mpiexec -n 2 "$NETMASS" "${star[@]}" -partition work -partition_node_cost 0 -o part_star_work.h5 | sed -n 's/.*nodes per rank: //p')
[ "$split" = "1 5" ] || fail "-partition work on the star: nodes per rank '$split', expected '1 5'"
split=$(run mpiexec -n 2 "$NETMASS" "${star[@]}" -o part_star_cont.h5 | sed -n 's/.*nodes per rank: //p')
[ "$split" = "3 3" ] || fail "-partition contiguous on the star: nodes per rank '$split', expected '3 3'"
h5diff -d 0 part_star_work.h5 part_star_cont.h5 /raw /raw >/dev/null || fail "star: /raw differs between the partitions"

common=(simulate -model hopf -G 0.05 -hopf_a -0.1 -hopf_beta 0.05 -connectome_type geometric -connectome_n 40
        -delay gamma -max_delay 0.2 -dt 1e-3 -duration 0.4 -seed 7 -initial normal
        -monitor_raw_period 2e-3 -monitor_tavg_period 1e-2)
run mpiexec -n 1 "$NETMASS" "${common[@]}" -o part_np1.h5 >/dev/null
for np in 2 3; do
  out=$(run mpiexec -n $np "$NETMASS" "${common[@]}" -partition work -partition_node_cost 0 -o part_work_np$np.h5)
  echo "$out" | grep -q "nodes per rank: $( [ $np = 2 ] && echo '20 20' || echo '14 13 13')\$" && fail "-partition work split the geometric network as the default does: the test checks nothing"
  [ "$(attr part_work_np$np.h5 partition)" = work ] || fail "partition attribute at $np ranks"
  for d in /raw /tavg /parameters; do
    h5diff -d 0 part_np1.h5 part_work_np$np.h5 $d $d >/dev/null || fail "$d differs between 1 rank and -partition work at $np ranks"
  done
  echo "$np ranks, -partition work: $(echo "$out" | grep -o 'nodes per rank:.*'), files identical"
done
echo OK
