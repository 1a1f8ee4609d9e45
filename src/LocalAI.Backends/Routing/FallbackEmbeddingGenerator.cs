using System.Globalization;
using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>The router <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: serves from the first available backend of one embedding model and falls back only among backends whose vectors are comparable with it.</summary>
/// <remarks>
/// <para>What is comparable is decided by vectors, not names, wherever they can be measured: when the identity is pinned, the
/// pinning backend's <see cref="EmbeddingFingerprint"/> is measured (its vectors of a few fixed probe texts). A backend the router
/// would fall back to is measured too (once per backend and model, cached) and stands in when its probes agree, whatever
/// its model is called (<c>all-MiniLM-L6-v2</c> in ONNX, <c>all-minilm</c> in Ollama); one that shares the name but disagrees
/// (other weights, a quantised copy) is refused. When the pinning backend could not be measured (it was down), names and
/// dimensions decide, as they do for a generator without fingerprints.</para>
/// <para>The identity (model name and dimensions) is pinned on first use: <see cref="LocalAIOptions.EmbeddingModel"/> when set, else the
/// model of the first embedding backend in priority order that can tell its identity. Vectors of another model are never returned in
/// its place: when no backend of the pinned identity is left, <see cref="EmbeddingModelMismatchException"/> is thrown.</para>
/// <para>Backends create their generators without I/O and load lazily; a generator that does not declare its dimensions yet is asked
/// for one probe vector the first time the router needs them.</para>
/// </remarks>
public sealed class FallbackEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly BackendManager _manager;
    private readonly SemaphoreSlim _pinning = new(1, 1);
    private EmbeddingModelIdentity? _identity;
    private EmbeddingFingerprint? _reference;
    private EmbeddingGeneratorMetadata _metadata = new("LocalAI");

    /// <summary>Initializes a new instance of the <see cref="FallbackEmbeddingGenerator"/> class.</summary>
    /// <param name="manager">The backend manager that holds the backends and their state.</param>
    /// <exception cref="ArgumentNullException"><paramref name="manager"/> is <see langword="null"/>.</exception>
    public FallbackEmbeddingGenerator(BackendManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <summary>Gets the embedding model identity this router serves, pinning it if it is not pinned yet.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="NoBackendAvailableException">No registered backend serves embeddings with a model identity it can tell.</exception>
    public async ValueTask<EmbeddingModelIdentity> GetModelIdentityAsync(CancellationToken cancellationToken = default)
    {
        if (_identity is { } pinned)
        {
            return pinned;
        }

        await _pinning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_identity is { } identity)
            {
                return identity;
            }

            var wanted = _manager.Options.EmbeddingModel;
            var walk = _manager.Walk(BackendCapabilities.Embeddings, null);
            var reasons = new List<BackendAttempt>();
            foreach (var slot in walk.Slots)
            {
                if (!slot.Serves(BackendCapabilities.Embeddings))
                {
                    continue;
                }

                var (served, skipped) = await IdentityOfAsync(slot, cancellationToken).ConfigureAwait(false);
                if (skipped is not null)
                {
                    reasons.Add(skipped);
                }
                else if (served is null)
                {
                    reasons.Add(new BackendAttempt(slot.Id, "does not declare its embedding model"));
                }
                else if (wanted is not null && !string.Equals(wanted, served.Model, StringComparison.OrdinalIgnoreCase))
                {
                    reasons.Add(new BackendAttempt(slot.Id, $"serves {served}, not '{wanted}' (LocalAI:EmbeddingModel)"));
                }
                else
                {
                    _reference = await TryFingerprintAsync(slot, cancellationToken).ConfigureAwait(false);
                    _metadata = new EmbeddingGeneratorMetadata("LocalAI", null, served.Model, served.Dimensions);
                    return _identity = served with { Fingerprint = _reference };
                }
            }

            throw new NoBackendAvailableException("embeddings", reasons);
        }
        finally
        {
            _pinning.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var identity = await GetModelIdentityAsync(cancellationToken).ConfigureAwait(false);
        var walk = _manager.Walk(BackendCapabilities.Embeddings, null);
        var excluded = 0UL;
        List<BackendAttempt>? attempts = null;
        var mismatched = 0;
        while (true)
        {
            var slot = await walk.NextAsync(excluded, waitForRecovery: true, cancellationToken).ConfigureAwait(false);
            if (slot is null)
            {
                var none = new NoBackendAvailableException("embeddings", walk.Explain(attempts));
                throw mismatched > 0 ? new EmbeddingModelMismatchException(identity, null, "Embedding router", none) : none;
            }

            excluded |= slot.Bit;
            var (served, skipped) = await IdentityOfAsync(slot, cancellationToken).ConfigureAwait(false);
            if (skipped is not null)
            {
                (attempts ??= []).Add(skipped);
                continue;
            }

            if (await RefusalAsync(slot, identity, served, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                mismatched += refused.Skipped ? 0 : 1;
                (attempts ??= []).Add(refused.Attempt);
                continue;
            }

            try
            {
                return await slot.GenerateAsync(values, options, identity, attempts is not null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (FallbackPolicy.ShouldFallBack(ex, cancellationToken))
            {
                (attempts ??= []).Add(walk.FallingBack(slot, ex));
            }
        }
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

    private static async ValueTask<EmbeddingFingerprint?> TryFingerprintAsync(BackendSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            return await slot.GetEmbeddingFingerprintAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FallbackPolicy.ShouldFallBack(ex, cancellationToken) || ex is InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Says why a backend may not serve the pinned identity: other dimensions, probes that disagree with the pinned fingerprint, or (without one) another name.</summary>
    private async ValueTask<(BackendAttempt Attempt, bool Skipped)?> RefusalAsync(BackendSlot slot, EmbeddingModelIdentity identity, EmbeddingModelIdentity? served, CancellationToken cancellationToken)
    {
        if (served is null || served.Dimensions != identity.Dimensions || identity.Fingerprint is not { } reference)
        {
            return identity.Equals(served) ? null : (new BackendAttempt(slot.Id, $"serves {served?.ToString() ?? "an undeclared model"}, not {identity}"), false);
        }

        EmbeddingFingerprint fingerprint;
        try
        {
            fingerprint = await slot.GetEmbeddingFingerprintAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FallbackPolicy.ShouldFallBack(ex, cancellationToken))
        {
            return (new BackendAttempt(slot.Id, $"could not measure its embedding fingerprint: {ex.Message}", ex), true);
        }

        var cosine = reference.LowestCosine(fingerprint);
        return cosine >= EmbeddingFingerprint.MinimumCosine
            ? null
            : (new BackendAttempt(slot.Id, string.Create(CultureInfo.InvariantCulture, $"serves {served} whose probe embeddings drift from {identity}'s (lowest cosine {cosine:F6}, below {EmbeddingFingerprint.MinimumCosine})")), false);
    }

    private static async ValueTask<(EmbeddingModelIdentity? Identity, BackendAttempt? Skipped)> IdentityOfAsync(BackendSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            return (await slot.GetEmbeddingIdentityAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (FallbackPolicy.ShouldFallBack(ex, cancellationToken))
        {
            return (null, new BackendAttempt(slot.Id, $"could not create an embedding generator: {ex.Message}", ex));
        }
    }
}
