#!/usr/bin/env bash
# PostgreSQL with pgvector for the LocalAI.Rag tests: PGlite (PostgreSQL compiled to WebAssembly)
# served over the PostgreSQL wire protocol by @electric-sql/pglite-socket, installed into the
# git-ignored folder .tools/pglite. Idempotent: a no-op when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=0.2.17
dir=.tools/pglite
marker="$dir/node_modules/@electric-sql/pglite-socket/package.json"

if [ -f "$marker" ] && grep -q "\"version\": \"$version\"" "$marker" \
   && [ -d "$dir/node_modules/@electric-sql/pglite-pgvector" ]; then
  echo "pglite-socket $version already installed in $dir"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is required to install PGlite (Node 20+)" >&2
  exit 1
fi

mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{ "name": "localai-pglite", "private": true }' > "$dir/package.json"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@electric-sql/pglite-socket@$version"
echo "pglite-socket $version installed in $dir"
