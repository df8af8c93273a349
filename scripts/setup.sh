#!/usr/bin/env bash
# Installs every Debian package braid's build, tests, samples and docs need.
# Idempotent; run as root (or with sudo) on a fresh Debian 12.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  clang-14 lld-14 libclang-rt-14-dev          # fuzz targets (libFuzzer) and sanitizers
  nlohmann-json3-dev                           # braid::Value
  libxtensor-dev                               # tensor views in the engine
  libsentencepiece-dev                         # SentencePiece .model tokenizers
  libsqlite3-dev                               # SQLite chat histories (braid::memory)
  libgumbo-dev libpoppler-cpp-dev              # HTML and PDF document loaders (braid::retrieval)
  libhnswlib-dev libfaiss-dev libopenblas-dev  # vector indexes (braid::retrieval): HNSW, FAISS and its BLAS
  catch2                                       # unit tests (Catch2 v2)
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers
  doxygen
  valgrind abigail-tools
  default-jdk-headless junit5                  # Java binding (JNI) and its JUnit 5 tests
  mono-mcs mono-runtime nunit-console libnunit-cil-dev   # C# binding (P/Invoke, built with mcs) and its NUnit tests
  python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "setup: all ${#packages[@]} packages present"
