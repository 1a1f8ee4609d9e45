using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LocalAI.Samples.Web.Tests;

/// <summary>The management endpoints the console uses, over real HTTP: bad input gets a clear error with the right status.</summary>
public sealed class ManagementEndpointsTests(WebConsoleFixture fixture) : IClassFixture<WebConsoleFixture>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.Address };

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("{\"backend\":\"ollama\"}", HttpStatusCode.BadRequest, "'model' is required")]
    [InlineData("{\"model\":\"x\"}", HttpStatusCode.BadRequest, "'backend' is required")]
    [InlineData("{\"backend\":\"nope\",\"model\":\"x\"}", HttpStatusCode.NotFound, "No backend 'nope'")]
    [InlineData("{\"backend\":\"gguf\",\"model\":\"x\"}", HttpStatusCode.BadRequest, "cannot download models")]
    [InlineData("{\"backend\":", HttpStatusCode.BadRequest, "not valid JSON")]
    public async Task Pull_WithBadInput_AnswersWithTheReason(string body, HttpStatusCode status, string message)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("api/models/pull", content);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_OfAModelTheServerDoesNotHave_EndsWithAnErrorEvent()
    {
        using var response = await _http.PostAsJsonAsync("api/models/pull", new { backend = "ollama", model = "no-such-model:1b" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await response.Content.ReadAsStringAsync();
        Assert.Contains("event: error", events, StringComparison.Ordinal);
        Assert.Contains("ModelNotFoundException", events, StringComparison.Ordinal);
        Assert.DoesNotContain("event: done", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switch_ToABackendThatDoesNotAnswer_Is409_AndLeavesThePreferenceAlone()
    {
        using var response = await _http.PostAsync("api/backends/mlx/switch", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Cannot switch to backend 'mlx'", await ErrorMessageAsync(response), StringComparison.Ordinal);
        Assert.Null(fixture.Host.Manager.PreferredBackendId);
    }

    [Fact]
    public async Task Switch_ToAnUnknownBackend_Is404()
    {
        using var response = await _http.PostAsync("api/backends/nope/switch", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("api/backends/gguf/models/x.gguf", HttpStatusCode.NotFound, "x.gguf")]
    [InlineData("api/backends/ollama/models/not-installed:7b", HttpStatusCode.NotFound, "not-installed:7b")]
    [InlineData("api/backends/nope/models/x", HttpStatusCode.NotFound, "No backend 'nope'")]
    public async Task Delete_WithBadInput_AnswersWithTheReason(string path, HttpStatusCode status, string message)
    {
        using var response = await _http.DeleteAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("message").GetString()!;
    }
}
