using LocalAI.Council.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Council.Tests;

public sealed class ChatCouncilTests
{
    private const string Question = "Why is the sky blue?";

    [Fact]
    public async Task StreamAsync_YieldsStagesInOrder_AndStreamsTheSynthesis()
    {
        var a = Script.Agent("a", "Rayleigh scattering of sunlight.");
        var b = Script.Agent("b", "Short wavelengths scatter more.", synthesis: "Blue light scatters most in air.");
        var c = Script.Agent("c", "Because of the atmosphere.");
        var options = Script.Options((a, "m-a"), (b, "m-b"), (c, "m-c"));
        options.Chairman = new CouncilAgentOptions { Client = b, Model = "m-chair" };
        using var council = new ChatCouncil(options);

        await using var cursor = new EventCursor(council.StreamAsync(Question));
        var events = await cursor.DrainAsync();

        Assert.IsType<SessionStartedEvent>(events[0]);
        var completed = Assert.IsType<SessionCompletedEvent>(events[^1]);
        int Last<T>() => events.FindLastIndex(e => e is T);
        int First<T>() => events.FindIndex(e => e is T);
        Assert.Equal(3, events.OfType<OpinionStartedEvent>().Count());
        Assert.Equal(3, events.OfType<OpinionCompletedEvent>().Count());
        Assert.Equal(3, events.OfType<ReviewCompletedEvent>().Count());
        Assert.True(Last<OpinionCompletedEvent>() < First<ReviewCompletedEvent>());
        Assert.True(Last<ReviewCompletedEvent>() < First<RankingComputedEvent>());
        Assert.True(First<RankingComputedEvent>() < First<SynthesisStartedEvent>());
        Assert.True(First<SynthesisStartedEvent>() < First<SynthesisTokenEvent>());

        var tokens = events.OfType<SynthesisTokenEvent>().ToList();
        Assert.Equal(6, tokens.Count);
        Assert.Equal("Blue light scatters most in air.", string.Concat(tokens.Select(t => t.Text)));
        Assert.Equal("Blue light scatters most in air.", completed.Session.Synthesis!.Text);
        Assert.Equal("chairman", completed.Session.Synthesis.WriterId);
        Assert.Equal("m-chair", completed.Session.Synthesis.Model);
        Assert.All(events, e => Assert.Equal(completed.Session.Id, e.SessionId));
        Assert.Equal(["agent_1", "agent_2", "agent_3"], completed.Session.Opinions.Select(o => o.AgentId));
    }

    [Fact]
    public async Task RunAsync_GivesDistinctIdsToAgentsOfTheSameModel()
    {
        var a = Script.Agent("a", "One.");
        var b = Script.Agent("b", "Two.");
        using var council = new ChatCouncil(Script.Options((a, "same"), (b, "same")));

        var session = await council.RunAsync(Question).Within();

        Assert.Equal(["agent_1", "agent_2"], session.Opinions.Select(o => o.AgentId));
        Assert.Equal(["One.", "Two."], session.Opinions.Select(o => o.Text));
        Assert.Equal(2, session.Ranking.Entries.Count);
        Assert.Equal(["agent_1", "agent_2"], session.Ranking.Entries.Select(e => e.AgentId).Order());
    }

