using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LocalAI.Council;

/// <summary>One session of a council: runs the three stages, records every generation, and reports events to an optional sink.</summary>
internal sealed class CouncilRun
{
    private const string ChairmanId = "chairman";
    private const string FallbackChairmanId = "fallback_chairman";

    private readonly ChatCouncil _council;
    private readonly string _question;
    private readonly Action<CouncilEvent>? _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<CouncilGeneration> _generations = [];
    private readonly List<CouncilFailure> _failures = [];
    private readonly long _startTimestamp;

    // With a shuffle seed the prompts' data markers are drawn from it too, so a seeded session sends the same prompts every time.
    private readonly Random? _nonces;
    private Exception? _firstOpinionError;
    private CouncilOpinion[] _opinions = [];
    private CouncilReview[] _reviews = [];
    private CouncilRanking _ranking = CouncilRanking.Empty;
    private TimeSpan _stage1Wall;
    private TimeSpan _stage2Wall;
    private TimeSpan _stage3Wall;

    public CouncilRun(ChatCouncil council, string question, Action<CouncilEvent>? sink)
    {
        _council = council;
        _question = question;
        _sink = sink;
        _time = council.TimeProvider;
        _logger = council.Logger;
        SessionId = Guid.NewGuid().ToString("N");
        StartedAt = _time.GetUtcNow();
        _startTimestamp = _time.GetTimestamp();
        _nonces = council.Options.ShuffleSeed is { } seed ? new Random(unchecked(seed ^ 0x6E6F6E63)) : null;
    }

    public string SessionId { get; }

    public DateTimeOffset StartedAt { get; }

    public async Task<CouncilSession> ExecuteAsync(CancellationToken cancellationToken)
    {
        Emit(new SessionStartedEvent(SessionId, Now, _question, _council.Agents.Select(a => a.Id).ToList()));

        var answered = await RunOpinionsAsync(cancellationToken).ConfigureAwait(false);
        var quorum = Math.Min(_council.Options.Quorum, _council.Agents.Count);
        if (answered.Count < quorum)
        {
            throw new CouncilFailedException(QuorumMessage(answered.Count, quorum), _firstOpinionError)
            {
                Session = BuildSession(null),
            };
        }

        await RunReviewsAsync(answered, cancellationToken).ConfigureAwait(false);
        _ranking = RankingCalculator.Compute(answered, _reviews);
        Emit(new RankingComputedEvent(SessionId, Now, _ranking));

        var synthesis = await RunSynthesisAsync(answered, cancellationToken).ConfigureAwait(false);
        var session = BuildSession(synthesis);
        Log.SessionCompleted(_logger, SessionId, session.Latency.TotalDuration, answered.Count, _reviews.Count(r => r.IsValid), session.TokenUsage.TotalTokens);
        Emit(new SessionCompletedEvent(SessionId, Now, session));
        return session;
    }

    /// <summary>Stage 1 alone, for measuring its wall time.</summary>
    internal async Task<IReadOnlyList<CouncilOpinion>> RunOpinionsAsync(CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        var tasks = new Task<CouncilOpinion>[_council.Agents.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = OpinionAsync(_council.Agents[i], cancellationToken);
        }

        _opinions = await Task.WhenAll(tasks).ConfigureAwait(false);
        _stage1Wall = _time.GetElapsedTime(start);
        return _opinions.Where(o => o.Succeeded).ToList();
    }

    private async Task<CouncilOpinion> OpinionAsync(ResolvedAgent agent, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages = agent.SystemPrompt is { Length: > 0 } persona
            ? [new ChatMessage(ChatRole.System, persona), new ChatMessage(ChatRole.User, _question)]
            : [new ChatMessage(ChatRole.User, _question)];
        var outcome = await CallAsync(
            agent,
            agent.Id,
            CouncilStage.Opinions,
            "opinion",
            messages,
            agent.NewOptions(),
            () => Emit(new OpinionStartedEvent(SessionId, Now, agent.Id, agent.Label)),
            cancellationToken).ConfigureAwait(false);

        if (outcome.Succeeded && string.IsNullOrWhiteSpace(outcome.Response!.Text))
        {
            outcome = outcome with { Error = new BackendProtocolException($"Agent {agent.Id} ({agent.Label}) returned an empty answer.") };
            RecordFailure(CouncilStage.Opinions, agent.Id, agent.Label, outcome.Error);
        }

        var opinion = new CouncilOpinion(agent.Id, agent.Label, outcome.Response?.Text, outcome.Tokens, outcome.Latency, outcome.Error?.Message);
        Emit(opinion.Succeeded
            ? new OpinionCompletedEvent(SessionId, Now, opinion)
            : new OpinionFailedEvent(SessionId, Now, opinion with { Text = null }));
        return opinion.Succeeded ? opinion : opinion with { Text = null };
    }

