#!/usr/bin/env bash
# Prompt processing of two braid-cli builds side by side: runs them alternately (before, after, before, …)
# at several prompt lengths, so that both see the same machine load, and prints one line per run with the
# load average and the CPU seconds the run took. On a shared machine only ratios taken this way mean
# anything; with THREADS=1 the CPU seconds are the steadiest figure (two threads spin while they wait).
#
#   bench/prompt_ab.sh BEFORE_CLI AFTER_CLI [MODEL] [ROUNDS] [LENGTHS] [THREADS]
#
# Defaults: the 180M Q4_0 speed model (build/default/speed/bench-llama-180m-q4_0.gguf, made by
# bench/make_speed_model), 3 rounds, lengths "128 512 2048", 2 threads. At 128 tokens 64 tokens are
# generated as well (the tg figure); at the other lengths one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,11p "$0" >&2; exit 2; }
before=$1
after=$2
model=${3:-build/default/speed/bench-llama-180m-q4_0.gguf}
rounds=${4:-3}
lengths=${5:-128 512 2048}
threads=${6:-2}
for cli in "$before" "$after"; do
  [ -x "$cli" ] || { echo "prompt_ab.sh: $cli is not an executable braid-cli" >&2; exit 1; }
done
[ -f "$model" ] || { echo "prompt_ab.sh: no model $model (bench/make_speed_model makes it)" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.time"' EXIT
for round in $(seq "$rounds"); do
  for p in $lengths; do
    n=1
    [ "$p" = 128 ] && n=64
    for which in before after; do
      cli=$before
      [ "$which" = after ] && cli=$after
      # cpu_s: user + system seconds of the whole run (load, warm-up, the measured run): on a loaded
      # machine with one thread, the same work in fewer CPU seconds is the figure that load disturbs least.
      TIMEFORMAT='%U %S'
      { time "$cli" bench --model "$model" -p "$p" -n "$n" -r 1 -t "$threads" --json --quiet > "$tmp"; } 2> "$tmp.time"
      figures=$(grep -o '"pp_tps":[0-9.e+]*,"tg_tps":[0-9.e+]*' "$tmp")
      cpu_s=$(awk '{ printf "%.2f", $1 + $2 }' "$tmp.time")
      echo "$(date -u +%T) load=$(cut -d' ' -f1 /proc/loadavg) round=$round p=$p n=$n $which $figures cpu_s=$cpu_s"
    done
  done
done
