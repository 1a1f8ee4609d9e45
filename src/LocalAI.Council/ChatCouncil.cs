using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Council;

/// <summary>
/// A council of models: every agent answers the question in parallel (stage 1), reviews the others' answers anonymously
/// in JSON (stage 2), the reviews are aggregated into a ranking, and a chairman writes the final answer, streamed (stage 3).
/// </summary>
/// <remarks>
/// One instance serves any number of concurrent sessions; the per-endpoint concurrency limits are shared by all of them.
/// Every generation has <see cref="CouncilOptions.GenerationTimeout"/>; cancelling a session cancels every generation in
/// flight and returns only once they have stopped (for clients that honour their cancellation token).
/// </remarks>
public sealed class ChatCouncil : IDisposable
{
    private const string DefaultLabel = "default";

    private readonly Dictionary<string, ResolvedAgent> _byId;

    /// <summary>Initializes a new instance of the <see cref="ChatCouncil"/> class.</summary>
    /// <param name="options">The agents, chairman and limits.</param>
    /// <param name="services">Resolves agents that name a <see cref="CouncilAgentOptions.Backend"/> (a keyed <see cref="ILocalBackend"/>) or no client at all (the registered <see cref="IChatClient"/>, the router); may be <see langword="null"/> when every agent has a <see cref="CouncilAgentOptions.Client"/>.</param>
    /// <param name="timeProvider">The clock for timeouts and latencies; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">An agent's client cannot be resolved: its backend is not registered, or it needs the router and none is registered.</exception>
    public ChatCouncil(CouncilOptions options, IServiceProvider? services = null, TimeProvider? timeProvider = null, ILogger<ChatCouncil>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        CouncilOptionsValidator.ThrowIfInvalid(options);

        Options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = (ILogger?)logger ?? NullLogger.Instance;

        var clientEndpoints = new Dictionary<IChatClient, string>(ReferenceEqualityComparer.Instance);
        Agents = options.Agents.Select((a, i) => Resolve(a, "agent_" + (i + 1), services, clientEndpoints)).ToList();
        Chairman = options.Chairman is null ? Agents[0].WithId("chairman") : Resolve(options.Chairman, "chairman", services, clientEndpoints);
        FallbackChairman = options.FallbackChairman is null ? null : Resolve(options.FallbackChairman, "fallback_chairman", services, clientEndpoints);
        _byId = Agents.ToDictionary(a => a.Id, StringComparer.Ordinal);

        var all = Agents.Append(Chairman).Concat(FallbackChairman is null ? [] : [FallbackChairman]).ToList();
        Limiter = new EndpointLimiter(all.Select(a => a.Endpoint), options.ConcurrencyLimits, options.DefaultConcurrencyLimit);
        IdentifyingNames = Agents.Select(a => a.Id)
            .Concat(all.Select(a => a.Model).OfType<string>())
            .Concat(all.Where(a => a.Model is not null || a.Label != DefaultLabel).Select(a => a.Label))
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(n => n.Length)
            .ToList();
    }

    /// <summary>Gets the agent ids, in order: <c>agent_1</c>, <c>agent_2</c>, ...</summary>
    public IReadOnlyList<string> AgentIds => Agents.Select(a => a.Id).ToList();

    internal CouncilOptions Options { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal IReadOnlyList<ResolvedAgent> Agents { get; }

    internal ResolvedAgent Chairman { get; }

    internal ResolvedAgent? FallbackChairman { get; }

    internal EndpointLimiter Limiter { get; }

    internal IReadOnlyCollection<string> IdentifyingNames { get; }

    /// <summary>Runs a whole session and returns what it produced.</summary>
    /// <param name="question">The question to the council.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; cancelling stops every generation in flight.</param>
    /// <returns>The session: opinions, reviews, ranking, synthesis, failures, token usage and latency.</returns>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty.</exception>
    /// <exception cref="CouncilFailedException">Fewer agents than the quorum answered, or the chairman and its fallback both failed; <see cref="CouncilFailedException.Session"/> holds the partial session.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<CouncilSession> RunAsync(string question, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        return new CouncilRun(this, question, null).ExecuteAsync(cancellationToken);
    }

    /// <summary>Runs a session and yields its events as they happen; the last event of a successful session is <see cref="SessionCompletedEvent"/>.</summary>
    /// <param name="question">The question to the council.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; cancelling (or leaving the enumeration early) stops every generation in flight.</param>
    /// <returns>The events.</returns>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty.</exception>
    /// <exception cref="CouncilFailedException">Thrown by the enumeration after the events that led to it, as for <see cref="RunAsync"/>.</exception>
    public IAsyncEnumerable<CouncilEvent> StreamAsync(string question, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        return StreamCoreAsync(question, cancellationToken);
    }

    /// <summary>Releases the concurrency gates.</summary>
    public void Dispose() => Limiter.Dispose();

    /// <summary>Stage 1 alone (no reviews, no synthesis).</summary>
    internal Task<IReadOnlyList<CouncilOpinion>> RunOpinionsAsync(string question, CancellationToken cancellationToken = default) =>
        new CouncilRun(this, question, null).RunOpinionsAsync(cancellationToken);

    internal ResolvedAgent Agent(string id) => _byId[id];

    private async IAsyncEnumerable<CouncilEvent> StreamCoreAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<CouncilEvent>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = new CouncilRun(this, question, e => channel.Writer.TryWrite(e));
        var task = RunToChannelAsync(run, channel.Writer, stop.Token);
        try
        {
            while (await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var councilEvent))
                {
                    yield return councilEvent;
                }
            }
        }
        finally
        {
            // Leaving early (or failing) stops the session; wait until its generations have stopped.
            await stop.CancelAsync().ConfigureAwait(false);
            await task.ConfigureAwait(false);
        }
    }

    private static async Task RunToChannelAsync(CouncilRun run, ChannelWriter<CouncilEvent> writer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }

    private static ResolvedAgent Resolve(CouncilAgentOptions agent, string id, IServiceProvider? services, Dictionary<IChatClient, string> clientEndpoints)
    {
        IChatClient client;
        string defaultEndpoint;
        if (agent.Client is not null)
        {
            client = agent.Client;
            if (!clientEndpoints.TryGetValue(client, out defaultEndpoint!))
            {
                defaultEndpoint = "client#" + (clientEndpoints.Count + 1);
                clientEndpoints[client] = defaultEndpoint;
            }
        }
        else if (!string.IsNullOrWhiteSpace(agent.Backend))
        {
            var backend = services?.GetKeyedService<ILocalBackend>(agent.Backend)
                ?? throw new InvalidOperationException(
                    $"Council {id} names backend '{agent.Backend}', but no backend with that id is registered. Register it in AddLocalAI(b => ...) or fix LocalAI:Council:Agents.");
            client = backend.GetChatClient(agent.Model);
            defaultEndpoint = backend.Id;
        }
        else
        {
            client = services?.GetService<IChatClient>()
                ?? throw new InvalidOperationException(
                    $"Council {id} names neither a Client nor a Backend, and no IChatClient (the LocalAI router) is registered. Call services.AddLocalAI(b => ...) with a backend, or set the agent's Backend or Client.");
            defaultEndpoint = "router";
        }

        var label = agent.Model ?? client.GetService<ChatClientMetadata>()?.DefaultModelId ?? DefaultLabel;
        return new ResolvedAgent(id, agent.Model, label, client, agent.SystemPrompt, string.IsNullOrWhiteSpace(agent.Endpoint) ? defaultEndpoint : agent.Endpoint, agent.MaxOutputTokens);
    }
}
