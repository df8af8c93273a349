#!/usr/bin/env bash
# Sets up a fresh machine and runs braid's whole test suite (what CI runs through .ci/run).
# Usage: scripts/test.sh            (the default preset: build, then every ctest label)
# The time of each phase is printed at the end (docs/guides/building.md has the figures).
set -euo pipefail
cd "$(dirname "$0")/.."

times=()
phase() { # phase NAME COMMAND...: runs the command and notes how long it took
  local name=$1 start=$SECONDS
  shift
  "$@"
  times+=("$name $((SECONDS - start)) s")
}

phase setup bash scripts/setup.sh
jobs=$(nproc)

phase configure cmake --preset default
phase build cmake --build --preset default -j "$jobs"
phase ctest ctest --preset default

# Short libFuzzer runs of every fuzz target (clang-14), if any exist.
if ls tests/fuzz/*.fuzz.cpp >/dev/null 2>&1; then
  phase fuzz-configure cmake --preset fuzz >/dev/null
  phase fuzz-build cmake --build --preset fuzz -j "$jobs" --target braid_fuzz
  phase fuzz-runs bash tests/fuzz/run.sh build/fuzz 30
fi
echo "test.sh: $(IFS=,; echo "${times[*]}" | sed 's/,/, /g'); total $SECONDS s"
