using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace LocalAI.Ollama.Tests;

/// <summary>A real loopback HTTP server that is not Ollama, on the port the embedded server is told to adopt; it records every request it gets.</summary>
internal sealed class ImpostorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ImpostorServer(WebApplication app, int port, ConcurrentQueue<string> requests)
    {
        _app = app;
        Port = port;
        Requests = requests;
    }

    public int Port { get; }

    /// <summary>Gets every request received, as "METHOD /path".</summary>
    public ConcurrentQueue<string> Requests { get; }

    /// <summary>Answers every path and method with the same JSON, which looks like Ollama's version answer.</summary>
    public static Task<ImpostorServer> CatchAllAsync() => StartAsync((app, requests) => app.Run(async context =>
    {
        requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"version":"1.0.0"}""");
    }));

    /// <summary>Serves the files of <paramref name="root"/> as they are, like any static file server; 404 for the rest.</summary>
    public static Task<ImpostorServer> StaticFilesAsync(string root) => StartAsync((app, requests) =>
    {
        app.Use(async (context, next) =>
        {
            requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root), ServeUnknownFileTypes = true });
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<ImpostorServer> StartAsync(Action<WebApplication, ConcurrentQueue<string>> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = new ConcurrentQueue<string>();
        map(app, requests);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new ImpostorServer(app, address.Port, requests);
    }
}
