namespace LocalAI.Ollama.TestServer;

/// <summary>A model the test server knows: installed, or in its library to be pulled.</summary>
public sealed record TestModel(string Name, string Family, string ParameterSize, string Quantization, long Size)
{
    /// <summary>Gets the embedding length; 0 for a chat model.</summary>
    public int EmbeddingLength { get; init; }

    /// <summary>Gets the context length the model reports.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>Gets a value indicating whether the model takes images.</summary>
    public bool Vision { get; init; }

    /// <summary>Gets the sizes of the layers a pull transfers.</summary>
    public IReadOnlyList<long> Layers { get; init; } = [4000, 1000];

    /// <summary>Gets the capabilities as /api/show names them.</summary>
    public IReadOnlyList<string> Capabilities =>
        EmbeddingLength > 0 ? ["embedding"] : Vision ? ["completion", "vision"] : ["completion"];

    /// <summary>Gets a stable fake digest.</summary>
    public string Digest => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Name)));
}
