namespace LocalAI.AspNetCore;

/// <summary>The installed models of the available backends, listed at most every few seconds, so a request naming a model no backend has gets 404 before it reaches the router (where it would count against a backend's circuit).</summary>
internal sealed class ModelDirectory(BackendManager manager, TimeProvider time)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HashSet<string>? _models;
    private long _listedAt;

    /// <summary>Throws a 404 when <paramref name="model"/> is named, models are known, and no available backend has it.</summary>
    public async ValueTask EnsureKnownAsync(string? model, CancellationToken cancellationToken)
    {
        if (model is null)
        {
            return;
        }

        var models = await GetAsync(cancellationToken).ConfigureAwait(false);
        if (models.Count > 0 && !models.Contains(model))
        {
            throw new HttpError(404, $"The model '{model}' does not exist on any available backend; GET /v1/models lists the models served.", "model", "model_not_found");
        }
    }

    private async ValueTask<HashSet<string>> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _models);
        if (current is not null && time.GetElapsedTime(Volatile.Read(ref _listedAt)) < Ttl)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_models is not null && time.GetElapsedTime(_listedAt) < Ttl)
            {
                return _models;
            }

            var listed = await BackendModels.ListAsync(manager, cancellationToken).ConfigureAwait(false);
            var models = listed.Select(m => m.Model.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Volatile.Write(ref _listedAt, time.GetTimestamp());
            Volatile.Write(ref _models, models);
            return models;
        }
        finally
        {
            _gate.Release();
        }
    }
}
