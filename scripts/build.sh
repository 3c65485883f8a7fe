#!/usr/bin/env bash
# Configure and build netmass: scripts/build.sh [BUILD_DIR] [extra CMake arguments]
# Warnings are errors. BUILD_DIR defaults to build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETMASS_WERROR=ON "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
