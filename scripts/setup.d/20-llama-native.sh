#!/usr/bin/env bash
# Fetches the prebuilt llama.cpp CPU libraries (npm @node-llama-cpp/linux-x64) and the matching
# llama.cpp source bundle (npm node-llama-cpp, for include/llama.h and the models/ggml-vocab-*.gguf
# vocabularies the tests build their fixtures from), and lays them out in .native/:
#   .native/llama/runtimes/linux-x64/native/   the shared libraries (packed into LocalAI.Gguf)
#   .native/llama/vocab/                       ggml-vocab-*.gguf with their .inp/.out pairs
#   .native/llama/include/                     llama.h, ggml*.h of the pinned release
# Idempotent: a no-op when the stamp of this version is present.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=3.22.1
root=.native/llama
layout=2  # bump when the layout below changes
stamp="$root/.stamp-$version-$layout"
if [ -f "$stamp" ]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "@node-llama-cpp/linux-x64@$version" "node-llama-cpp@$version" >/dev/null )

rm -rf "$root"
mkdir -p "$root/runtimes/linux-x64/native" "$root/vocab" "$root/include"

mkdir "$work/bins"
tar xzf "$work/node-llama-cpp-linux-x64-$version.tgz" -C "$work/bins"
cp -a "$work/bins/package/bins/linux-x64/"*.so "$root/runtimes/linux-x64/native/"
# node-llama-cpp's own helper library; libllama does not need it.
rm -f "$root/runtimes/linux-x64/native/libllama-common.so"

mkdir "$work/src"
tar xzf "$work/node-llama-cpp-$version.tgz" -C "$work/src"
git -c advice.detachedHead=false clone -q "$work/src/package/llama/gitRelease.bundle" "$work/llama.cpp"
cp "$work/llama.cpp/include/llama.h" "$root/include/"
cp "$work/llama.cpp/ggml/include/"*.h "$root/include/"
cp "$work/llama.cpp/models/ggml-vocab-"* "$root/vocab/"

touch "$stamp"
echo "llama.cpp native libraries ($version) laid out in $root"
