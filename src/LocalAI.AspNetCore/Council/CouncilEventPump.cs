using LocalAI.Council;
using Microsoft.Extensions.Logging;

namespace LocalAI.AspNetCore;

/// <summary>Runs a council session and hands its events, in order and as they happen, to one writer (server-sent events or a WebSocket); a failed session ends with one error event.</summary>
/// <remarks>The next event is read only after the writer has taken the previous one, so a slow client slows the stream instead of filling a buffer here.</remarks>
internal static class CouncilEventPump
{
    public static async Task RunAsync(
        ChatCouncil council,
        string question,
        Func<CouncilEvent, CancellationToken, ValueTask> onEvent,
        Func<CouncilErrorEvent, CancellationToken, ValueTask> onError,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var events = council.StreamAsync(question, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (events.ConfigureAwait(false))
        {
            while (true)
            {
                CouncilErrorEvent? failure = null;
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The session failed (too few opinions, chairman and fallback both failed): its last word is an error event.
                    Log.CouncilFailed(logger, ex);
                    failure = CouncilErrorEvent.From(ErrorMapping.From(ex));
                }

                if (failure is not null)
                {
                    await onError(failure, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await onEvent(events.Current, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The event's <c>type</c>, as <c>CouncilJsonContext</c> writes it: the server-sent event's name.</summary>
    public static string TypeOf(CouncilEvent e) => e switch
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
