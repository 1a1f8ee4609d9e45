using System.Numerics.Tensors;
using LocalAI;
using LocalAI.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

// Usage: dotnet run --project samples/LocalAI.Samples.OnnxEmbeddings -- <model folder>
// (or set LOCALAI_ONNX_MODEL): a sentence-transformers model exported to ONNX, such as all-MiniLM-L6-v2 (see
// src/LocalAI.Onnx/README.md). scripts/demo.sh passes the tiny random-weight model the tests run on: the pipeline is
// real, its similarities are meaningless.
var modelPath = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("LOCALAI_ONNX_MODEL");
if (string.IsNullOrWhiteSpace(modelPath))
{
    Console.Error.WriteLine("usage: LocalAI.Samples.OnnxEmbeddings <model folder>  (or set LOCALAI_ONNX_MODEL)");
    Console.Error.WriteLine("The folder is a sentence-transformers model exported to ONNX (model.onnx and tokenizer.json or vocab.txt);");
    Console.Error.WriteLine("src/LocalAI.Onnx/README.md shows how to export all-MiniLM-L6-v2.");
    return 2;
}

var services = new ServiceCollection();
services.AddLocalAI(b => b.AddOnnxEmbeddings(o => o.ModelPath = modelPath));
await using var provider = services.BuildServiceProvider();

var backend = provider.GetRequiredKeyedService<ILocalBackend>("onnx");
var status = await backend.GetStatusAsync();
Console.WriteLine($"backend {status.BackendId}: {(status.IsAvailable ? "available" : "unavailable")} ({status.Version ?? status.Reason}), probe {status.ProbeLatency.TotalMilliseconds:F0} ms");
foreach (var model in status.Models)
{
    Console.WriteLine($"  model {model.Id}: {model.Family}, {model.EmbeddingDimensions} dimensions, max {model.ContextLength} tokens, {model.SizeBytes / 1024} KiB{(model.IsLoaded ? ", loaded" : string.Empty)}");
}

if (!status.IsAvailable)
{
    return 1;
}

var embedder = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
string[] texts =
[
    "The cat sat on the mat.",
    "A feline rested on the rug.",
    "Quarterly revenue grew by twelve percent.",
    string.Join(' ', Enumerable.Repeat("A very long document that goes on and on.", 100)),
];
var result = await embedder.GenerateAsync(texts);
var identity = EmbeddingModelIdentity.FromGenerator(embedder);
Console.WriteLine($"embedded {result.Count} texts with {identity}: {result.Usage?.InputTokenCount} tokens, {result.AdditionalProperties?["truncated_count"]} truncated");
for (var i = 0; i < texts.Length; i++)
{
    var preview = texts[i].Length > 40 ? texts[i][..40] + "..." : texts[i];
    var similarities = string.Join("  ", result.Select(other => TensorPrimitives.CosineSimilarity(result[i].Vector.Span, other.Vector.Span).ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
    Console.WriteLine($"  {preview,-44} {similarities}");
}

return 0;
