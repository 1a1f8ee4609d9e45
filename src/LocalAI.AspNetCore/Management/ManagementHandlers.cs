using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalAI.AspNetCore;

/// <summary>The request handlers of <see cref="Microsoft.AspNetCore.Builder.LocalAIManagementEndpointRouteBuilderExtensions.MapLocalAIManagement"/>.</summary>
internal static class ManagementHandlers
{
    private static ManagementJsonContext Json => ManagementJsonContext.Default;

    public static async Task<IResult> GetBackendsAsync(BackendStatusFeed feed, CancellationToken cancellationToken) =>
        TypedResults.Json(await feed.SnapshotAsync(cancellationToken).ConfigureAwait(false), Json.BackendsView);

    public static ServerSentEventsResult<string> StreamBackends(BackendStatusFeed feed, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(BackendEventsAsync(feed, cancellationToken));

    public static async Task<IResult> SwitchAsync(string id, BackendManager manager, BackendStatusFeed feed, CancellationToken cancellationToken)
    {
        if (FindBackend(manager, id) is null)
        {
            return Error(StatusCodes.Status404NotFound, new ArgumentException($"No backend '{id}' is registered (registered: {string.Join(", ", manager.Backends.Select(b => b.Id))})."));
        }

        try
        {
            await manager.SwitchBackendAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendUnavailableException ex)
        {
            return Error(StatusCodes.Status409Conflict, ex);
        }

        feed.Notify();
        return TypedResults.Json(await feed.SnapshotAsync(cancellationToken).ConfigureAwait(false), Json.BackendsView);
    }

    public static async Task<IResult> GetModelsAsync(BackendManager manager, CancellationToken cancellationToken)
    {
        var backends = manager.Backends;
        var groups = await Task.WhenAll(backends.Select(b => ListAsync(b, cancellationToken))).ConfigureAwait(false);
        return TypedResults.Json<IReadOnlyList<ModelGroupView>>(groups, Json.IReadOnlyListModelGroupView);
    }

    public static async Task<IResult> PullAsync(HttpRequest request, BackendManager manager, BackendStatusFeed feed, IOptions<LocalAIManagementOptions> options, ILogger<BackendStatusFeed> logger, CancellationToken cancellationToken)
    {
        PullModelRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync(Json.PullModelRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, new ArgumentException($"The body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidOperationException ex)
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, new ArgumentException($"Send the body as application/json: {ex.Message}"));
        }

        if (string.IsNullOrWhiteSpace(body?.Backend))
        {
            return Error(StatusCodes.Status400BadRequest, new ArgumentException("The field 'backend' is required: the id of the backend that pulls the model."));
        }

        if (string.IsNullOrWhiteSpace(body.Model))
        {
            return Error(StatusCodes.Status400BadRequest, new ArgumentException("The field 'model' is required: the model to pull, as the backend names it."));
        }

        if (FindBackend(manager, body.Backend) is not { } backend)
        {
            return Error(StatusCodes.Status404NotFound, new ArgumentException($"No backend '{body.Backend}' is registered."));
        }

        if (!backend.Capabilities.HasFlag(BackendCapabilities.ModelDownload))
        {
            return Error(StatusCodes.Status400BadRequest, new NotSupportedException($"Backend '{backend.Id}' cannot download models."));
        }

        return TypedResults.ServerSentEvents(ModelPullStream.RunAsync(backend, body.Model.Trim(), options.Value.PullProgressBuffer, logger, feed.Notify, cancellationToken));
    }

    public static async Task<IResult> DeleteAsync(string id, string model, BackendManager manager, BackendStatusFeed feed, ILogger<BackendStatusFeed> logger, CancellationToken cancellationToken)
    {
        if (FindBackend(manager, id) is not { } backend)
        {
            return Error(StatusCodes.Status404NotFound, new ArgumentException($"No backend '{id}' is registered."));
        }

        if (backend is not IModelDeleter deleter)
        {
            return Error(StatusCodes.Status400BadRequest, new NotSupportedException($"Backend '{backend.Id}' cannot delete models; remove the file or folder it loads instead."));
        }

        try
        {
            await deleter.DeleteModelAsync(model, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelNotFoundException ex)
        {
            return Error(StatusCodes.Status404NotFound, ex);
        }
        catch (ModelInUseException ex)
        {
            return Error(StatusCodes.Status409Conflict, ex);
        }
        catch (BackendUnavailableException ex)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, ex);
        }

        ManagementLog.Deleted(logger, model, backend.Id);
        feed.Notify();
        return TypedResults.NoContent();
    }

    private static async IAsyncEnumerable<SseItem<string>> BackendEventsAsync(BackendStatusFeed feed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe before the first snapshot, so a change between the two is not missed.
        using var subscription = feed.Subscribe();
        do
        {
            var snapshot = await feed.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            yield return new SseItem<string>(JsonSerializer.Serialize(snapshot, Json.BackendsView), "backends");
        }
        while (await subscription.WaitForChangeAsync(cancellationToken).ConfigureAwait(false));
    }

    private static async Task<ModelGroupView> ListAsync(ILocalBackend backend, CancellationToken cancellationToken)
    {
        var canDownload = backend.Capabilities.HasFlag(BackendCapabilities.ModelDownload);
        var canDelete = backend is IModelDeleter;
        try
        {
            var models = await backend.ListModelsAsync(cancellationToken).ConfigureAwait(false);
            return new ModelGroupView(backend.Id, canDownload, canDelete, null, [.. models.Select(ManagementViews.ToView)]);
        }
        catch (Exception ex) when (ex is LocalAIException or NotSupportedException or IOException or HttpRequestException)
        {
            return new ModelGroupView(backend.Id, canDownload, canDelete, ex.Message, []);
        }
    }

    private static ILocalBackend? FindBackend(BackendManager manager, string id) =>
        manager.Backends.FirstOrDefault(b => string.Equals(b.Id, id, StringComparison.OrdinalIgnoreCase));

    private static JsonHttpResult<ManagementError> Error(int status, Exception exception) =>
        TypedResults.Json(ManagementViews.ToError(exception), Json.ManagementError, statusCode: status);
}
