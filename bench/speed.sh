#!/usr/bin/env bash
# Speed of braid's CPU or Vulkan backend on the models of shared/reference/peer-speed.md, next to
# llama.cpp's figures there: the 180M speed model (made here with braid's own GGUF writer and quantizer,
# in the same shapes and types), every small shipped model, and the bert embedding models. Prints
# Markdown tables (bench/speed_table.py), with braid / llama.cpp ratios. On the CPU every decoder model
# also gets a pp2048 column: one 2,048-token prompt (the long-prompt case of retrieval and agents), median
# of 2 runs on the 180M model (about 4 s each) and 3 on the small ones, after a warm-up.
#
#   bench/speed.sh [BUILD_DIR] [THREADS] [cpu|vulkan]      (defaults: build/default, 2, cpu)
#
# Measure on an idle machine: llama.cpp's figures were taken on one, and two threads on two cores stall
# whenever another process holds a core. On lavapipe the 180M model runs only in Q4_0 (the one type
# llama.cpp was measured with there; a pass takes seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/default}
threads=${2:-2}
backend=${3:-cpu}
shared=../shared
cli=$build/tools/braid-cli
models=$build/speed
[ -x "$cli" ] || { echo "build braid-cli first (cmake --build --preset default)" >&2; exit 1; }
[ -d "$shared/models" ] || { echo "speed.sh compares with ../shared/reference: it needs ../shared" >&2; exit 1; }
types="q4_0 q4_k_m q8_0 f16"
[ "$backend" = vulkan ] && types="q4_0"
mkdir -p "$models"
for type in $types; do
  out=$models/bench-llama-180m-$type.gguf
  [ -f "$out" ] || "$build/bench/make_speed_model" tests/data/models/stories260K.gguf "$out" "$type" >&2
done

run() { # model p n reps
  "$cli" bench --model "$1" -p "$2" -n "$3" -r "$4" -t "$threads" --backend "$backend" --json --quiet
}

# The pp128 + tg figures of a model with its pp2048 figure added (pp2048_tps; null where the model cannot
# take 2,048 tokens). A 2,048-token pass of the 180M model takes seconds: fewer repetitions there.
with_pp2048() { # model p n reps reps2048
  local short long
  short=$(run "$1" "$2" "$3" "$4")
  long=$(run "$1" 2048 0 "$5" 2>/dev/null || echo '{}')
  python3 -c 'import json, sys; a = json.loads(sys.argv[1]); a["pp2048_tps"] = json.loads(sys.argv[2]).get("pp_tps"); print(json.dumps(a))' \
    "$short" "$long"
}

{
  for type in $types; do
    if [ "$backend" = vulkan ]; then
      echo "speed $type $(run "$models/bench-llama-180m-$type.gguf" 128 16 1)"
    else
      echo "speed $type $(with_pp2048 "$models/bench-llama-180m-$type.gguf" 128 64 5 2)"
    fi
  done
  for m in "$shared"/models/*.gguf "$shared"/models/synthetic/tiny-llama-gqa-*.gguf "$shared"/models/synthetic/tiny-qwen2-*.gguf; do
    if [ "$backend" = vulkan ]; then
      echo "small $(basename "$m" .gguf) $(run "$m" 128 64 9)"
    else
      echo "small $(basename "$m" .gguf) $(with_pp2048 "$m" 128 64 9 3)"
    fi
  done
  for m in "$shared"/models/synthetic/tiny-bert-*.gguf; do
    echo "embed $(basename "$m" .gguf) $(run "$m" 128 0 9)"
  done
} | python3 bench/speed_table.py "$shared/reference/peer-speed.md" "$backend"