    private async Task RunReviewsAsync(IReadOnlyList<CouncilOpinion> answered, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        if (answered.Count < 2)
        {
            _reviews = [];
            _stage2Wall = TimeSpan.Zero;
            return;
        }

        // Shuffle on this thread, in agent order, so that a seed reproduces the orders.
        var random = _council.Options.ShuffleSeed is { } seed ? new Random(seed) : new Random();
        var names = _council.IdentifyingNames;
        var tasks = new List<Task<CouncilReview>>(answered.Count);
        foreach (var reviewer in answered)
        {
            var others = answered.Where(o => !string.Equals(o.AgentId, reviewer.AgentId, StringComparison.Ordinal)).ToArray();
            random.Shuffle(others);
            tasks.Add(ReviewAsync(_council.Agent(reviewer.AgentId), others, names, NonceSource(), cancellationToken));
        }

        _reviews = await Task.WhenAll(tasks).ConfigureAwait(false);
        _stage2Wall = _time.GetElapsedTime(start);
    }

    /// <summary>A source of data-marker codes for one prompt: seeded from the session's seed in call order, or <see langword="null"/> for <see cref="Random.Shared"/>.</summary>
    private Random? NonceSource() => _nonces is null ? null : new Random(_nonces.Next());

    private async Task<CouncilReview> ReviewAsync(ResolvedAgent reviewer, CouncilOpinion[] others, IReadOnlyCollection<string> names, Random? nonces, CancellationToken cancellationToken)
    {
        var labelled = others.Select((o, i) => (Label: ReviewPrompt.Label(i), Opinion: o)).ToList();
        var labels = labelled.Select(l => l.Label).ToList();
        var labelMap = labelled.ToDictionary(l => l.Label, l => l.Opinion.AgentId, StringComparer.Ordinal);
        var messages = ReviewPrompt.Build(_question, labelled.Select(l => (l.Label, l.Opinion.Text!)).ToList(), names, nonces);
        var options = reviewer.NewOptions();
        options.ResponseFormat = _council.Options.UseJsonSchemaForReviews ? ReviewPrompt.SchemaFormat(labels.Count) : ChatResponseFormat.Json;

        var first = await CallAsync(reviewer, reviewer.Id, CouncilStage.Review, "review", messages, options, null, cancellationToken).ConfigureAwait(false);
        var tokens = first.Tokens;
        var latency = first.Latency;
        string? exclusion = null;
        var repaired = false;
        List<ParsedScore> parsed = [];
        if (!first.Succeeded)
        {
            exclusion = "the review request failed: " + first.Error!.Message;
        }
        else
        {
            var firstParsed = ReviewParser.TryParse(first.Response!.Text, labels, out parsed, out var firstError);
            if (firstParsed && parsed.Count < labels.Count)
            {
                firstError = ReviewParser.DescribeUnscored(ReviewParser.Unscored(labels, parsed));
            }

            if (!firstParsed || parsed.Count < labels.Count)
            {
                // One repair request. A partial first reply is kept unless the repair scores more responses.
                Log.ReviewRepair(_logger, SessionId, reviewer.Id, firstError);
                messages.AddRange(first.Response.Messages);
                messages.Add(ReviewPrompt.RepairRequest(firstError, labels));
                var second = await CallAsync(reviewer, reviewer.Id, CouncilStage.Review, "review_repair", messages, options, null, cancellationToken).ConfigureAwait(false);
                tokens += second.Tokens;
                latency += second.Latency;
                var secondError = second.Succeeded ? null : "the repair request failed: " + second.Error!.Message;
                List<ParsedScore> repairedScores = [];
                if (second.Succeeded && !ReviewParser.TryParse(second.Response!.Text, labels, out repairedScores, out var parseError))
                {
                    secondError = "after the repair request " + parseError;
                }

                if (repairedScores.Count > parsed.Count)
                {
                    parsed = repairedScores;
                    repaired = true;
                }
                else if (!firstParsed)
                {
                    repaired = true;
                    exclusion = second.Succeeded
                        ? $"the reply failed validation twice: first {firstError}; {secondError}"
                        : $"the reply failed validation ({firstError}) and {secondError}";
                }
            }
        }

        var scores = exclusion is null
            ? parsed.Select(p => new CouncilReviewScore(p.Label, labelMap[p.Label], p.Score, p.Reasoning)).ToList()
            : [];
        if (exclusion is not null)
        {
            Log.ReviewExcluded(_logger, SessionId, reviewer.Id, exclusion);
            lock (_failures)
            {
                _failures.Add(new CouncilFailure(CouncilStage.Review, reviewer.Id, reviewer.Label, "Review excluded: " + exclusion, null));
            }
        }

        var review = new CouncilReview(reviewer.Id, reviewer.Label, labelMap, scores, repaired, exclusion, tokens, latency)
        {
            Unscored = exclusion is null ? ReviewParser.Unscored(labels, parsed) : [],
        };
        Emit(new ReviewCompletedEvent(SessionId, Now, review));
        return review;
    }

