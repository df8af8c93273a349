#!/usr/bin/env bash
# Sets up a fresh machine, builds braid and runs the main demo (samples/lcel): prompt | LocalChatModel |
# parser streamed on tests/data/models/stories260K.gguf, or on the GGUF given as the first argument.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target braid_sample_lcel
./build/default/samples/lcel/braid_sample_lcel "$@"
