using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LocalAI.Council;
using Microsoft.Extensions.Logging;

namespace LocalAI.AspNetCore;

/// <summary>Runs a council session with the agents a request names and yields its events as server-sent events, named by their <c>type</c>; a failed session ends with an <c>error</c> event.</summary>
internal static class CouncilSessionStream
{
    /// <summary>Builds the council options of a request, or says which field is wrong.</summary>
    public static CouncilOptions? TryBuild(CouncilSessionRequest? request, BackendManager manager, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(request?.Question))
        {
            error = "The field 'question' is required.";
            return null;
        }

        if (request.Agents is not { Count: >= 2 } agents)
        {
            error = "The field 'agents' needs two or more agents, each {\"backend\": \"<id>\", \"model\": \"<optional>\"}.";
            return null;
        }

        if (request.MaxOutputTokens is < 1)
        {
            error = "The field 'maxOutputTokens' must be at least 1.";
            return null;
        }

        var options = new CouncilOptions { Quorum = 2 };
        for (var i = 0; i < agents.Count; i++)
        {
            if (Agent(agents[i], $"agents[{i}]", manager, request.MaxOutputTokens, out error) is not { } agent)
            {
                return null;
            }

            options.Agents.Add(agent);
        }

        if (request.Chairman is not null)
        {
            options.Chairman = Agent(request.Chairman, "chairman", manager, request.MaxOutputTokens, out error);
            if (options.Chairman is null)
            {
                return null;
            }
        }

        return options;
    }

    public static async IAsyncEnumerable<SseItem<string>> RunAsync(ChatCouncil council, string question, ILogger logger, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var _ = council;
        var events = council.StreamAsync(question, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (events.ConfigureAwait(false))
        {
            while (true)
            {
                CouncilEvent current;
                ManagementError? failure = null;
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    current = events.Current;
                }
                catch (CouncilFailedException ex)
                {
                    ManagementLog.CouncilFailed(logger, ex);
                    failure = ManagementViews.ToError(ex);
                    current = null!;
                }

                if (failure is not null)
                {
                    yield return new SseItem<string>(JsonSerializer.Serialize(failure, ManagementJsonContext.Default.ManagementError), "error");
                    yield break;
                }

                yield return new SseItem<string>(JsonSerializer.Serialize(current, CouncilJsonContext.Default.CouncilEvent), TypeOf(current));
            }
        }
    }

    private static CouncilAgentOptions? Agent(CouncilAgentRequest request, string field, BackendManager manager, int? maxOutputTokens, out string? error)
    {
        error = null;
        var backend = manager.Backends.FirstOrDefault(b => string.Equals(b.Id, request.Backend, StringComparison.OrdinalIgnoreCase));
        if (backend is null)
        {
            error = $"The field '{field}.backend' names no registered backend (registered: {string.Join(", ", manager.Backends.Select(b => b.Id))}).";
            return null;
        }

        if (!backend.Capabilities.HasFlag(BackendCapabilities.Chat))
        {
            error = $"The field '{field}.backend' names '{backend.Id}', which does not serve chat.";
            return null;
        }

        return new CouncilAgentOptions
        {
            Backend = backend.Id,
            Model = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model,
            MaxOutputTokens = maxOutputTokens,
        };
    }

    private static string TypeOf(CouncilEvent e) => e switch
    {
        SessionStartedEvent => "session_started",
        OpinionStartedEvent => "opinion_started",
        OpinionCompletedEvent => "opinion_completed",
        OpinionFailedEvent => "opinion_failed",
        ReviewCompletedEvent => "review_completed",
        RankingComputedEvent => "ranking_computed",
        SynthesisStartedEvent => "synthesis_started",
        SynthesisTokenEvent => "synthesis_token",
        ChairmanFailedEvent => "chairman_failed",
        SessionCompletedEvent => "session_completed",
        _ => "council",
    };
}