    private async Task<CouncilSynthesis> RunSynthesisAsync(IReadOnlyList<CouncilOpinion> answered, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        try
        {
            var messages = ChairmanPrompt.Build(_question, answered, _ranking, NonceSource());
            var chairman = _council.Chairman.WithId(ChairmanId);
            var (text, outcome) = await StreamAsync(chairman, "synthesis", messages, isFallback: false, cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                return new CouncilSynthesis(ChairmanId, chairman.Label, text, false, null, outcome.Tokens, outcome.Latency);
            }

            var fallback = _council.FallbackChairman?.WithId(FallbackChairmanId)
                ?? _council.Agent(_ranking.Entries.Count > 0 ? _ranking.Entries[0].AgentId : answered[0].AgentId);
            var reason = $"chairman ({chairman.Label}) failed: {outcome.Error!.Message}";
            Log.ChairmanFailed(_logger, SessionId, ChairmanId, fallback.Id, outcome.Error.Message);
            Emit(new ChairmanFailedEvent(SessionId, Now, ChairmanId, chairman.Label, outcome.Error.Message));

            var (fallbackText, fallbackOutcome) = await StreamAsync(fallback, "fallback_synthesis", messages, isFallback: true, cancellationToken).ConfigureAwait(false);
            if (fallbackOutcome.Succeeded)
            {
                return new CouncilSynthesis(fallback.Id, fallback.Label, fallbackText, true, reason, fallbackOutcome.Tokens, fallbackOutcome.Latency);
            }

            _stage3Wall = _time.GetElapsedTime(start);
            throw new CouncilFailedException(
                $"The council could not write its final answer: the {reason}; the fallback {fallback.Id} ({fallback.Label}) also failed: {fallbackOutcome.Error!.Message}",
                new AggregateException(outcome.Error, fallbackOutcome.Error))
            {
                Session = BuildSession(null),
            };
        }
        finally
        {
            _stage3Wall = _time.GetElapsedTime(start);
        }
    }

