using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalAI.OpenAI.Tests.Fixtures;

/// <summary>A loopback HTTP server whose answers each test scripts, to inject faults (status codes, broken event streams, stalls) the real llama-server does not produce on demand.</summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAIServer(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    public Uri Root { get; }

    public Uri ApiBase => new(Root, "v1");

    /// <summary>Gets or sets what the server answers; the default answers 500.</summary>
    public RequestDelegate Handler { get; set; } = ctx =>
    {
        ctx.Response.StatusCode = 500;
        return Task.CompletedTask;
    };

    /// <summary>Gets the <c>Authorization</c> header of every request, <see langword="null"/> where none was sent.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeOpenAIServer? server = null;
        app.Run(ctx =>
        {
            server!.Authorizations.Enqueue(ctx.Request.Headers.Authorization.Count == 0 ? null : ctx.Request.Headers.Authorization.ToString());
            return server.Handler(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAIServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>Answers with a status code and a JSON body.</summary>
    public static RequestDelegate Json(int status, string body) => async ctx =>
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body);
    };

    /// <summary>Answers an event stream: each item is written as one <c>data:</c> event and flushed; <paramref name="beforeEvent"/> runs before each.</summary>
    public static RequestDelegate EventStream(IReadOnlyList<string> events, Func<int, CancellationToken, Task>? beforeEvent = null) => async ctx =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        for (var i = 0; i < events.Count; i++)
        {
            if (beforeEvent is not null)
            {
                await beforeEvent(i, ctx.RequestAborted);
            }

            await ctx.Response.WriteAsync($"data: {events[i]}\n\n", ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }
    };

    /// <summary>One chat completion chunk carrying <paramref name="content"/>, and <paramref name="finishReason"/> when given.</summary>
    public static string Chunk(string content, string? finishReason = null) =>
        $$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"{{content}}"},"finish_reason":{{(finishReason is null ? "null" : $"\"{finishReason}\"")}}}]}""";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
