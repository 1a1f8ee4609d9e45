using System.ClientModel;
using System.ClientModel.Primitives;
using LocalAI.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>A real Kestrel host on a loopback port with <c>AddLocalAI</c> + <c>MapLocalAI</c>, and real OpenAI clients pointed at it.</summary>
public sealed class LocalAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalAIServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Uri V1 => new(Address, "v1/");

    public IServiceProvider Services => _app.Services;

    /// <summary>Gets the in-process router pipeline the endpoints serve, for comparing HTTP answers with direct calls.</summary>
    public IChatClient InProcessChat => Services.GetRequiredService<IChatClient>();

    public IEmbeddingGenerator<string, Embedding<float>> InProcessEmbeddings => Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    public static async Task<LocalAIServer> StartAsync(
        Action<ILocalAIBuilder> backends,
        Action<LocalAIServerOptions>? server = null,
        Action<WebApplication>? map = null,
        TimeProvider? time = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLocalAI(backends);
        builder.Services.AddLocalAIServer(o => server?.Invoke(o));
        services?.Invoke(builder.Services);
        var app = builder.Build();
        if (map is null)
        {
            app.MapLocalAI();
        }
        else
        {
            map(app);
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LocalAIServer(app, new Uri(address + "/"));
    }

    public OpenAIClient OpenAI(string apiKey = "no-key") =>
        new(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = V1, RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromMinutes(2) });

    public IChatClient ChatClient(string model, string apiKey = "no-key") => OpenAI(apiKey).GetChatClient(model).AsIChatClient();

    public IEmbeddingGenerator<string, Embedding<float>> EmbeddingGenerator(string model, int? dimensions = null) =>
        OpenAI().GetEmbeddingClient(model).AsIEmbeddingGenerator(dimensions);

    public HttpClient Http() => new() { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
