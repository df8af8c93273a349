#!/usr/bin/env bash
# Runs every built fuzz target for a short time: run.sh BUILD_DIR SECONDS_PER_TARGET
# Seeds come from tests/fuzz/corpus/<name>/ (kept read-only; new inputs go to a temporary folder).
set -euo pipefail
build=${1:?build dir}; seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for exe in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe"); name=${name#fuzz_}
  work=$(mktemp -d)
  mkdir -p "$build/fuzz-artifacts"   # a crashing input is kept here, outside the source tree
  echo "fuzz: $name for ${seconds}s"
  if ! "$exe" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
       -artifact_prefix="$build/fuzz-artifacts/$name-" "$work" "$here/corpus/$name" \
       >"$work.log" 2>&1; then
    tail -40 "$work.log"; status=1
  else
    grep -E "^#[0-9]+.*(DONE|pulse)" "$work.log" | tail -1 || true
  fi
  rm -rf "$work" "$work.log"
done
exit $status