    private async Task<(string Text, GenerationOutcome Outcome)> StreamAsync(ResolvedAgent writer, string purpose, List<ChatMessage> messages, bool isFallback, CancellationToken cancellationToken)
    {
        using var lease = await _council.Limiter.AcquireAsync(writer.Endpoint, cancellationToken).ConfigureAwait(false);
        Emit(new SynthesisStartedEvent(SessionId, Now, writer.Id, writer.Label, isFallback));
        using var timeout = new CancellationTokenSource(_council.Options.GenerationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var start = _time.GetTimestamp();
        var updates = new List<ChatResponseUpdate>();
        Exception? error = null;
        try
        {
            await foreach (var update in writer.Client.GetStreamingResponseAsync(messages, writer.NewOptions(), linked.Token).ConfigureAwait(false))
            {
                updates.Add(update);
                var piece = update.Text;
                if (piece.Length > 0)
                {
                    Emit(new SynthesisTokenEvent(SessionId, Now, writer.Id, piece));
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = Describe(ex, timeout, writer);
        }

        var latency = _time.GetElapsedTime(start);
        var response = updates.ToChatResponse();
        var text = response.Text;
        if (error is null && string.IsNullOrWhiteSpace(text))
        {
            error = new BackendProtocolException($"{writer.Id} ({writer.Label}) returned an empty answer.");
        }

        var tokens = TokenCounts.From(response.Usage);
        Record(new CouncilGeneration(CouncilStage.Synthesis, writer.Id, writer.Label, purpose, tokens, latency, error is null, error?.Message));
        if (error is not null)
        {
            RecordFailure(CouncilStage.Synthesis, writer.Id, writer.Label, error);
        }

        return (text, new GenerationOutcome(error is null ? response : null, error, tokens, latency));
    }

    private async Task<GenerationOutcome> CallAsync(
        ResolvedAgent agent,
        string writerId,
        CouncilStage stage,
        string purpose,
        List<ChatMessage> messages,
        ChatOptions options,
        Action? onStarted,
        CancellationToken cancellationToken)
    {
        using var lease = await _council.Limiter.AcquireAsync(agent.Endpoint, cancellationToken).ConfigureAwait(false);
        onStarted?.Invoke();
        using var timeout = new CancellationTokenSource(_council.Options.GenerationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var start = _time.GetTimestamp();
        ChatResponse? response = null;
        Exception? error = null;
        try
        {
            response = await agent.Client.GetResponseAsync(messages, options, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = Describe(ex, timeout, agent);
        }

        var latency = _time.GetElapsedTime(start);
        var tokens = TokenCounts.From(response?.Usage);
        Record(new CouncilGeneration(stage, writerId, agent.Label, purpose, tokens, latency, error is null, error?.Message));
        if (error is not null)
        {
            RecordFailure(stage, writerId, agent.Label, error);
        }

        return new GenerationOutcome(response, error, tokens, latency);
    }

    private Exception Describe(Exception ex, CancellationTokenSource timeout, ResolvedAgent agent) =>
        ex is OperationCanceledException && timeout.IsCancellationRequested
            ? new TimeoutException($"{agent.Id} ({agent.Label}) did not finish within the generation timeout of {_council.Options.GenerationTimeout.TotalSeconds:0.###} s (LocalAI:Council:GenerationTimeout).", ex)
            : ex;

    private void Record(CouncilGeneration generation)
    {
        lock (_generations)
        {
            _generations.Add(generation);
        }
    }

    private void RecordFailure(CouncilStage stage, string agentId, string model, Exception error)
    {
        Log.GenerationFailed(_logger, SessionId, agentId, model, stage, error.Message);
        if (stage == CouncilStage.Opinions)
        {
            Interlocked.CompareExchange(ref _firstOpinionError, error, null);
        }

        lock (_failures)
        {
            _failures.Add(new CouncilFailure(stage, agentId, model, error.Message, error.GetType().FullName));
        }
    }

    private string QuorumMessage(int answered, int quorum)
    {
        var sb = new StringBuilder();
        sb.Append("Only ").Append(answered).Append(" of ").Append(_council.Agents.Count).Append(" council agents answered; at least ")
          .Append(quorum).Append(" are needed (LocalAI:Council:Quorum). Check that their backends are running and serve the models:");
        foreach (var opinion in _opinions.Where(o => !o.Succeeded))
        {
            sb.AppendLine().Append("  - ").Append(opinion.AgentId).Append(" (").Append(opinion.Model).Append("): ").Append(opinion.Error);
        }

        return sb.ToString();
    }

    private CouncilSession BuildSession(CouncilSynthesis? synthesis)
    {
        List<CouncilGeneration> generations;
        lock (_generations)
        {
            generations = [.. _generations];
        }

        List<CouncilFailure> failures;
        lock (_failures)
        {
            failures = [.. _failures];
        }

        var stage = (CouncilStage s) => generations.Where(g => g.Stage == s);
        var latency = new CouncilLatency(
            StageLatency.From(_stage1Wall, stage(CouncilStage.Opinions)),
            StageLatency.From(_stage2Wall, stage(CouncilStage.Review)),
            StageLatency.From(_stage3Wall, stage(CouncilStage.Synthesis)),
            _time.GetElapsedTime(_startTimestamp));
        return new CouncilSession(SessionId, _question, StartedAt, _opinions, _reviews, _ranking, synthesis, failures, generations, CouncilTokenUsage.From(generations), latency);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private void Emit(CouncilEvent councilEvent) => _sink?.Invoke(councilEvent);
}