    [Fact]
    public async Task Stage1_RunsAgentsInParallel_WallTimeIsTheSlowestNotTheSum()
    {
        var time = new FakeTimeProvider();
        var gates = new[] { new Gate(), new Gate(), new Gate() };
        var clients = gates.Select((g, i) => new ScriptedChatClient("c" + i, async call =>
        {
            if (call.Kind == CallKind.Opinion)
            {
                await g.PassAsync(call.CancellationToken);
                return Script.Reply("Answer " + i);
            }

            return Script.Reply(call.Kind == CallKind.Synthesis ? "Final." : Script.Review(call));
        })).ToArray();
        using var council = new ChatCouncil(Script.Options((clients[0], "m0"), (clients[1], "m1"), (clients[2], "m2")), timeProvider: time);

        await using var cursor = new EventCursor(council.StreamAsync(Question));
        var first = cursor.NextAsync<OpinionStartedEvent>();
        await Task.WhenAll(gates.Select(g => g.Entered)).Within();   // all three are in flight at once
        await first;

        for (var i = 0; i < gates.Length; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            gates[i].Release();
            var id = "agent_" + (i + 1);
            await cursor.NextAsync<OpinionCompletedEvent>(e => e.Opinion.AgentId == id);
        }

        var session = (await cursor.NextAsync<SessionCompletedEvent>()).Session;
        Assert.Equal([1, 2, 3], session.Opinions.Select(o => o.Latency.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(3), session.Latency.Stage1Opinions.WallTime);
        Assert.Equal(TimeSpan.FromSeconds(6), session.Latency.Stage1Opinions.Generations.Total);
    }

    [Fact]
    public async Task ConcurrencyLimit_PerEndpoint_IsHonoured()
    {
        var gates = Enumerable.Range(0, 5).Select(_ => new Gate()).ToArray();
        var calls = 0;
        var worker = new ScriptedChatClient("worker", async call =>
        {
            if (call.Kind == CallKind.Opinion)
            {
                await gates[Interlocked.Increment(ref calls) - 1].PassAsync(call.CancellationToken);
                return Script.Reply("Answer " + call.Options!.ModelId);
            }

            return Script.Reply(call.Kind == CallKind.Synthesis ? "Final." : Script.Review(call));
        });
        var options = new CouncilOptions { ConcurrencyLimits = { ["pc2"] = 2 } };
        for (var i = 0; i < 5; i++)
        {
            options.Agents.Add(new CouncilAgentOptions { Client = worker, Model = "m" + i, Endpoint = "pc2" });
        }

        using var council = new ChatCouncil(options);
        var run = council.RunAsync(Question);

        await Task.WhenAll(gates[0].Entered, gates[1].Entered).Within();
        Assert.Equal(2, worker.InFlight);
        for (var i = 0; i < 5; i++)
        {
            gates[i].Release();
            if (i + 2 < 5)
            {
                await gates[i + 2].Entered.Within();
            }
        }

        var session = await run.Within();
        Assert.Equal(2, worker.MaxInFlight);
        Assert.All(session.Opinions, o => Assert.True(o.Succeeded));
        Assert.Equal(5, session.Reviews.Count(r => r.IsValid));
    }

    [Fact]
    public async Task DifferentEndpoints_HaveSeparateLimits()
    {
        var gate = new Gate();
        var slow = new ScriptedChatClient("slow", async call =>
        {
            if (call.Kind == CallKind.Opinion)
            {
                await gate.PassAsync(call.CancellationToken);
            }

            return Script.Reply(call.Kind switch { CallKind.Opinion => "Slow.", CallKind.Synthesis => "Final.", _ => Script.Review(call) });
        });
        var fast = Script.Agent("fast", "Fast.");
        var options = new CouncilOptions { DefaultConcurrencyLimit = 1 };
        options.Agents.Add(new CouncilAgentOptions { Client = slow, Model = "s", Endpoint = "pc1" });
        options.Agents.Add(new CouncilAgentOptions { Client = fast, Model = "f", Endpoint = "pc2" });
        using var council = new ChatCouncil(options);

        await using var cursor = new EventCursor(council.StreamAsync(Question));
        var fastDone = await cursor.NextAsync<OpinionCompletedEvent>();   // pc2 is not held up by pc1's busy slot

        Assert.Equal("agent_2", fastDone.Opinion.AgentId);
        gate.Release();
        var session = (await cursor.NextAsync<SessionCompletedEvent>()).Session;
        Assert.NotNull(session.Synthesis);
    }

    [Fact]
    public async Task Quorum_NotReached_FailsWithEveryRealError()
    {
        var ok = Script.Agent("ok", "Fine.");
        var down = new ScriptedChatClient("down", _ => throw new BackendUnavailableException("Ollama at http://127.0.0.1:11434 refused the connection."));
        var missing = new ScriptedChatClient("missing", _ => throw new ModelNotFoundException("Model 'qwen3' is not installed; pull it first."));
        using var council = new ChatCouncil(Script.Options((ok, "m1"), (down, "m2"), (missing, "m3")));

        var ex = await Assert.ThrowsAsync<CouncilFailedException>(() => council.RunAsync(Question)).Within();

        Assert.Contains("Only 1 of 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at least 2", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.InnerException is BackendUnavailableException or ModelNotFoundException);
        Assert.Contains("agent_2 (m2): Ollama at http://127.0.0.1:11434 refused the connection.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("agent_3 (m3): Model 'qwen3' is not installed; pull it first.", ex.Message, StringComparison.Ordinal);
        var session = Assert.IsType<CouncilSession>(ex.Session);
        Assert.Equal([true, false, false], session.Opinions.Select(o => o.Succeeded));
        Assert.Equal(2, session.Failures.Count);
        Assert.Contains(session.Failures, f => f.AgentId == "agent_3" && f.ErrorType == typeof(ModelNotFoundException).FullName);
        Assert.Empty(session.Reviews);
        Assert.Null(session.Synthesis);
        Assert.Empty(ok.CallsOf(CallKind.Review));
    }

    [Fact]
    public async Task Quorum_Reached_GoesOnWithoutTheFailedAgent()
    {
        var a = Script.Agent("a", "A says.");
        var b = Script.Agent("b", "B says.");
        var down = new ScriptedChatClient("down", _ => throw new BackendUnavailableException("worker pc2 is down"));
        using var council = new ChatCouncil(Script.Options((a, "m1"), (b, "m2"), (down, "m3")));

        var session = await council.RunAsync(Question).Within();

        var failure = Assert.Single(session.Failures);
        Assert.Equal(("agent_3", CouncilStage.Opinions, "worker pc2 is down"), (failure.AgentId, failure.Stage, failure.Error));
        Assert.Equal(["agent_1", "agent_2"], session.Reviews.Select(r => r.ReviewerId).Order());
        Assert.All(session.Reviews, r => Assert.DoesNotContain("agent_3", r.Labels.Values));
        Assert.Equal(2, session.Ranking.Entries.Count);
        Assert.Single(down.Calls);
    }

    [Fact]
    public async Task Timeout_RecordsTheAgentAsTimedOut_AndTheCouncilGoesOn()
    {
        var time = new FakeTimeProvider();
        var gate = new Gate();
        var slow = new ScriptedChatClient("slow", async call =>
        {
            await gate.PassAsync(call.CancellationToken);
            return Script.Reply("Too late.");
        });
        var a = Script.Agent("a", "A says.");
        var b = Script.Agent("b", "B says.");
        var options = Script.Options((a, "m1"), (b, "m2"), (slow, "m3"));
        options.GenerationTimeout = TimeSpan.FromSeconds(30);
        using var council = new ChatCouncil(options, timeProvider: time);

        var run = council.RunAsync(Question);
        await gate.Entered.Within();
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(gate.Exited.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var session = await run.Within();

        Assert.True(await gate.Exited);   // the call saw its cancellation
        var opinion = session.Opinions[2];
        Assert.False(opinion.Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(30), opinion.Latency);
        Assert.Contains("did not finish within the generation timeout of 30 s", opinion.Error, StringComparison.Ordinal);
        Assert.Equal(typeof(TimeoutException).FullName, Assert.Single(session.Failures).ErrorType);
        Assert.NotNull(session.Synthesis);
    }

    [Fact]
    public async Task Cancellation_StopsEveryGenerationBeforeReturning()
    {
        var gates = new[] { new Gate(), new Gate(), new Gate() };
        var clients = gates.Select((g, i) => new ScriptedChatClient("c" + i, async call =>
        {
            await g.PassAsync(call.CancellationToken);
            return Script.Reply("x");
        })).ToArray();
        using var council = new ChatCouncil(Script.Options((clients[0], "m0"), (clients[1], "m1"), (clients[2], "m2")));
        using var cts = new CancellationTokenSource();

        var run = council.RunAsync(Question, cts.Token);
        await Task.WhenAll(gates.Select(g => g.Entered)).Within();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).Within();
        Assert.All(gates, g => Assert.True(g.StoppedByCancellation));
        Assert.All(clients, c => Assert.Equal(0, c.InFlight));
    }

    [Fact]
    public async Task LeavingTheStreamEarly_StopsEveryGeneration()
    {
        var gates = new[] { new Gate(), new Gate() };
        var clients = gates.Select((g, i) => new ScriptedChatClient("c" + i, async call =>
        {
            await g.PassAsync(call.CancellationToken);
            return Script.Reply("x");
        })).ToArray();
        using var council = new ChatCouncil(Script.Options((clients[0], "m0"), (clients[1], "m1")));

        await using (var cursor = new EventCursor(council.StreamAsync(Question)))
        {
            await cursor.NextAsync<OpinionStartedEvent>();
            await Task.WhenAll(gates.Select(g => g.Entered)).Within();
        }

        Assert.All(gates, g => Assert.True(g.StoppedByCancellation));
        Assert.All(clients, c => Assert.Equal(0, c.InFlight));
    }

    [Fact]
    public async Task StreamAsync_CancelledByToken_ThrowsAndStopsGenerations()
    {
        var gate = new Gate();
        var slow = new ScriptedChatClient("slow", async call =>
        {
            await gate.PassAsync(call.CancellationToken);
            return Script.Reply("x");
        });
        var a = Script.Agent("a", "A.");
        using var council = new ChatCouncil(Script.Options((a, "m1"), (slow, "m2")));
        using var cts = new CancellationTokenSource();

        await using var cursor = new EventCursor(council.StreamAsync(Question, cts.Token));
        await cursor.NextAsync<OpinionStartedEvent>(e => e.AgentId == "agent_2");
        await gate.Entered.Within();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(cursor.DrainAsync);
        Assert.True(gate.StoppedByCancellation);
    }

    [Fact]
    public async Task ChairmanFailure_TopRankedAgentWritesTheAnswer_AndTheRealErrorIsRecorded()
    {
        // agent_2's answer gets the best scores from both others.
        static int Score(string text) => text.Contains("best", StringComparison.Ordinal) ? 9 : 4;
        var a = Script.Agent("a", "A plain answer.", Score, synthesis: "Written by a.");
        var b = Script.Agent("b", "The best answer.", Score, synthesis: "Written by b.");
        var c = Script.Agent("c", "Another plain one.", Score, synthesis: "Written by c.");
        var chair = new ScriptedChatClient("chair", _ => throw new InvalidOperationException("llama.cpp: failed to allocate the KV cache (out of memory)"));
        var options = Script.Options((a, "m1"), (b, "m2"), (c, "m3"));
        options.Chairman = new CouncilAgentOptions { Client = chair, Model = "big" };
        using var council = new ChatCouncil(options);

        await using var cursor = new EventCursor(council.StreamAsync(Question));
        var events = await cursor.DrainAsync();
        var session = ((SessionCompletedEvent)events[^1]).Session;

        Assert.Equal("agent_2", session.Ranking.Entries[0].AgentId);
        var synthesis = session.Synthesis!;
        Assert.Equal(("agent_2", "m2", "Written by b.", true), (synthesis.WriterId, synthesis.Model, synthesis.Text, synthesis.UsedFallback));
        Assert.Contains("failed to allocate the KV cache (out of memory)", synthesis.FallbackReason, StringComparison.Ordinal);
        var failed = Assert.Single(events.OfType<ChairmanFailedEvent>());
        Assert.Contains("out of memory", failed.Error, StringComparison.Ordinal);
        Assert.Equal([false, true], events.OfType<SynthesisStartedEvent>().Select(e => e.IsFallback));
        Assert.Contains(session.Failures, f => f.Stage == CouncilStage.Synthesis && f.AgentId == "chairman" && f.Error.Contains("KV cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChairmanFailure_ConfiguredFallbackWritesTheAnswer()
    {
        var a = Script.Agent("a", "A.");
        var b = Script.Agent("b", "B.");
        var chair = new ScriptedChatClient("chair", _ => throw new BackendUnavailableException("chairman server down"));
        var spare = Script.Agent("spare", "unused", synthesis: "Spare answer.");
        var options = Script.Options((a, "m1"), (b, "m2"));
        options.Chairman = new CouncilAgentOptions { Client = chair, Model = "big" };
        options.FallbackChairman = new CouncilAgentOptions { Client = spare, Model = "spare-model" };
        using var council = new ChatCouncil(options);

        var session = await council.RunAsync(Question).Within();

        Assert.Equal(("fallback_chairman", "spare-model", "Spare answer."), (session.Synthesis!.WriterId, session.Synthesis.Model, session.Synthesis.Text));
        Assert.Equal("chairman (big) failed: chairman server down", session.Synthesis.FallbackReason);
    }

    [Fact]
    public async Task ChairmanAndFallbackFail_SurfacesBothRealErrors()
    {
        var a = new ScriptedChatClient("a", call => call.Kind == CallKind.Synthesis
            ? throw new BackendProtocolException("stream truncated after 12 tokens")
            : Task.FromResult(Script.Reply(call.Kind == CallKind.Opinion ? "A." : Script.Review(call))));
        var b = Script.Agent("b", "B.");
        var chair = new ScriptedChatClient("chair", _ => throw new BackendUnavailableException("chairman server down"));
        var options = Script.Options((a, "m1"), (b, "m2"));
        options.Chairman = new CouncilAgentOptions { Client = chair, Model = "big" };
        options.FallbackChairman = new CouncilAgentOptions { Client = a, Model = "m1" };
        using var council = new ChatCouncil(options);

        var ex = await Assert.ThrowsAsync<CouncilFailedException>(() => council.RunAsync(Question)).Within();

        Assert.Contains("chairman server down", ex.Message, StringComparison.Ordinal);
        Assert.Contains("stream truncated after 12 tokens", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.IsType<AggregateException>(ex.InnerException).InnerExceptions.Count);
        Assert.Null(ex.Session!.Synthesis);
        Assert.Equal(2, ex.Session.Opinions.Count);
    }

    [Fact]
    public async Task DefaultChairman_IsTheFirstAgent()
    {
        var a = Script.Agent("a", "A.", synthesis: "From a.");
        var b = Script.Agent("b", "B.", synthesis: "From b.");
        using var council = new ChatCouncil(Script.Options((a, "m1"), (b, "m2")));

        var session = await council.RunAsync(Question).Within();

        Assert.Equal(("chairman", "m1", "From a."), (session.Synthesis!.WriterId, session.Synthesis.Model, session.Synthesis.Text));
        Assert.Single(a.CallsOf(CallKind.Synthesis));
        Assert.Empty(b.CallsOf(CallKind.Synthesis));
    }

    [Fact]
    public async Task Persona_IsSentAsTheSystemPromptOfTheOpinion()
    {
        var a = Script.Agent("a", "A.");
        var b = Script.Agent("b", "B.");
        var options = Script.Options((a, "m1"), (b, "m2"));
        options.Agents[0].SystemPrompt = "You are a sceptical physicist.";
        options.Agents[0].MaxOutputTokens = 256;
        using var council = new ChatCouncil(options);

        await council.RunAsync(Question).Within();

        var opinion = Assert.Single(a.CallsOf(CallKind.Opinion));
        Assert.Equal([ChatRole.System, ChatRole.User], opinion.Messages.Select(m => m.Role));
        Assert.Equal("You are a sceptical physicist.", opinion.Messages[0].Text);
        Assert.Equal(("m1", 256), (opinion.Options!.ModelId, opinion.Options.MaxOutputTokens));
        Assert.Equal(256, Assert.Single(a.CallsOf(CallKind.Review)).Options!.MaxOutputTokens);
        Assert.Equal([ChatRole.User], Assert.Single(b.CallsOf(CallKind.Opinion)).Messages.Select(m => m.Role));
    }

    [Fact]
    public void InvalidOptions_AreRejectedWithTheReason()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ChatCouncil(new CouncilOptions { Quorum = 0 }));
        Assert.Contains("Agents is empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Quorum is 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentWithoutClient_AndNoServices_FailsClearly()
    {
        var options = new CouncilOptions { Agents = { new CouncilAgentOptions { Model = "m" } } };
        var ex = Assert.Throws<InvalidOperationException>(() => new ChatCouncil(options));
        Assert.Contains("no IChatClient (the LocalAI router) is registered", ex.Message, StringComparison.Ordinal);
    }
}
