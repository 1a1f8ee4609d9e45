#!/usr/bin/env bash
# The main sample on a fresh clone, with nothing to download: the status of every backend, then
# retrieval-augmented search over samples/LocalAI.Samples.Rag/docs with in-process ONNX embeddings
# (the embedded default) and the embedded vector store. With Ollama running (or --gguf <file.gguf>
# passed through), the answer is generated with citations; without a chat backend the sample prints
# the retrieved passages and says so.
#
# The ONNX model used here is the tiny random-weight encoder the tests share (tests/LocalAI.Testing.Models):
# it runs the real pipeline, but its vectors carry no meaning, so the hybrid (BM25 + vector) ranking does the finding. Point
# LOCALAI_ONNX_MODEL at a real sentence-transformers ONNX export (e.g. all-MiniLM-L6-v2) for semantic search.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${LOCALAI_ONNX_MODEL:-$root/tests/LocalAI.Testing.Models/Fixtures/tiny-bert-st}
question=${1:-Which port does Ollama listen on?}
shift || true
work=$root/artifacts/demo
rm -rf "$work" && mkdir -p "$work"

# In-process chat through llama.cpp needs its native libraries (fetched from npm once).
case " $* " in
  *" --gguf "*) bash "$root/scripts/setup.d/20-llama-native.sh" ;;
esac

dotnet build "$root/samples/LocalAI.Samples.Rag" -c Release --nologo -v quiet
dotnet build "$root/samples/LocalAI.Samples.Status" -c Release --nologo -v quiet

echo "== Backends"
dotnet run --no-build -c Release --project "$root/samples/LocalAI.Samples.Status" -- --onnx "$model" "$@" || true

echo
echo "== Index samples/LocalAI.Samples.Rag/docs"
cd "$work"
dotnet run --no-build -c Release --project "$root/samples/LocalAI.Samples.Rag" -- index "$root/samples/LocalAI.Samples.Rag/docs" --onnx "$model" "$@"

echo
echo "== Ask: $question"
dotnet run --no-build -c Release --project "$root/samples/LocalAI.Samples.Rag" -- ask "$question" --onnx "$model" "$@"
