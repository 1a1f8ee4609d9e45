using LocalAI;
using LocalAI.AspNetCore;
using LocalAI.Samples;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// The SDK as an HTTP server: OpenAI-compatible /v1 (chat with streaming, embeddings, models), /health, /api/council and /api/rag
// over the backends appsettings.json (or the command line) names, and the OpenAPI document of the non-OpenAI endpoints.
//   dotnet run --project samples/LocalAI.Samples.Server -- --gguf model.gguf --onnx all-MiniLM-L6-v2/    then see README.md
// It listens on loopback (http://127.0.0.1:5090) unless --urls says otherwise.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddConfiguration(SampleBackends.Configuration(args));

builder.Services.AddLocalAI(builder.Configuration.GetSection(LocalAIOptions.SectionName), b =>
{
    SampleBackends.Add(b, "ollama,gguf,onnx");
    b.AddRag();
});
builder.Services.AddLocalAIServer(builder.Configuration.GetSection(LocalAIServerOptions.SectionName));
builder.Services.AddOpenApi();

var app = builder.Build();
app.MapLocalAI();
app.MapOpenApi();
await app.RunAsync();
