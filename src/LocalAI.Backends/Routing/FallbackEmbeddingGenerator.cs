using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>The router <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: serves from the first available backend of one embedding model identity and falls back only among backends of that same identity.</summary>
/// <remarks>
/// The identity (model name and dimensions) is pinned on first use: <see cref="LocalAIOptions.EmbeddingModel"/> when set, else the
/// model of the first embedding backend in priority order. Vectors of another model are never returned in its place:
/// when no backend of the pinned identity is left, <see cref="EmbeddingModelMismatchException"/> is thrown.
/// </remarks>
public sealed class FallbackEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly BackendManager _manager;
    private readonly object _gate = new();
    private EmbeddingModelIdentity? _identity;
    private EmbeddingGeneratorMetadata? _metadata;

    /// <summary>Initializes a new instance of the <see cref="FallbackEmbeddingGenerator"/> class.</summary>
    /// <param name="manager">The backend manager that holds the backends and their state.</param>
    /// <exception cref="ArgumentNullException"><paramref name="manager"/> is <see langword="null"/>.</exception>
    public FallbackEmbeddingGenerator(BackendManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <summary>Gets the embedding model identity this router serves, pinning it if it is not pinned yet.</summary>
    /// <returns>The identity.</returns>
    /// <exception cref="NoBackendAvailableException">No registered backend serves embeddings with a declared model identity.</exception>
    public EmbeddingModelIdentity GetModelIdentity()
    {
        if (_identity is { } pinned)
        {
            return pinned;
        }

        lock (_gate)
        {
            if (_identity is not null)
            {
                return _identity;
            }

            var wanted = _manager.Options.EmbeddingModel;
            var reasons = new List<BackendAttempt>();
            foreach (var entry in _manager.OrderedEntries)
            {
                if ((entry.Capabilities & BackendCapabilities.Embeddings) == 0)
                {
                    continue;
                }

                if (entry.EmbeddingGenerator is not { } generator)
                {
                    reasons.Add(new BackendAttempt(entry.Id, $"could not create an embedding generator: {entry.EmbeddingGeneratorError?.Message}", entry.EmbeddingGeneratorError));
                    continue;
                }

                if (generator.Identity is not { } identity)
                {
                    reasons.Add(new BackendAttempt(entry.Id, "does not declare its embedding model and dimensions"));
                    continue;
                }

                if (wanted is not null && !string.Equals(wanted, identity.Model, StringComparison.OrdinalIgnoreCase))
                {
                    reasons.Add(new BackendAttempt(entry.Id, $"serves {identity}, not '{wanted}' (LocalAI:EmbeddingModel)"));
                    continue;
                }

                _metadata = new EmbeddingGeneratorMetadata("LocalAI", null, identity.Model, identity.Dimensions);
                return _identity = identity;
            }

            throw new NoBackendAvailableException("embeddings", reasons);
        }
    }

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var identity = GetModelIdentity();
        var now = _manager.TimeProvider.GetUtcNow();
        List<BackendAttempt>? reasons = null;
        var mismatched = 0;
        foreach (var entry in _manager.OrderedEntries)
        {
            if ((entry.Capabilities & BackendCapabilities.Embeddings) == 0)
            {
                continue;
            }

            if (entry.EmbeddingGenerator is not { } generator)
            {
                (reasons ??= []).Add(new BackendAttempt(entry.Id, $"could not create an embedding generator: {entry.EmbeddingGeneratorError?.Message}", entry.EmbeddingGeneratorError));
                continue;
            }

            if (!identity.Equals(generator.Identity))
            {
                mismatched++;
                (reasons ??= []).Add(new BackendAttempt(entry.Id, $"serves {generator.Identity?.ToString() ?? "an undeclared model"}, not {identity}"));
                continue;
            }

            if (entry.IsCoolingDown(now))
            {
                (reasons ??= []).Add(new BackendAttempt(entry.Id, $"circuit open after repeated failures until {entry.OpenUntil:O}"));
                continue;
            }

            var status = await _manager.GetRoutingStatusAsync(entry, now, cancellationToken).ConfigureAwait(false);
            if (!status.IsAvailable)
            {
                (reasons ??= []).Add(new BackendAttempt(entry.Id, $"unavailable: {status.Reason}"));
                continue;
            }

            try
            {
                return await generator.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TransientFailure.IsTransient(ex))
            {
                (reasons ??= []).Add(new BackendAttempt(entry.Id, TransientFailure.Describe(ex), ex));
                LocalAITelemetry.Fallbacks.Add(1, new KeyValuePair<string, object?>(LocalAITelemetry.BackendTag, entry.Id));
                Log.FallingBack(_manager.Logger, entry.Id, TransientFailure.Describe(ex));
            }
        }

        var none = new NoBackendAvailableException("embeddings", reasons ?? []);
        if (mismatched > 0)
        {
            throw new EmbeddingModelMismatchException(identity, null, "Embedding router", none);
        }

        throw none;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            try
            {
                _ = GetModelIdentity();
            }
            catch (NoBackendAvailableException)
            {
                return null;
            }

            return _metadata;
        }

        if (serviceType == typeof(BackendManager))
        {
            return _manager;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The backends are owned by the container (or whoever created the manager), not by the router.
    }
}
