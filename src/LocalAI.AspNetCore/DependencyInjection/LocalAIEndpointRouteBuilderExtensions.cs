using LocalAI.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the LocalAI HTTP endpoints: <c>app.MapLocalAI()</c>, or each group alone with its own route prefix.</summary>
public static class LocalAIEndpointRouteBuilderExtensions
{
    /// <summary>Maps every LocalAI endpoint group under <paramref name="prefix"/>: <c>/v1</c> (OpenAI-compatible), <c>/health</c>, and <c>/api/council</c>, <c>/api/rag</c> where the council and RAG are registered.</summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="prefix">The route prefix of every group, for example <c>/ai</c>; empty maps them at the root.</param>
    /// <returns>The group holding every LocalAI endpoint, to add conventions (authorization, rate limiting) to all of them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddLocalAI</c> or <c>AddLocalAIServer</c> was not called.</exception>
    public static RouteGroupBuilder MapLocalAI(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        EnsureServices(endpoints);
        var group = endpoints.MapGroup(prefix);
        group.MapLocalAIOpenAI();
        group.MapLocalAIHealth();
        return group;
    }

    /// <summary>Maps the OpenAI-compatible endpoints: <c>POST {prefix}/chat/completions</c>, <c>POST {prefix}/embeddings</c>, <c>GET {prefix}/models</c>.</summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="prefix">The route prefix; OpenAI clients expect <c>/v1</c> at the end of their base address.</param>
    /// <returns>The group of these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddLocalAI</c> or <c>AddLocalAIServer</c> was not called.</exception>
    public static RouteGroupBuilder MapLocalAIOpenAI(this IEndpointRouteBuilder endpoints, string prefix = "/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        EnsureServices(endpoints);
        var group = Group(endpoints, prefix).WithTags("OpenAI").ExcludeFromDescription();
        group.MapPost("/chat/completions", ChatCompletionsEndpoint.HandleAsync).WithName("LocalAIChatCompletions");
        group.MapPost("/embeddings", EmbeddingsEndpoint.HandleAsync).WithName("LocalAIEmbeddings");
        group.MapGet("/models", ModelsEndpoint.HandleAsync).WithName("LocalAIModels");
        return group;
    }

    /// <summary>Maps the health endpoints: <c>GET {prefix}</c> (health checks of the backends), <c>{prefix}/backends</c> and <c>{prefix}/system</c>.</summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The group of these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddLocalAI</c> or <c>AddLocalAIServer</c> was not called.</exception>
    public static RouteGroupBuilder MapLocalAIHealth(this IEndpointRouteBuilder endpoints, string prefix = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        EnsureServices(endpoints);
        var group = Group(endpoints, prefix).WithTags("Health");
        group.MapGet("/", HealthEndpoints.HealthAsync).WithName("LocalAIHealth")
            .WithSummary("The health checks of every backend: Healthy, Degraded (circuit not closed) or Unhealthy (503).")
            .Produces<HealthReportResponse>().Produces<HealthReportResponse>(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/backends", HealthEndpoints.BackendsAsync).WithName("LocalAIHealthBackends")
            .WithSummary("Every backend's status, probe latency, circuit state and installed models; ?refresh=true probes now.")
            .Produces<BackendsHealthResponse>();
        group.MapGet("/system", HealthEndpoints.SystemAsync).WithName("LocalAIHealthSystem")
            .WithSummary("CPU, memory and process figures of the server.")
            .Produces<SystemHealthResponse>();
        return group;
    }

    private static RouteGroupBuilder Group(IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix);
        var runner = endpoints.ServiceProvider.GetRequiredService<RequestRunner>();
        if (runner.Options.CorsOrigins.Count > 0)
        {
            group.MapMethods("/{**path}", [HttpMethods.Options], runner.PreflightAsync).ExcludeFromDescription();
        }

        return group;
    }

    private static void EnsureServices(IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        if (!services.IsService(typeof(LocalAI.BackendManager)))
        {
            throw new InvalidOperationException("Call builder.Services.AddLocalAI(...) to register the backends before app.MapLocalAI().");
        }

        if (!services.IsService(typeof(RequestRunner)))
        {
            throw new InvalidOperationException("Call builder.Services.AddLocalAIServer(...) before app.MapLocalAI().");
        }
    }

    /// <summary>Declares a JSON answer for the OpenAPI document, on endpoints mapped as plain request delegates.</summary>
    internal static IEndpointConventionBuilder Produces<T>(this IEndpointConventionBuilder builder, int status = StatusCodes.Status200OK) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(T), ["application/json"]));

    /// <summary>Declares a JSON request body for the OpenAPI document, on endpoints mapped as plain request delegates.</summary>
    internal static IEndpointConventionBuilder Accepts<T>(this IEndpointConventionBuilder builder) =>
        builder.WithMetadata(new Microsoft.AspNetCore.Http.Metadata.AcceptsMetadata(["application/json"], typeof(T)));
}
