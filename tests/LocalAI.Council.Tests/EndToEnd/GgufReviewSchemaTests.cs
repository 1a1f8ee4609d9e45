using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace LocalAI.Council.Tests.EndToEnd;

/// <summary>
/// The council's review schema compiled into a grammar by the GGUF backend: whatever a random-weight model writes under it, stopped
/// at any token limit, validates against the schema (checked by JsonSchema.Net) and is read by the council's review parser.
/// </summary>
public sealed class GgufReviewSchemaTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GgufBackend _backend = null!;

    public Task InitializeAsync()
    {
        _backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { ModelPath = TinyModels.Chat(1234), Threads = 1, ContextSize = 512 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_review_written_under_the_schema_validates_and_the_review_parser_reads_it(int count)
    {
        var format = (ChatResponseFormatJson)ReviewPrompt.SchemaFormat(count);
        var labels = Enumerable.Range(0, count).Select(ReviewPrompt.Label).ToList();
        var client = _backend.GetChatClient();
        foreach (var limit in new[] { 2, 12, 40, 120 })
        {
            var response = await client.GetResponseAsync("Review the answers.", new ChatOptions { ResponseFormat = format, MaxOutputTokens = limit, Temperature = 1f, Seed = limit * count });

            Assert.True(JsonSchemaCheck.Problem(format.Schema!.Value, response.Text) is null, $"limit {limit}: {response.Text}");
            var parsed = ReviewParser.TryParse(response.Text, labels, out var scores, out var error);
            output.WriteLine($"{count} labels, limit {limit}: {(parsed ? $"{scores.Count} scores" : error)}: {response.Text}");

            // The schema cannot say "each label once" (uniqueItems over one property), so the parser may still refuse a repeated label.
            Assert.True(parsed || error.Contains("more than once", StringComparison.Ordinal), error);
        }
    }
}
