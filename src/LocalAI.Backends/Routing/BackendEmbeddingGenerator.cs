using System.Diagnostics;
using Microsoft.Extensions.AI;
using Polly;

namespace LocalAI;

/// <summary>One backend's embedding generator as the router calls it: through the backend's resilience pipeline, checked against the model identity it declares.</summary>
internal sealed class BackendEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    public BackendEmbeddingGenerator(BackendEntry entry, IEmbeddingGenerator<string, Embedding<float>> inner)
        : base(inner)
    {
        Entry = entry;
        Identity = EmbeddingModelIdentity.FromGenerator(inner);
    }

    public BackendEntry Entry { get; }

    /// <summary>Gets the model identity the backend declares, or <see langword="null"/> when it declares none.</summary>
    public EmbeddingModelIdentity? Identity { get; }

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var activity = LocalAITelemetry.ActivitySource.StartActivity("localai.embeddings", ActivityKind.Client);
        activity?.SetTag(LocalAITelemetry.BackendTag, Entry.Id);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var result = await Entry.Pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<GeneratedEmbeddings<Embedding<float>>>(
                    state.Inner.GenerateAsync(state.Values, state.Options, ctx.CancellationToken)),
                context,
                (Inner: InnerGenerator, Values: values, Options: options)).ConfigureAwait(false);

            if (Identity is { } identity)
            {
                foreach (var embedding in result)
                {
                    if (embedding.Vector.Length != identity.Dimensions)
                    {
                        throw new EmbeddingModelMismatchException(
                            identity,
                            new EmbeddingModelIdentity(embedding.ModelId ?? identity.Model, embedding.Vector.Length),
                            $"Backend '{Entry.Id}'")
                        { BackendId = Entry.Id };
                    }
                }
            }

            result.AdditionalProperties ??= [];
            result.AdditionalProperties[LocalAITelemetry.BackendTag] = Entry.Id;
            Entry.RecordSuccess("embeddings", result.Usage);
            return result;
        }
        catch (Exception ex) when (Entry.TryTranslate(ex, activity, cancellationToken, out var translated))
        {
            throw translated;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
