#!/usr/bin/env bash
# Sets up a fresh machine and runs braid's whole test suite (what CI runs through .ci/run).
# Usage: scripts/test.sh            (the default preset: build, then every ctest label)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
jobs=$(nproc)

cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default

# Short libFuzzer runs of every fuzz target (clang-14), if any exist.
if ls tests/fuzz/*.fuzz.cpp >/dev/null 2>&1; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs" --target braid_fuzz
  bash tests/fuzz/run.sh build/fuzz 30
fi
