using LocalAI.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the LocalAI HTTP endpoints: <c>app.MapLocalAI()</c>, or each group alone with its own route prefix.</summary>
public static class LocalAIEndpointRouteBuilderExtensions
{
    /// <summary>Maps every LocalAI endpoint group under <paramref name="prefix"/>: <c>/v1</c> (OpenAI-compatible), <c>/health</c>, <c>/api/council</c> and <c>/api/rag</c>.</summary>
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
        group.MapLocalAICouncil();
        group.MapLocalAIRag();
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
        group.MapGet(string.Empty, Described(HealthEndpoints.HealthAsync)).WithName("LocalAIHealth")
            .WithSummary("The health checks of every backend: Healthy, Degraded (circuit not closed) or Unhealthy (503).")
            .Produces<HealthReportResponse>().Produces<HealthReportResponse>(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/backends", Described(HealthEndpoints.BackendsAsync)).WithName("LocalAIHealthBackends")
            .WithSummary("Every backend's status, probe latency, circuit state and installed models; ?refresh=true probes now.")
            .Produces<BackendsHealthResponse>();
        group.MapGet("/system", Described(HealthEndpoints.SystemAsync)).WithName("LocalAIHealthSystem")
            .WithSummary("CPU, memory and process figures of the server.")
            .Produces<SystemHealthResponse>();
        return group;
    }

    /// <summary>Maps the council endpoints: <c>POST {prefix}</c> (the whole session as the council's JSON), <c>POST {prefix}/stream</c> (its events as server-sent events) and <c>{prefix}/ws</c> (the same events over a WebSocket).</summary>
    /// <remarks>A request names its agents (registered backends, optionally a model each), or none for the council registered with <c>AddCouncil</c>.</remarks>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The group of these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddLocalAI</c> or <c>AddLocalAIServer</c> was not called.</exception>
    public static RouteGroupBuilder MapLocalAICouncil(this IEndpointRouteBuilder endpoints, string prefix = "/api/council")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        EnsureServices(endpoints);
        var group = Group(endpoints, prefix).WithTags("Council");
        group.MapPost(string.Empty, Described(CouncilEndpoints.RunAsync)).WithName("LocalAICouncil")
            .WithSummary("Runs a council session (opinions, anonymous reviews, ranking, the chairman's synthesis) and returns it with token usage and latency per stage and model.")
            .Accepts<CouncilSessionRequest>();
        group.MapPost("/stream", Described(CouncilEndpoints.StreamAsync)).WithName("LocalAICouncilStream")
            .WithSummary("Runs a council session and streams its events as server-sent events named by their type; the last is session_completed with the session, or error.")
            .Accepts<CouncilSessionRequest>();

        // The WebSocket endpoint brings its own WebSocket middleware, so the host need not call UseWebSockets.
        var socket = endpoints.CreateApplicationBuilder();
        socket.UseWebSockets();
        socket.Run(CouncilWebSocket.HandleAsync);
        group.Map("/ws", socket.Build()).WithName("LocalAICouncilWebSocket").ExcludeFromDescription();
        return group;
    }

    /// <summary>Maps the RAG endpoints over the index registered with <c>AddRag</c>: <c>POST {prefix}/search</c> and <c>POST {prefix}/documents</c> (JSON text documents or uploaded files; progress as server-sent events with <c>?stream=true</c>).</summary>
    /// <remarks>Without a registered index both answer 501 saying how to register one.</remarks>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The group of these endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddLocalAI</c> or <c>AddLocalAIServer</c> was not called.</exception>
    public static RouteGroupBuilder MapLocalAIRag(this IEndpointRouteBuilder endpoints, string prefix = "/api/rag")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        EnsureServices(endpoints);
        var group = Group(endpoints, prefix).WithTags("RAG");
        group.MapPost("/search", Described(RagEndpoints.SearchAsync)).WithName("LocalAIRagSearch")
            .WithSummary("Searches the index: query, top, metadata filters, mode (vector, bm25, hybrid) and minimum similarity; results with scores, sources and metadata, best first.")
            .Accepts<RagSearchRequest>().Produces<RagSearchResponse>();
        group.MapPost("/documents", Described(RagEndpoints.DocumentsAsync)).WithName("LocalAIRagDocuments")
            .WithSummary("Indexes text documents (JSON) or uploaded files (multipart/form-data); ?stream=true sends progress events, then done.")
            .Accepts<RagDocumentsRequest>("application/json", "multipart/form-data").Produces<RagIndexingView>();
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

    /// <summary>Maps a request delegate as a route handler, so that the OpenAPI document describes it (plain request delegates are left out of it).</summary>
    private static Delegate Described(Func<HttpContext, Task> handler) => handler;

    /// <summary>Declares a JSON answer for the OpenAPI document, on endpoints mapped as plain request delegates.</summary>
    internal static IEndpointConventionBuilder Produces<T>(this IEndpointConventionBuilder builder, int status = StatusCodes.Status200OK) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(T), ["application/json"]));

    /// <summary>Declares the request body for the OpenAPI document (and routing's content-type check), on endpoints mapped as plain request delegates.</summary>
    internal static IEndpointConventionBuilder Accepts<T>(this IEndpointConventionBuilder builder, params string[] contentTypes) =>
        builder.WithMetadata(new Microsoft.AspNetCore.Http.Metadata.AcceptsMetadata(contentTypes.Length == 0 ? ["application/json"] : contentTypes, typeof(T)));
}
