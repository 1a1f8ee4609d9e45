using System.Buffers.Binary;
using System.Runtime.InteropServices;
using LocalAI.Mlx.Protocol;
using LocalAI.Mlx.Sidecar;
using Microsoft.Extensions.AI;

namespace LocalAI.Mlx.Embeddings;

/// <summary>An embedding generator served by the MLX sidecar: one request per batch, vectors as base64 float32 or JSON floats.</summary>
internal sealed class MlxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly MlxSidecar _sidecar;
    private readonly string _model;
    private readonly int? _dimensions;
    private readonly MlxEmbeddingEncoding _encoding;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public MlxEmbeddingGenerator(MlxSidecar sidecar, string model, int? dimensions, MlxEmbeddingEncoding encoding)
    {
        _sidecar = sidecar;
        _model = model;
        _dimensions = dimensions;
        _encoding = encoding;
        _metadata = new EmbeddingGeneratorMetadata(MlxBackend.DefaultId, null, model, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? [.. values];
        if (texts.Count == 0)
        {
            return [];
        }

        var model = options?.ModelId ?? _model;
        var encoding = _encoding == MlxEmbeddingEncoding.Base64 ? "base64" : "float";
        var answer = await _sidecar.SendAsync(
            "embed",
            w =>
            {
                w.WriteString("model", model);
                w.WriteString("encoding", encoding);
                w.WriteStartArray("texts");
                foreach (var text in texts)
                {
                    w.WriteStringValue(text);
                }

                w.WriteEndArray();
            },
            model,
            cancellationToken).ConfigureAwait(false);

        var vectors = Decode(answer, texts.Count);
        var declared = string.Equals(model, _model, StringComparison.Ordinal) ? _dimensions : null;
        if (declared is { } expected && vectors.Dimensions != expected)
        {
            throw new BackendProtocolException(
                $"MLX embedding model '{model}' produced {vectors.Dimensions} dimensions, but the options declare {expected}; set LocalAI:Mlx:EmbeddingDimensions to {vectors.Dimensions}.")
            {
                BackendId = MlxBackend.DefaultId,
            };
        }

        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            result.Add(new Embedding<float>(vectors.Rows(i)) { ModelId = answer.Model ?? model, CreatedAt = created });
        }

        if (answer.Usage?.PromptTokens is { } tokens)
        {
            result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // The backend owns the sidecar.
    }

    /// <summary>Turns an <c>embed</c> answer into one block of floats, checking counts and sizes.</summary>
    internal static VectorBlock Decode(SidecarMessage answer, int expectedCount)
    {
        var count = answer.Count ?? answer.Embeddings?.Length ?? 0;
        var dimensions = answer.Dimensions ?? 0;
        if (count != expectedCount || dimensions <= 0)
        {
            throw Protocol($"the sidecar returned {count} vectors of {dimensions} dimensions for {expectedCount} texts");
        }

        var floats = new float[checked(count * dimensions)];
        if (answer.Data is { } data)
        {
            if (!Convert.TryFromBase64String(data, MemoryMarshal.AsBytes(floats.AsSpan()), out var written) || written != floats.Length * sizeof(float))
            {
                throw Protocol($"the base64 block does not hold {count} x {dimensions} float32 values");
            }

            if (!BitConverter.IsLittleEndian)
            {
                var ints = MemoryMarshal.Cast<float, int>(floats.AsSpan());
                BinaryPrimitives.ReverseEndianness(ints, ints);
            }
        }
        else if (answer.Embeddings is { } rows)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                if (rows[i] is not { } row || row.Length != dimensions)
                {
                    throw Protocol($"vector {i} has {rows[i]?.Length ?? 0} values, not {dimensions}");
                }

                row.CopyTo(floats, i * dimensions);
            }
        }
        else
        {
            throw Protocol("the answer carries neither 'data' nor 'embeddings'");
        }

        return new VectorBlock(floats, dimensions);
    }

    private static BackendProtocolException Protocol(string what) =>
        new($"The MLX sidecar sent a malformed embedding answer: {what}.") { BackendId = MlxBackend.DefaultId };
}
