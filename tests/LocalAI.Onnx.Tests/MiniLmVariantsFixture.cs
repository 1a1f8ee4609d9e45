using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing.Models;

namespace LocalAI.Onnx.Tests;

/// <summary>The real all-MiniLM-L6-v2 and two copies with other weights, made by rewriting the copy's ONNX initializers: 2 % noise on every weight, and every tensor quantised to 8 bits.</summary>
public sealed class MiniLmVariantsFixture : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public MiniLmVariantsFixture()
    {
        Original = MiniLmModel.RequireFolder();
        Perturbed = Path.Combine(_folder.Path, "all-MiniLM-L6-v2-perturbed");
        Quantised = Path.Combine(_folder.Path, "all-MiniLM-L6-v2-int8");
        PerturbedTensors = OnnxWeightRewriter.CopyWithWeights(Original, Perturbed, OnnxWeightRewriter.Perturb(0.02f));
        QuantisedTensors = OnnxWeightRewriter.CopyWithWeights(Original, Quantised, OnnxWeightRewriter.QuantiseInt8());
    }

    public string Original { get; }

    public string Perturbed { get; }

    public string Quantised { get; }

    public int PerturbedTensors { get; }

    public int QuantisedTensors { get; }

    public void Dispose() => _folder.Dispose();
}
