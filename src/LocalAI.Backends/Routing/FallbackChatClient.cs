using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>The router <see cref="IChatClient"/>: tries backends in priority order, skipping unavailable ones and those whose circuit is open, and falls back on a transient failure before any streamed update reached the caller.</summary>
/// <remarks>
/// <para>Built on Microsoft.Extensions.AI's <see cref="FailoverChatClient"/>, which owns invocation, streaming commitment and
/// attempt reporting: after the first streamed update the router never switches backends; the caller gets the error.</para>
/// <para>The backend that served a response is named in <c>AdditionalProperties["localai.backend"]</c> of the response and of
/// every streamed update, in logs, and as the <c>localai.backend</c> tag of the <c>LocalAI</c> activity.</para>
/// </remarks>
public sealed class FallbackChatClient : FailoverChatClient
{
    private static readonly ChatClientMetadata Metadata = new("LocalAI");

    private readonly BackendManager _manager;
    private readonly ConditionalWeakTable<RoutingContext, RequestState> _requests = [];

    /// <summary>Initializes a new instance of the <see cref="FallbackChatClient"/> class.</summary>
    /// <param name="manager">The backend manager that holds the backends and their state.</param>
    /// <exception cref="ArgumentNullException"><paramref name="manager"/> is <see langword="null"/>.</exception>
    public FallbackChatClient(BackendManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(BackendManager))
            {
                return _manager;
            }

            if (serviceType == typeof(ChatClientMetadata))
            {
                return Metadata;
            }
        }

        return base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override async ValueTask<IChatClient> SelectClientAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _requests.TryGetValue(context, out var request);
        var model = context.ChatOptions?.ModelId;
        var timeProvider = _manager.TimeProvider;
        while (true)
        {
            var now = timeProvider.GetUtcNow();
            var entries = _manager.OrderedEntries;

            // Backends that list the requested model first, then the rest, each pass in priority order.
            for (var pass = model is null ? 1 : 0; pass < 2; pass++)
            {
                foreach (var entry in entries)
                {
                    if ((entry.Capabilities & BackendCapabilities.Chat) == 0
                        || (pass == 0 && !entry.HasModel(model!))
                        || (request is not null && request.Tried(entry))
                        || entry.IsCoolingDown(now))
                    {
                        continue;
                    }

                    var status = await _manager.GetRoutingStatusAsync(entry, now, cancellationToken).ConfigureAwait(false);
                    if (status.IsAvailable)
                    {
                        return entry.ChatClient;
                    }
                }
            }

            // Nothing eligible. If backends are only cooling down, wait for the earliest, within the configured bound.
            BackendEntry? earliest = null;
            foreach (var entry in entries)
            {
                if ((entry.Capabilities & BackendCapabilities.Chat) != 0
                    && (request is null || !request.Tried(entry))
                    && entry.IsCoolingDown(now)
                    && (earliest is null || entry.OpenUntil < earliest.OpenUntil))
                {
                    earliest = entry;
                }
            }

            var delay = earliest is null ? TimeSpan.MaxValue : earliest.OpenUntil - now;
            if (earliest is null || delay > _manager.Options.MaxWaitForRecovery)
            {
                _requests.Remove(context);
                throw new NoBackendAvailableException("chat", Explain(entries, request, now));
            }

            Log.WaitingForRecovery(_manager.Logger, earliest.Id, delay);
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask OnRoutingUpdateAsync(RoutingContext context, FailoverChatClientAttempt attempt, bool isTerminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(attempt);
        if (isTerminal)
        {
            _requests.Remove(context);
            return default;
        }

        // A failure before any output: fall back only when it is the backend's fault, not the request's.
        var failure = attempt.Exception!;
        var entry = ((BackendChatClient)attempt.Client).Entry;
        if (!TransientFailure.IsTransient(failure))
        {
            _requests.Remove(context);
            ExceptionDispatchInfo.Throw(failure);
        }

        var request = _requests.GetOrCreateValue(context);
        request.Add(new BackendAttempt(entry.Id, TransientFailure.Describe(failure), failure), entry);
        LocalAITelemetry.Fallbacks.Add(1, new KeyValuePair<string, object?>(LocalAITelemetry.BackendTag, entry.Id));
        Log.FallingBack(_manager.Logger, entry.Id, TransientFailure.Describe(failure));
        return default;
    }

    private static List<BackendAttempt> Explain(BackendEntry[] entries, RequestState? request, DateTimeOffset now)
    {
        var reasons = new List<BackendAttempt>();
        foreach (var entry in entries)
        {
            if (request?.Find(entry) is { } tried)
            {
                reasons.Add(tried);
            }
            else if ((entry.Capabilities & BackendCapabilities.Chat) == 0)
            {
                reasons.Add(new BackendAttempt(entry.Id, "does not serve chat"));
            }
            else if (entry.IsCoolingDown(now))
            {
                reasons.Add(new BackendAttempt(entry.Id, $"circuit open after repeated failures until {entry.OpenUntil:O}"));
            }
            else if (entry.Status is { IsAvailable: false } status)
            {
                reasons.Add(new BackendAttempt(entry.Id, $"unavailable: {status.Reason}"));
            }
            else
            {
                reasons.Add(new BackendAttempt(entry.Id, "not tried"));
            }
        }

        return reasons;
    }

    /// <summary>What one request has tried so far; created only after its first failure.</summary>
    private sealed class RequestState
    {
        private readonly List<(BackendEntry Entry, BackendAttempt Attempt)> _attempts = [];

        public bool Tried(BackendEntry entry) => Find(entry) is not null;

        public BackendAttempt? Find(BackendEntry entry)
        {
            lock (_attempts)
            {
                foreach (var (e, a) in _attempts)
                {
                    if (ReferenceEquals(e, entry))
                    {
                        return a;
                    }
                }
            }

            return null;
        }

        public void Add(BackendAttempt attempt, BackendEntry entry)
        {
            lock (_attempts)
            {
                _attempts.Add((entry, attempt));
            }
        }
    }
}
