using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;
using LocalAI.Gguf;
using LocalAI.Ollama.TestServer;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests;

/// <summary>CORS as configured, and the router's fallback seen over HTTP: the Ollama protocol test server first, the tiny GGUF model second.</summary>
public sealed class CorsAndFallbackTests
{
    private const string Allowed = "http://console.example";

    [Fact]
    public async Task Cors_AConfiguredOriginGetsTheHeaders_AnotherOriginAndNoOriginGetNone()
    {
        await using var server = await LocalAIServer.StartAsync(Gguf, o => o.CorsOrigins = [Allowed]);
        using var http = server.Http();

        using var allowed = await SendAsync(http, HttpMethod.Get, "health/system", Allowed);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(Allowed, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Equal("X-LocalAI-Backend", Header(allowed, "Access-Control-Expose-Headers"));

        using var preflight = await SendAsync(http, HttpMethod.Options, "v1/chat/completions", Allowed, preflight: true);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Allowed, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(preflight, "Access-Control-Allow-Methods"), StringComparison.Ordinal);

        using var councilPreflight = await SendAsync(http, HttpMethod.Options, "api/council/stream", Allowed, preflight: true);
        Assert.Equal(HttpStatusCode.NoContent, councilPreflight.StatusCode);

        foreach (var origin in new[] { "http://elsewhere.example", null })
        {
            using var other = await SendAsync(http, HttpMethod.Get, "health/system", origin);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Null(Header(other, "Access-Control-Allow-Origin"));

            using var otherPreflight = await SendAsync(http, HttpMethod.Options, "v1/chat/completions", origin, preflight: true);
            Assert.Null(Header(otherPreflight, "Access-Control-Allow-Origin"));
            Assert.Null(Header(otherPreflight, "Access-Control-Allow-Methods"));
        }
    }

    [Fact]
    public async Task Cors_NotConfigured_NoOriginGetsTheHeaders()
    {
        await using var server = await LocalAIServer.StartAsync(Gguf);
        using var http = server.Http();

        using var response = await SendAsync(http, HttpMethod.Get, "health/system", Allowed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        using var preflight = await SendAsync(http, HttpMethod.Options, "v1/chat/completions", Allowed, preflight: true);
        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Fallback_WhenTheFirstBackendFails_OrIsStopped_TheSecondServes_AndTheHeaderNamesIt()
    {
        var ollama = await OllamaTestServer.StartAsync();
        var stopped = false;
        try
        {
            await using var server = await LocalAIServer.StartAsync(b => b
                .AddOllama(o =>
                {
                    o.Endpoint = ollama.Uri;
                    o.DefaultModel = "llama3.2:latest";
                })
                .AddGguf(GgufOptions));
            using var http = server.Http();

            // Both up: the first backend serves.
            Assert.Equal("ollama", await ServingBackendAsync(http, stream: false));

            // The first backend's server fails every request: the second serves, streaming or not.
            ollama.Faults.StatusCode = 500;
            Assert.Equal("gguf", await ServingBackendAsync(http, stream: false));
            Assert.Equal("gguf", await ServingBackendAsync(http, stream: true));

            // The first backend's server is gone.
            ollama.Faults.StatusCode = null;
            await ollama.DisposeAsync();
            stopped = true;
            Assert.Equal("gguf", await ServingBackendAsync(http, stream: false));
            Assert.Equal("gguf", await ServingBackendAsync(http, stream: true));
        }
        finally
        {
            if (!stopped)
            {
                await ollama.DisposeAsync();
            }
        }
    }

    private static void Gguf(ILocalAIBuilder builder) => builder.AddGguf(GgufOptions);

    private static void GgufOptions(GgufBackendOptions o)
    {
        o.ModelPath = TinyModels.Chat();
        o.Threads = 1;
        o.ContextSize = 512;
        o.DefaultMaxOutputTokens = 4;
    }

    /// <summary>Sends a chat request without a model (the router chooses) and returns the backend the header names, checked against the body's field.</summary>
    private static async Task<string?> ServingBackendAsync(HttpClient http, bool stream)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello" }),
            ["max_tokens"] = 4,
            ["stream"] = stream,
        };
        using var response = await http.PostAsJsonAsync("v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var header = Header(response, "X-LocalAI-Backend");
        var first = stream ? text.Split("\n\n")[0]["data: ".Length..] : text;
        Assert.Equal(header, (string?)JsonNode.Parse(first)!["localai_backend"]);
        return header;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? origin, bool preflight = false)
    {
        var request = new HttpRequestMessage(method, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (preflight)
        {
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
        }

        return http.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;
}
