#!/usr/bin/env bash
# README command one: install what is missing, build, and run the demo on 2 MPI ranks.
# Results land in netmass-demo/ (or $NETMASS_DEMO_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
. "$root/scripts/env.sh"
demo=${NETMASS_DEMO_DIR:-$root/netmass-demo}
# The demo's last step draws every result with postproc/report.py (Debian's Python).
mpiexec -n 2 "$root/build/src/netmass" demo -demo_dir "$demo" -demo_postproc "$root/postproc"
echo "report: $demo/report.pdf (figures: $demo/*.png)"
