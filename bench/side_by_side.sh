#!/usr/bin/env bash
# braid's CPU prompt processing next to llama.cpp's on this machine, in the same run: for each model,
# llama-bench then braid-cli bench at a 128- and a 2,048-token prompt, 2 threads, and the ratio. Unlike
# speed.sh (which compares with the figures of ../shared/reference/peer-speed.md, taken on another CPU),
# both sides here run on the same CPU features. Models: the 180M speed model in five types (written into
# BUILD_DIR/speed by bench/make_speed_model when missing), stories260K and the synthetic models of
# ../shared/models. Both tools report the mean of the runs' tokens/s after one warm-up pass.
#
#   bench/side_by_side.sh LLAMA_BIN_DIR [BUILD_DIR]      (BUILD_DIR defaults to build/default)
#
# LLAMA_BIN_DIR holds llama-bench (build llama.cpp outside the repository: ../shared/reference/peer-speed.md).
# Measure on an idle machine; a 128-token pass of the small models takes 2-20 ms, hence 20 repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/side_by_side.sh LLAMA_BIN_DIR [BUILD_DIR]" >&2; exit 2; }
llama=$1
build=${2:-build/default}
cli=$build/tools/braid-cli
models=$build/speed
[ -x "$llama/llama-bench" ] || { echo "no llama-bench in $llama" >&2; exit 1; }
[ -x "$cli" ] || { echo "build braid-cli first (cmake --build --preset default)" >&2; exit 1; }
mkdir -p "$models"
for type in q4_0 q4_k_m q8_0 f16 bf16; do
  out=$models/bench-llama-180m-$type.gguf
  [ -f "$out" ] || "$build/bench/make_speed_model" tests/data/models/stories260K.gguf "$out" "$type" >&2
done

llama_tps() { # model prompt reps
  "$llama/llama-bench" -m "$1" -p "$2" -n 0 -r "$3" -t 2 -o jsonl 2>/dev/null |
    python3 -c 'import sys, json; print("%.1f" % json.loads(sys.stdin.readline())["avg_ts"])'
}
braid_tps() { # model prompt reps
  "$cli" bench --model "$1" -p "$2" -n 0 -r "$3" -t 2 --json --quiet 2>/dev/null |
    python3 -c 'import sys, json; print("%.1f" % json.load(sys.stdin)["pp_tps"])'
}
ratio() { python3 -c 'import sys; print("%.2f×" % (float(sys.argv[2]) / float(sys.argv[1])))' "$1" "$2"; }

echo "| model | llama pp128 | braid pp128 | ratio | llama pp2048 | braid pp2048 | ratio |"
echo "|---|---|---|---|---|---|---|"
for m in "$models"/bench-llama-180m-{q4_0,q4_k_m,q8_0,f16,bf16}.gguf ../shared/models/stories260K.gguf \
         ../shared/models/synthetic/tiny-llama-gqa-*.gguf ../shared/models/synthetic/tiny-qwen2-*.gguf; do
  [ -f "$m" ] || continue
  reps=20 reps2048=3
  case $m in *180m*) reps=5 reps2048=1 ;; esac
  a=$(llama_tps "$m" 128 $reps) b=$(braid_tps "$m" 128 $reps)
  c=$(llama_tps "$m" 2048 $reps2048) d=$(braid_tps "$m" 2048 $reps2048)
  echo "| $(basename "$m" .gguf) | $a | $b | $(ratio "$a" "$b") | $c | $d | $(ratio "$c" "$d") |"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M) UTC"
