#!/usr/bin/env bash
# Speed of braid's CPU backend on the models of shared/reference/peer-speed.md, next to llama.cpp's
# figures there: the 180M speed model (made here with braid's own GGUF writer and quantizer, in the
# same shapes and types) and every small shipped model. Prints a Markdown table.
#
#   bench/speed.sh [BUILD_DIR] [THREADS]      (defaults: build/default, 2)
#
# Measure on an idle machine: llama.cpp's figures were taken on one, and two threads on two cores stall
# whenever another process holds a core.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/default}
threads=${2:-2}
shared=../shared
cli=$build/tools/braid-cli
models=$build/speed
[ -x "$cli" ] || { echo "build braid-cli first (cmake --build --preset default)" >&2; exit 1; }
mkdir -p "$models"
for type in q4_0 q4_k_m q8_0 f16; do
  out=$models/bench-llama-180m-$type.gguf
  [ -f "$out" ] || "$build/bench/make_speed_model" tests/data/models/stories260K.gguf "$out" "$type" >&2
done

run() { # model p n
  "$cli" bench --model "$1" -p "$2" -n "$3" -r 3 -t "$threads" --json --quiet
}

{
  for type in q4_0 q4_k_m q8_0 f16; do
    echo "speed $type $(run "$models/bench-llama-180m-$type.gguf" 128 64)"
  done
  if [ -d "$shared/models" ]; then
    for m in "$shared"/models/*.gguf "$shared"/models/synthetic/tiny-llama-gqa-*.gguf "$shared"/models/synthetic/tiny-qwen2-*.gguf; do
      echo "small $(basename "$m" .gguf) $(run "$m" 128 64)"
    done
  fi
} | python3 -c '
import json, re, sys
peer = {}
try:
    for line in open(sys.argv[1]):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] in ("Q4_0", "Q4_K_M", "Q8_0", "F16"):
            peer["bench-" + cells[0].lower()] = (cells[2], cells[3], cells[4])
        elif len(cells) == 5 and cells[0] and re.match(r"^[A-Za-z0-9.\-_]+$", cells[0].split(" ")[0]):
            peer[cells[0].split(" ")[0]] = (cells[1], cells[2], None)
except OSError:
    pass
print("| model | braid pp128 tok/s | llama.cpp pp128 | braid tg64 tok/s | llama.cpp tg64 |")
print("|---|---|---|---|---|")
for line in sys.stdin:
    kind, name, js = line.split(" ", 2)
    r = json.loads(js)
    key = "bench-" + name if kind == "speed" else name
    pp, tg, ceiling = peer.get(key, ("–", "–", None))
    label = "bench-llama-180m " + name.upper() if kind == "speed" else name
    ours_pp, ours_tg = r["pp_tps"], r["tg_tps"]
    print(f"| {label} | {ours_pp:,.0f} | {pp} | {ours_tg:,.0f} | {tg} |")
' "$shared/reference/peer-speed.md"
