namespace LocalAI.AspNetCore;

/// <summary>Lists the installed models of the available backends, for <c>/v1/models</c> and <c>/health/backends</c>.</summary>
internal static class BackendModels
{
    private static readonly (BackendCapabilities Flag, string Name)[] Flags =
    [
        (BackendCapabilities.Chat, "chat"),
        (BackendCapabilities.Embeddings, "embeddings"),
        (BackendCapabilities.Vision, "vision"),
        (BackendCapabilities.JsonOutput, "json"),
        (BackendCapabilities.Streaming, "streaming"),
        (BackendCapabilities.ModelDownload, "download"),
    ];

    /// <summary>Returns each available backend's installed models, in priority order; a backend that fails to list is left out.</summary>
    public static async Task<List<(LocalModelInfo Model, BackendCapabilities Backend)>> ListAsync(BackendManager manager, CancellationToken cancellationToken)
    {
        var backends = manager.Backends;
        var lists = await Task.WhenAll(backends.Select(b => ListOneAsync(manager, b, cancellationToken))).ConfigureAwait(false);
        var all = new List<(LocalModelInfo, BackendCapabilities)>();
        for (var i = 0; i < backends.Count; i++)
        {
            foreach (var model in lists[i])
            {
                if (model.IsInstalled)
                {
                    all.Add((model, backends[i].Capabilities));
                }
            }
        }

        return all;
    }

    /// <summary>Names the capability flags, as the JSON answers spell them.</summary>
    public static List<string> Names(BackendCapabilities capabilities)
    {
        var names = new List<string>(Flags.Length);
        foreach (var (flag, name) in Flags)
        {
            if ((capabilities & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static async Task<IReadOnlyList<LocalModelInfo>> ListOneAsync(BackendManager manager, ILocalBackend backend, CancellationToken cancellationToken)
    {
        var status = await manager.GetStatusAsync(backend.Id, refresh: false, cancellationToken).ConfigureAwait(false);
        if (!status.IsAvailable)
        {
            return [];
        }

        try
        {
            return await backend.ListModelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LocalAIException or IOException or HttpRequestException or TimeoutException)
        {
            return status.Models;
        }
    }
}
