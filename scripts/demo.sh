#!/usr/bin/env bash
# README command one: install what is missing, build, and run the demo on 2 MPI ranks.
# Results land in netmass-demo/ (or $NETMASS_DEMO_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
. "$root/scripts/env.sh"
demo=${NETMASS_DEMO_DIR:-$root/netmass-demo}
mpiexec -n 2 "$root/build/src/netmass" demo -demo_dir "$demo"
# Figures (Debian's Python, which has numpy, h5py and matplotlib).
for f in "$demo"/*.h5; do
  case $(h5dump -a /format "$f" | sed -n 's/^ *(0): "\(.*\)"/\1/p') in
    netmass-connectome) /usr/bin/python3 "$root/postproc/plot_connectome.py" "$f" -o "${f%.h5}.png" ;;
    netmass-simulation) /usr/bin/python3 "$root/postproc/plot_simulation.py" "$f" -o "${f%.h5}.png" ;;
  esac
done
echo "figures: $demo/*.png"
