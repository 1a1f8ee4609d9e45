#!/usr/bin/env bash
# Builds llama.cpp's OpenAI-compatible `llama-server` (CPU only) from the same pinned release whose
# libraries 20-llama-native.sh fetches: the source is the git bundle `llama/gitRelease.bundle` of
# the npm package node-llama-cpp. Only the server target is built (it pulls in ggml, llama, mtmd
# and common), statically linked, into a cache outside the clone keyed by the llama.cpp version:
#   ~/.cache/localai/llama-server/<llama.cpp version>/llama-server
# and linked into the clone as .native/llama-server/llama-server for the LocalAI.OpenAI tests.
# Idempotent: a no-op when the binary of this version is in the cache. Slow the first time
# (tens of minutes on two cores): run it early, it builds with -j2 under nice.
set -euo pipefail
cd "$(dirname "$0")/../.."

package_version=3.22.1   # npm node-llama-cpp, the same pin as 20-llama-native.sh
llama_version=v0.5.0     # its llama/llama.cpp.info.json "tag"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/localai/llama-server/$llama_version"
binary="$cache/llama-server"
link=.native/llama-server/llama-server

if [ ! -x "$binary" ]; then
  for tool in cmake g++ git npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required to build llama-server" >&2; exit 1; }
  done
  generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

  mkdir -p "$(dirname "$cache")"
  work=$(mktemp -d "$(dirname "$cache")/build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  ( cd "$work" && npm pack --silent "node-llama-cpp@$package_version" >/dev/null )
  mkdir "$work/pkg"
  tar xzf "$work/node-llama-cpp-$package_version.tgz" -C "$work/pkg"
  tag=$(sed -n 's/.*"tag": *"\([^"]*\)".*/\1/p' "$work/pkg/package/llama/llama.cpp.info.json")
  if [ "$tag" != "$llama_version" ]; then
    echo "node-llama-cpp@$package_version carries llama.cpp $tag, expected $llama_version" >&2
    exit 1
  fi
  git -c advice.detachedHead=false clone -q "$work/pkg/package/llama/gitRelease.bundle" "$work/llama.cpp"

  # Static, portable (no -march=native), no network features (curl, OpenSSL, the web UI download),
  # nothing but the server target.
  start=$(date +%s)
  nice -n 10 cmake -S "$work/llama.cpp" -B "$work/build" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
    -DLLAMA_BUILD_HTML=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF >/dev/null
  nice -n 10 cmake --build "$work/build" --target llama-server -j2
  mkdir -p "$cache"
  cp "$work/build/bin/llama-server" "$binary.tmp"
  mv "$binary.tmp" "$binary"
  echo "llama-server ($llama_version) built in $(( $(date +%s) - start )) s into $cache"
fi

mkdir -p "$(dirname "$link")"
ln -sfn "$binary" "$link"
