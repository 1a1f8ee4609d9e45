#!/usr/bin/env bash
# Builds llama.cpp's OpenAI-compatible `llama-server` (CPU only) for the LocalAI.OpenAI tests, from
# the same pinned release whose libraries 20-llama-native.sh fetches. The source is the git bundle
# `llama/gitRelease.bundle` of the npm package node-llama-cpp; the libraries are those of
# @node-llama-cpp/linux-x64, which include llama.cpp's common library. So only what the server
# adds is compiled (its sources and mtmd, see llama-server/CMakeLists.txt); ggml, llama and common
# are linked, not built. The binary and the libraries it loads go into a cache outside the clone,
# keyed by the llama.cpp version:
#   ~/.cache/localai/llama-server/<llama.cpp version>-<layout>/llama-server (+ lib*.so, found via $ORIGIN)
# and the binary is linked into the clone as .native/llama-server/llama-server.
# LLAMA_SERVER_FROM_SOURCE=1 builds everything from source instead (one static binary; about
# three times as long), for a machine where the prebuilt libraries do not load.
# Idempotent: a no-op when the binary of this version is in the cache.
set -euo pipefail
cd "$(dirname "$0")/../.."

package_version=3.22.1   # npm node-llama-cpp, the same pin as 20-llama-native.sh
llama_version=v0.5.0     # its llama/llama.cpp.info.json "tag"
layout=2                 # bump when what the cache holds changes
from_source=${LLAMA_SERVER_FROM_SOURCE:-0}
[ "$from_source" = 1 ] && layout=source
cache="${XDG_CACHE_HOME:-$HOME/.cache}/localai/llama-server/$llama_version-$layout"
binary="$cache/llama-server"
link=.native/llama-server/llama-server
wrapper="$PWD/scripts/setup.d/llama-server"

if [ ! -x "$binary" ]; then
  for tool in cmake g++ git npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required to build llama-server" >&2; exit 1; }
  done
  generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

  mkdir -p "$(dirname "$cache")"
  work=$(mktemp -d "$(dirname "$cache")/build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  ( cd "$work" && npm pack --silent "node-llama-cpp@$package_version" "@node-llama-cpp/linux-x64@$package_version" >/dev/null )
  mkdir "$work/pkg" "$work/bins"
  tar xzf "$work/node-llama-cpp-$package_version.tgz" -C "$work/pkg"
  tar xzf "$work/node-llama-cpp-linux-x64-$package_version.tgz" -C "$work/bins"
  tag=$(sed -n 's/.*"tag": *"\([^"]*\)".*/\1/p' "$work/pkg/package/llama/llama.cpp.info.json")
  if [ "$tag" != "$llama_version" ]; then
    echo "node-llama-cpp@$package_version carries llama.cpp $tag, expected $llama_version" >&2
    exit 1
  fi
  git -c advice.detachedHead=false clone -q "$work/pkg/package/llama/gitRelease.bundle" "$work/llama.cpp"
  libs="$work/bins/package/bins/linux-x64"

  # Portable (no -march=native), no network features (curl, OpenSSL, the web UI download).
  start=$(date +%s)
  if [ "$from_source" = 1 ]; then
    nice -n 10 cmake -S "$work/llama.cpp" -B "$work/build" "${generator[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=OFF \
      -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
      -DLLAMA_BUILD_HTML=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
      -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF >/dev/null
  else
    nice -n 10 cmake -S "$wrapper" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DLLAMA_SOURCE_DIR="$work/llama.cpp" -DLLAMA_PREBUILT_DIR="$libs" >/dev/null
  fi
  nice -n 10 cmake --build "$work/build" --target llama-server -j2
  built=$(find "$work/build" -name llama-server -type f -perm -u+x | head -1)

  # Fill a sibling folder and rename it into place, so an interrupted run leaves no half cache.
  rm -rf "$cache.tmp"
  mkdir -p "$cache.tmp"
  cp "$built" "$cache.tmp/llama-server"
  if [ "$from_source" != 1 ]; then
    cp -a "$libs/"lib*.so "$cache.tmp/"
  fi
  "$cache.tmp/llama-server" --version >/dev/null 2>&1 \
    || { echo "the llama-server just built does not run:" >&2; "$cache.tmp/llama-server" --version >&2; exit 1; }
  rm -rf "$cache"
  mv "$cache.tmp" "$cache"
  echo "llama-server ($llama_version, $layout) built in $(( $(date +%s) - start )) s into $cache"
fi

mkdir -p "$(dirname "$link")"
ln -sfn "$binary" "$link"
