using Microsoft.ML.OnnxRuntime;

namespace LocalAI.Onnx;

/// <summary>The <c>[batch, sequence, hidden]</c> token vectors one run produced, owned until disposed.</summary>
/// <param name="outputs">The run's outputs; the first is the token vectors.</param>
internal sealed class TokenVectors(IDisposableReadOnlyCollection<OrtValue> outputs) : IDisposable
{
    /// <summary>Gets the vectors, row after row, token after token.</summary>
    public ReadOnlySpan<float> Values => outputs[0].GetTensorDataAsSpan<float>();

    /// <inheritdoc/>
    public void Dispose() => outputs.Dispose();
}
