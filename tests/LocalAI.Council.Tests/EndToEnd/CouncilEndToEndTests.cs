using System.Text.Json;
using LocalAI.Council.Tests.Support;
using Microsoft.Extensions.AI;

namespace LocalAI.Council.Tests.EndToEnd;

/// <summary>
/// A whole council through a real local backend. Subclass it once per backend (GGUF tiny models, the Ollama test
/// server) and return that backend's chat clients from <see cref="CreateAgentsAsync"/>; the subclass owns starting and
/// stopping what the backend needs, and reports why when it cannot run.
/// </summary>
public abstract class CouncilEndToEndTests
{
    /// <summary>Gets how long one real generation may take on the test machine.</summary>
    protected virtual TimeSpan GenerationTimeout => TimeSpan.FromSeconds(60);

    /// <summary>Gets the most tokens each generation may produce, so that tiny random models stop early.</summary>
    protected virtual int? MaxOutputTokens => 64;

    /// <summary>Creates the agents' clients and model names (two or three; they may share one model).</summary>
    protected abstract Task<IReadOnlyList<(IChatClient Client, string Model)>> CreateAgentsAsync();

    [Fact]
    public async Task RealBackend_RunsAWholeCouncil_WithUsageAndLatencyFromTheBackend()
    {
        var agents = await CreateAgentsAsync();
        var options = new CouncilOptions { GenerationTimeout = GenerationTimeout, Quorum = agents.Count };
        foreach (var (client, model) in agents)
        {
            options.Agents.Add(new CouncilAgentOptions { Client = client, Model = model, MaxOutputTokens = MaxOutputTokens });
        }

        using var council = new ChatCouncil(options);
        var session = await council.RunAsync("Name one primary colour.");

        Assert.All(session.Opinions, o => Assert.False(string.IsNullOrWhiteSpace(o.Text), o.Error));
        Assert.All(session.Opinions, o => Assert.True(o.Tokens.PromptTokens > 0 && o.Tokens.CompletionTokens > 0, $"{o.AgentId} reported no usage"));
        Assert.Equal(agents.Count, session.Reviews.Count);
        Assert.All(session.Reviews, r => Assert.True(r.IsValid ? r.Scores.Count == agents.Count - 1 : r.ExclusionReason!.Length > 0));
        Assert.False(string.IsNullOrWhiteSpace(session.Synthesis?.Text));
        Assert.Equal(session.Generations.Sum(g => g.Tokens.TotalTokens), session.TokenUsage.TotalTokens);
        Assert.True(session.Latency.TotalDuration >= session.Latency.Stage1Opinions.WallTime + session.Latency.Stage3Synthesis.WallTime);
        using var json = JsonDocument.Parse(session.ToJson());
        Assert.True(json.RootElement.GetProperty("token_usage").GetProperty("total_tokens").GetInt64() > 0);
    }

    [Fact]
    public async Task RealBackend_Cancellation_StopsTheSessionPromptly()
    {
        var agents = await CreateAgentsAsync();
        var options = new CouncilOptions { GenerationTimeout = GenerationTimeout, Quorum = 1 };
        foreach (var (client, model) in agents)
        {
            options.Agents.Add(new CouncilAgentOptions { Client = client, Model = model, MaxOutputTokens = MaxOutputTokens });
        }

        using var council = new ChatCouncil(options);
        using var cts = new CancellationTokenSource();
        await using var cursor = new EventCursor(council.StreamAsync("Write a long story about the sea.", cts.Token));
        await cursor.NextAsync<OpinionStartedEvent>();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(cursor.DrainAsync);
    }
}
