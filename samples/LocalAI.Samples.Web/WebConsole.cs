using LocalAI.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Samples.Web;

/// <summary>Builds the web console's host: the SDK from configuration with a RAG index (<c>AddRag</c>, <c>LocalAI:Rag</c>) over the embedding router, its HTTP endpoints (<c>MapLocalAI</c>: <c>/v1</c>, <c>/health</c>; <c>MapLocalAIManagement</c>: <c>/api</c>), and the page (static files from <c>wwwroot</c>).</summary>
public static class WebConsole
{
    /// <summary>Builds the host; <c>--urls</c> (default <c>http://127.0.0.1:5080</c>) sets where it listens, the samples' switches set the backends.</summary>
    /// <param name="args">The command line: <c>--backends</c>, <c>--gguf</c>, <c>--onnx</c>, <c>--ollama</c>, <c>--model</c>, <c>--urls</c>, or any <c>--LocalAI:...</c> key.</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddConfiguration(SampleBackends.Configuration(args));

        var localAI = builder.Configuration.GetSection(LocalAIOptions.SectionName);
        builder.Services.AddLocalAI(localAI, b =>
        {
            SampleBackends.Add(b, "ollama,gguf,onnx");
            b.AddRag();
        });
        builder.Services.AddLocalAIServer(builder.Configuration.GetSection(LocalAIServerOptions.SectionName));
        builder.Services.AddLocalAIManagement(builder.Configuration.GetSection(LocalAIManagementOptions.SectionName));

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapLocalAI();
        app.MapLocalAIManagement("/api");
        return app;
    }
}
