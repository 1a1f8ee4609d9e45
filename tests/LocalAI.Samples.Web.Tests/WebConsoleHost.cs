using LocalAI.Ollama.TestServer;
using LocalAI.Samples.Web;
using LocalAI.Testing.Gguf;
using LocalAI.Testing.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LocalAI.Samples.Web.Tests;

/// <summary>
/// The web console's host on a loopback port with real backends behind it — a tiny GGUF chat model in-process (llama.cpp), the
/// real all-MiniLM-L6-v2 in ONNX Runtime, the Ollama protocol test server over loopback HTTP, and MLX (unavailable off Apple Silicon) — and
/// a headless Chromium to look at it.
/// </summary>
public sealed class WebConsoleHost : IAsyncDisposable
{
    /// <summary>The id the ONNX backend gives the encoder, pinned as the embedding router's model.</summary>
    public const string MiniLmId = "all-MiniLM-L6-v2";

    private readonly List<IBrowserContext> _contexts = [];
    private readonly string _ragFolder;
    private IPlaywright? _playwright;
    private int _ollamaStopped;

    private WebConsoleHost(OllamaTestServer ollama, WebApplication app, Uri address, string ragFolder)
    {
        _ragFolder = ragFolder;
        Ollama = ollama;
        App = app;
        Address = address;
    }

    /// <summary>Gets the Ollama protocol test server behind the <c>ollama</c> backend.</summary>
    public OllamaTestServer Ollama { get; }

    /// <summary>Gets the console's application.</summary>
    public WebApplication App { get; }

    /// <summary>Gets the console's address.</summary>
    public Uri Address { get; }

    /// <summary>Gets the browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Gets the backend manager of the host, the truth the page is checked against.</summary>
    public BackendManager Manager => App.Services.GetRequiredService<BackendManager>();

    /// <summary>Starts the Ollama test server, the console host on a free loopback port and the browser.</summary>
    /// <returns>The running host.</returns>
    public static async Task<WebConsoleHost> StartAsync()
    {
        var ollama = await OllamaTestServer.StartAsync();
        var ragFolder = Path.Combine(Path.GetTempPath(), "localai-web-rag-" + Guid.NewGuid().ToString("N"));
        WebApplication? app = null;
        try
        {
            app = WebConsole.Build(
            [
                "--urls", "http://127.0.0.1:0",
                "--LocalAI:Backends", "gguf,ollama,onnx,mlx",
                "--LocalAI:gguf:ModelPath", TinyModels.Chat(),
                "--LocalAI:gguf:Threads", "1",
                "--LocalAI:gguf:ContextSize", "512",
                "--LocalAI:ollama:Endpoint", ollama.Uri.ToString(),
                "--LocalAI:ollama:DefaultModel", "llama3.2:latest",
                "--LocalAI:ollama:EmbeddingModel", "nomic-embed-text:latest",
                "--LocalAI:onnx:ModelPath", MiniLmModel.RequireFolder(),
                "--LocalAI:onnx:ModelId", MiniLmId,

                // The RAG index embeds with the real encoder, not the Ollama test server's embedding model.
                "--LocalAI:EmbeddingModel", MiniLmId,
                "--LocalAI:Rag:StorePath", Path.Combine(ragFolder, "index.ragstore"),
                "--LocalAI:Management:StatusRefreshInterval", "00:00:00.200",
                "--Logging:LogLevel:Default", "Warning",
            ]);
            await app.StartAsync();
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var host = new WebConsoleHost(ollama, app, new Uri(bound.EndsWith('/') ? bound : bound + "/"), ragFolder);
            (host._playwright, host.Browser) = await Chromium.LaunchAsync();
            return host;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await ollama.DisposeAsync();
            DeleteFolder(ragFolder);
            throw;
        }
    }

    /// <summary>Opens the console in a new browser context of the given size.</summary>
    /// <param name="hash">The view to open, for example <c>models</c>.</param>
    /// <param name="width">The viewport width.</param>
    /// <param name="height">The viewport height.</param>
    /// <returns>The page, once the console's script has started.</returns>
    public async Task<IPage> OpenAsync(string hash = "backends", int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/#" + hash);
        await Assertions.Expect(page.Locator("body[data-ready='true']")).ToBeAttachedAsync();
        return page;
    }

    /// <summary>Stops the Ollama test server, as if the server behind the second backend went away.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task StopOllamaAsync()
    {
        if (Interlocked.Exchange(ref _ollamaStopped, 1) == 0)
        {
            await Ollama.DisposeAsync();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await StopOllamaAsync();
        DeleteFolder(_ragFolder);
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
