using OpenAI.Models;

namespace LocalAI.OpenAI;

/// <summary>The models one server lists at <c>GET /v1/models</c>, read once and again when a request names a model missing from the list (a server may load models later).</summary>
internal sealed class ModelCatalog(OpenAIModelClient client) : IDisposable
{
    private readonly SemaphoreSlim _listing = new(1, 1);
    private IReadOnlyList<OpenAIModel>? _models;

    /// <summary>Reads the list from the server, and keeps it.</summary>
    public async Task<IReadOnlyList<OpenAIModel>> ListAsync(CancellationToken cancellationToken)
    {
        var models = await client.GetModelsAsync(cancellationToken).ConfigureAwait(false);
        var list = models.Value.ToArray();
        Volatile.Write(ref _models, list);
        return list;
    }

    /// <summary>Returns the model a request goes to: <paramref name="model"/> when the server lists it, else the server's only model when none is named.</summary>
    /// <exception cref="ModelNotFoundException">The server does not list <paramref name="model"/>, or lists several models and none is named.</exception>
    public async Task<string> ResolveAsync(string? model, OpenAIErrors errors, Uri endpoint, CancellationToken cancellationToken)
    {
        var models = Volatile.Read(ref _models);
        if (models is null || !Lists(models, model))
        {
            await _listing.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another request may have read the list meanwhile.
                models = Volatile.Read(ref _models);
                if (models is null || !Lists(models, model))
                {
                    models = await ListAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _listing.Release();
            }
        }

        if (model is not null && Lists(models, model))
        {
            return model;
        }

        if (model is null && models.Count == 1)
        {
            return models[0].Id;
        }

        throw errors.ModelNotListed(model, [.. models.Select(m => m.Id)], endpoint);
    }

    public void Dispose() => _listing.Dispose();

    private static bool Lists(IReadOnlyList<OpenAIModel> models, string? model) =>
        model is null ? models.Count == 1 : models.Any(m => string.Equals(m.Id, model, StringComparison.Ordinal));
}
