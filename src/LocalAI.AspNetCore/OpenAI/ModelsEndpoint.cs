using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore;

/// <summary><c>GET /v1/models</c>: the installed models of every available backend, each tagged with its backend (<c>owned_by</c>, <c>localai_backend</c>).</summary>
internal static class ModelsEndpoint
{
    public static Task HandleAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static (c, ct) => RespondAsync(c, ct));

    private static async Task RespondAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var manager = context.RequestServices.GetRequiredService<BackendManager>();
        var models = new List<ModelResponse>();
        foreach (var info in await BackendModels.ListAsync(manager, cancellationToken).ConfigureAwait(false))
        {
            models.Add(new ModelResponse
            {
                Id = info.Model.Id,
                OwnedBy = info.Model.BackendId,
                Backend = info.Model.BackendId,
                Capabilities = BackendModels.Names(info.Model.Capabilities == BackendCapabilities.None ? info.Backend : info.Model.Capabilities),
                ContextLength = info.Model.ContextLength,
                EmbeddingDimensions = info.Model.EmbeddingDimensions,
            });
        }

        await RequestRunner.WriteJsonAsync(context, new ModelListResponse { Data = models }, OpenAIJsonContext.Default.ModelListResponse).ConfigureAwait(false);
    }
}
