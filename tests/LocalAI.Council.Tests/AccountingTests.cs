using System.Text.Json;
using LocalAI.Council.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Council.Tests;

public sealed class AccountingTests
{
    /// <summary>
    /// Clients that answer at once but move the fake clock by their latency, so the calls of a stage run one after another:
    /// opinions m1 1 s (10+20 tokens), m2 2 s (11+21), m1 3 s (12+22); every review 0.5 s (100+5); chairman 4 s (300+50).
    /// </summary>
    private static async Task<CouncilSession> RunScriptedSessionAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        ScriptedChatClient Agent(int n, long prompt, long completion) => new("c" + n, call =>
        {
            if (call.Kind == CallKind.Opinion)
            {
                time.Advance(TimeSpan.FromSeconds(n));
                return Task.FromResult(Script.Reply("Opinion " + n, prompt, completion));
            }

            time.Advance(TimeSpan.FromSeconds(0.5));
            return Task.FromResult(Script.Reply(Script.Review(call), 100, 5));
        });
        var chair = new ScriptedChatClient("chair", _ =>
        {
            time.Advance(TimeSpan.FromSeconds(4));
            return Task.FromResult(Script.Reply("The final answer.", 300, 50));
        });
        var options = Script.Options((Agent(1, 10, 20), "m1"), (Agent(2, 11, 21), "m2"), (Agent(3, 12, 22), "m1"));
        options.Chairman = new CouncilAgentOptions { Client = chair, Model = "chair" };
        using var council = new ChatCouncil(options, timeProvider: time);
        return await council.RunAsync("Q?").Within();
    }

    [Fact]
    public async Task TokenUsage_PerStage_PerModel_AndInTotal_MatchesHandComputedSums()
    {
        var usage = (await RunScriptedSessionAsync()).TokenUsage;

        Assert.Equal(new TokenCounts(22, 42, 64), usage.Stage1Opinions.ByModel["m1"]);
        Assert.Equal(new TokenCounts(11, 21, 32), usage.Stage1Opinions.ByModel["m2"]);
        Assert.Equal((33L, 63L, 96L), (usage.Stage1Opinions.TotalPromptTokens, usage.Stage1Opinions.TotalCompletionTokens, usage.Stage1Opinions.TotalTokens));
        Assert.Equal(new TokenCounts(200, 10, 210), usage.Stage2Review.ByModel["m1"]);
        Assert.Equal(new TokenCounts(100, 5, 105), usage.Stage2Review.ByModel["m2"]);
        Assert.Equal((300L, 15L, 315L), (usage.Stage2Review.TotalPromptTokens, usage.Stage2Review.TotalCompletionTokens, usage.Stage2Review.TotalTokens));
        Assert.Equal(new TokenCounts(300, 50, 350), Assert.Single(usage.Stage3Synthesis.ByModel).Value);
        Assert.Equal((633L, 128L, 761L), (usage.TotalPromptTokens, usage.TotalCompletionTokens, usage.TotalTokens));
    }

    [Fact]
    public async Task Latency_PerGeneration_PerStage_AndTotal_MatchesHandComputedValues()
    {
        var session = await RunScriptedSessionAsync();
        var latency = session.Latency;
        static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

        Assert.Equal([S(1), S(2), S(3)], session.Opinions.Select(o => o.Latency));
        Assert.Equal(new LatencyStats(3, S(1), S(2), S(3), S(6)), latency.Stage1Opinions.Generations);
        Assert.Equal(new LatencyStats(2, S(1), S(2), S(3), S(4)), latency.Stage1Opinions.ByModel["m1"]);
        Assert.Equal(S(6), latency.Stage1Opinions.WallTime);
        Assert.Equal(new LatencyStats(3, S(0.5), S(0.5), S(0.5), S(1.5)), latency.Stage2Review.Generations);
        Assert.Equal(2, latency.Stage2Review.ByModel["m1"].Count);
        Assert.Equal(S(1.5), latency.Stage2Review.WallTime);
        Assert.Equal(S(4), latency.Stage3Synthesis.WallTime);
        Assert.Equal(S(4), session.Synthesis!.Latency);
        Assert.Equal(S(11.5), latency.TotalDuration);
        Assert.Equal(7, session.Generations.Count);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), session.StartedAt);
    }

    [Fact]
    public async Task Session_SerialisesInTheOriginalShape()
    {
        var session = await RunScriptedSessionAsync();

        using var json = JsonDocument.Parse(session.ToJson(indented: true));
        var root = json.RootElement;
        var usage = root.GetProperty("token_usage");
        var m1 = usage.GetProperty("stage1_opinions").GetProperty("by_model").GetProperty("m1");
        Assert.Equal((22, 42, 64), (m1.GetProperty("prompt_tokens").GetInt32(), m1.GetProperty("completion_tokens").GetInt32(), m1.GetProperty("total_tokens").GetInt32()));
        Assert.Equal(315, usage.GetProperty("stage2_review").GetProperty("total_tokens").GetInt32());
        Assert.Equal(300, usage.GetProperty("stage3_synthesis").GetProperty("by_model").GetProperty("chair").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(
            ["opinions", "review", "synthesis"],
            new[] { "stage1_opinions", "stage2_review", "stage3_synthesis" }.Select(p => usage.GetProperty(p).GetProperty("stage").GetString()));
        Assert.Equal((633, 128, 761), (usage.GetProperty("total_prompt_tokens").GetInt32(), usage.GetProperty("total_completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));

        var latency = root.GetProperty("latency");
        Assert.Equal(6000, latency.GetProperty("stage1_opinions").GetProperty("wall_time_ms").GetDouble());
        Assert.Equal(2000, latency.GetProperty("stage1_opinions").GetProperty("generations").GetProperty("median_ms").GetDouble());
        Assert.Equal(11500, latency.GetProperty("total_duration_ms").GetDouble());

        Assert.Equal(session.Id, root.GetProperty("id").GetString());
        Assert.Equal("Q?", root.GetProperty("question").GetString());
        var opinion = root.GetProperty("opinions")[0];
        Assert.Equal(("agent_1", "m1", "Opinion 1", 1000.0, true), (opinion.GetProperty("agent_id").GetString(), opinion.GetProperty("model").GetString(), opinion.GetProperty("text").GetString(), opinion.GetProperty("latency_ms").GetDouble(), opinion.GetProperty("succeeded").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, opinion.GetProperty("error").ValueKind);
        Assert.Equal(3, root.GetProperty("reviews").GetArrayLength());
        Assert.Equal("A", root.GetProperty("reviews")[0].GetProperty("scores")[0].GetProperty("label").GetString());
        Assert.Equal(3, root.GetProperty("ranking").GetProperty("entries").GetArrayLength());
        Assert.Equal("chairman", root.GetProperty("synthesis").GetProperty("writer_id").GetString());
        Assert.Equal("opinions", root.GetProperty("generations")[0].GetProperty("stage").GetString());
        Assert.Equal(0, root.GetProperty("failures").GetArrayLength());
    }

    [Fact]
    public void Events_SerialiseWithATypeDiscriminator()
    {
        CouncilEvent e = new OpinionStartedEvent("s1", DateTimeOffset.UnixEpoch, "agent_1", "m1");

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(e, CouncilJsonContext.Default.CouncilEvent));

        Assert.Equal("opinion_started", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("agent_1", json.RootElement.GetProperty("agent_id").GetString());
        Assert.Equal("s1", json.RootElement.GetProperty("session_id").GetString());
    }

    [Fact]
    public void Usage_WithoutTotal_IsPromptPlusCompletion_AndMissingUsageIsZero()
    {
        Assert.Equal(new TokenCounts(3, 4, 7), TokenCounts.From(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4 }));
        Assert.Equal(TokenCounts.Zero, TokenCounts.From(null));
    }

    [Fact]
    public void Median_OfAnEvenCount_IsTheMeanOfTheMiddleTwo() =>
        Assert.Equal(TimeSpan.FromMilliseconds(25), LatencyStats.From([TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(30)]).Median);
}
