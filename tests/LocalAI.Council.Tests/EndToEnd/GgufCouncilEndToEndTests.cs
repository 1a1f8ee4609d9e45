using System.Text.Json;
using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Council.Tests.EndToEnd;

/// <summary>
/// A whole council in-process through llama.cpp: tiny random-weight llama models written for the run (two seeds, so two
/// different models), three agents with personas, and a chairman on the second model. Random weights answer in
/// gibberish, so reviews are usually excluded; what is checked is that every stage ran on those models and was counted.
/// </summary>
public sealed class GgufCouncilEndToEndTests : CouncilEndToEndTests, IAsyncLifetime
{
    private const int OutputTokens = 16;

    private readonly string _first = Path.GetFileName(TinyModels.Chat(1234));
    private readonly string _second = Path.GetFileName(TinyModels.Chat(4321));
    private GgufBackend _backend = null!;

    protected override int? MaxOutputTokens => OutputTokens;

    public Task InitializeAsync()
    {
        _backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions
        {
            ModelsDirectory = TinyModels.GeneratedFolder,
            Threads = 1,
            ContextSize = 1024,
            MaxParallelRequests = 3,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected override Task<IReadOnlyList<(IChatClient Client, string Model)>> CreateAgentsAsync() =>
        Task.FromResult<IReadOnlyList<(IChatClient Client, string Model)>>([(_backend.GetChatClient(), _first), (_backend.GetChatClient(), _second)]);

    [Fact]
    public async Task ThreeAgentsAndAChairman_RunEveryStageOnTheTinyModels_AndTheSessionJsonHasItAll()
    {
        var client = _backend.GetChatClient();
        var options = new CouncilOptions { GenerationTimeout = GenerationTimeout, Quorum = 3, ShuffleSeed = 7 };
        options.Agents.Add(new CouncilAgentOptions { Client = client, Model = _first, MaxOutputTokens = OutputTokens });
        options.Agents.Add(new CouncilAgentOptions { Client = client, Model = _second, SystemPrompt = "You are a painter.", MaxOutputTokens = OutputTokens });
        options.Agents.Add(new CouncilAgentOptions { Client = client, Model = _first, SystemPrompt = "You are a physicist.", MaxOutputTokens = OutputTokens });
        options.Chairman = new CouncilAgentOptions { Client = client, Model = _second, MaxOutputTokens = OutputTokens };
        using var council = new ChatCouncil(options);
        const string question = "Name one primary colour.";

        var session = await council.RunAsync(question);

        // Stage 1: three opinions, each with the usage llama.cpp counted for exactly that prompt.
        Assert.Equal(["agent_1", "agent_2", "agent_3"], session.Opinions.Select(o => o.AgentId));
        Assert.All(session.Opinions, o => Assert.True(o.Succeeded, o.Error));
        Assert.All(session.Opinions, o => Assert.InRange(o.Tokens.CompletionTokens, 1, OutputTokens));
        Assert.Equal(await PromptTokensAsync(_first, null, question), session.Opinions[0].Tokens.PromptTokens);
        Assert.Equal(await PromptTokensAsync(_second, "You are a painter.", question), session.Opinions[1].Tokens.PromptTokens);
        Assert.Equal(await PromptTokensAsync(_first, "You are a physicist.", question), session.Opinions[2].Tokens.PromptTokens);

        // Stage 2: every agent asked for a review (a repair when the first was unusable); each valid or excluded with a reason.
        var reviewCalls = session.Generations.Where(g => g.Stage == CouncilStage.Review).ToList();
        Assert.Equal(3, reviewCalls.Count(g => g.Purpose == "review"));
        Assert.All(reviewCalls, g => Assert.True(g.Succeeded && g.Tokens.PromptTokens > session.Opinions.Min(o => o.Tokens.PromptTokens), g.Error));
        Assert.Equal(3, session.Reviews.Count);
        Assert.All(session.Reviews, r => Assert.True(r.IsValid ? r.Scores.Count == 2 : r.ExclusionReason!.Length > 0));

        // Stage 3: the chairman wrote the answer on the second model, from a prompt that holds the opinions.
        var synthesis = Assert.Single(session.Generations, g => g.Stage == CouncilStage.Synthesis);
        Assert.Equal(("chairman", _second, "synthesis", true), (synthesis.AgentId, synthesis.Model, synthesis.Purpose, synthesis.Succeeded));
        Assert.NotNull(session.Synthesis);
        Assert.Equal(("chairman", false), (session.Synthesis.WriterId, session.Synthesis.UsedFallback));
        Assert.False(string.IsNullOrWhiteSpace(session.Synthesis.Text));
        Assert.True(synthesis.Tokens.PromptTokens > session.Opinions.Sum(o => o.Tokens.CompletionTokens));
        // The only failures are the excluded reviews.
        Assert.All(session.Failures, f => Assert.Equal(CouncilStage.Review, f.Stage));
        Assert.Equal(
            session.Reviews.Where(r => !r.IsValid).Select(r => r.ReviewerId).Order(StringComparer.Ordinal),
            session.Failures.Select(f => f.AgentId).Order(StringComparer.Ordinal));

        // Both models were loaded by llama.cpp, and nothing else.
        var loaded = (await _backend.ListModelsAsync()).Where(m => m.IsLoaded).Select(m => m.Id).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { _first, _second }.Order(StringComparer.Ordinal), loaded);

        // The session JSON: stages, per-model usage that adds up, latencies.
        using var json = JsonDocument.Parse(session.ToJson());
        var root = json.RootElement;
        Assert.Equal(question, root.GetProperty("question").GetString());
        Assert.Equal(3, root.GetProperty("opinions").GetArrayLength());
        Assert.Equal(3, root.GetProperty("reviews").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("ranking").GetProperty("entries").ValueKind);
        Assert.Equal("chairman", root.GetProperty("synthesis").GetProperty("writer_id").GetString());
        Assert.Equal(session.Generations.Count, root.GetProperty("generations").GetArrayLength());
        var usage = root.GetProperty("token_usage");
        var opinionsByModel = usage.GetProperty("stage1_opinions").GetProperty("by_model");
        Assert.Equal(
            session.Opinions.Where(o => o.Model == _first).Sum(o => o.Tokens.TotalTokens),
            opinionsByModel.GetProperty(_first).GetProperty("total_tokens").GetInt64());
        Assert.Equal(synthesis.Tokens.TotalTokens, usage.GetProperty("stage3_synthesis").GetProperty("by_model").GetProperty(_second).GetProperty("total_tokens").GetInt64());
        var stageTotals = new[] { "stage1_opinions", "stage2_review", "stage3_synthesis" }.Sum(s => usage.GetProperty(s).GetProperty("total_tokens").GetInt64());
        Assert.Equal(stageTotals, usage.GetProperty("total_tokens").GetInt64());
        Assert.Equal(session.Generations.Sum(g => g.Tokens.TotalTokens), stageTotals);
        Assert.True(root.GetProperty("latency").GetProperty("total_duration_ms").GetDouble() > 0);
    }

    /// <summary>How many tokens the model's chat template and tokenizer make of this conversation, asked of the backend directly.</summary>
    private async Task<long?> PromptTokensAsync(string model, string? persona, string question)
    {
        List<ChatMessage> messages = persona is null ? [new(ChatRole.User, question)] : [new(ChatRole.System, persona), new(ChatRole.User, question)];
        var response = await _backend.GetChatClient(model).GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 1 });
        return response.Usage?.InputTokenCount;
    }
}
