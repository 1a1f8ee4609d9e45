using LocalAI.AspNetCore;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the management endpoints: backend status (and its live event stream), switching the preferred backend, models, pull with progress, delete.</summary>
public static class LocalAIManagementEndpointRouteBuilderExtensions
{
    /// <summary>Maps the management endpoints under <paramref name="prefix"/>; <see cref="Microsoft.Extensions.DependencyInjection.LocalAIManagementServiceCollectionExtensions.AddLocalAIManagement"/> registers what they need.</summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term><c>GET {prefix}/backends</c></term><description>every backend's status, circuit, order, and the active ones</description></item>
    /// <item><term><c>GET {prefix}/backends/events</c></term><description>server-sent <c>backends</c> events: the same view at once, then after every change</description></item>
    /// <item><term><c>POST {prefix}/backends/{id}/switch</c></term><description>makes the backend the one tried first (409 when it does not answer its probe)</description></item>
    /// <item><term><c>GET {prefix}/models</c></term><description>the models of every backend, grouped by backend</description></item>
    /// <item><term><c>POST {prefix}/models/pull</c></term><description><c>{"backend","model"}</c>; server-sent <c>progress</c> events, then <c>done</c> or <c>error</c>; aborting the request cancels the pull</description></item>
    /// <item><term><c>DELETE {prefix}/backends/{id}/models/{model}</c></term><description>deletes an installed model (204)</description></item>
    /// </list>
    /// The council's endpoints (<c>/api/council</c>, <c>/api/council/stream</c>, <c>/api/council/ws</c>) are mapped by <see cref="LocalAIEndpointRouteBuilderExtensions.MapLocalAI"/>.
    /// </remarks>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The group, to add conventions (authorization, rate limiting) to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    public static RouteGroupBuilder MapLocalAIManagement(this IEndpointRouteBuilder endpoints, string prefix = "/api")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/backends", ManagementHandlers.GetBackendsAsync);
        group.MapGet("/backends/events", ManagementHandlers.StreamBackends);
        group.MapPost("/backends/{id}/switch", ManagementHandlers.SwitchAsync);
        group.MapGet("/models", ManagementHandlers.GetModelsAsync);
        group.MapPost("/models/pull", ManagementHandlers.PullAsync);
        group.MapDelete("/backends/{id}/models/{**model}", ManagementHandlers.DeleteAsync);
        return group;
    }
}
