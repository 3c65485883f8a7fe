#!/usr/bin/env bash
# README command two: install what is missing, build, run the whole CTest suite, then
# rebuild with AddressSanitizer + UndefinedBehaviorSanitizer and run the unit tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
. "$root/scripts/env.sh"

"$root/scripts/build.sh" "$root/build"
(cd "$root/build" && ctest -j 2 --output-on-failure --timeout 600)

"$root/scripts/build.sh" "$root/build-asan" -DNETMASS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# Full unwinding, so leaks inside Open MPI are attributed to its libraries (tests/lsan.supp).
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$root/build-asan" && ctest -j 2 -L unit --output-on-failure --timeout 600)
