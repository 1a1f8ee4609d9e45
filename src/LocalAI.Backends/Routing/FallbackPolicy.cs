using System.Net;
using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LocalAI;

/// <summary>Decides which failures of one backend let the router try the next one, and how each is reported.</summary>
internal static class FallbackPolicy
{
    /// <summary>Returns whether <paramref name="exception"/> is the backend's fault (down, slow, broken answer, missing model or file, unsupported request) rather than the request's or the caller's, so that another backend may serve.</summary>
    /// <param name="exception">What the backend threw.</param>
    /// <returns><see langword="true"/> to fall back.</returns>
    public static bool ShouldFallBack(Exception exception)
    {
        switch (exception)
        {
            case BackendUnavailableException:
            case BackendProtocolException:
            case ModelNotFoundException:
            case InvalidModelFileException:
            case BrokenCircuitException:
            case TimeoutRejectedException:
            case TimeoutException:
            case SocketException:
            case IOException:
            case NotSupportedException:
            // A cancellation the caller did not ask for: an HTTP client's own timeout, a dead process.
            case OperationCanceledException:
                return true;
            case HttpRequestException http:
                return http.StatusCode is null
                    or HttpStatusCode.NotFound
                    or HttpStatusCode.RequestTimeout
                    or HttpStatusCode.TooManyRequests
                    or >= HttpStatusCode.InternalServerError;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(ShouldFallBack);
            default:
                return exception.InnerException is HttpRequestException or SocketException or IOException;
        }
    }

    /// <summary>
    /// Returns whether <paramref name="exception"/> says the backend itself is failing, so that it counts against the
    /// backend's circuit and is worth retrying there: a fallback failure other than a missing model, a bad model file or
    /// an unsupported request, which another backend may serve while this one stays healthy for the requests it can.
    /// </summary>
    /// <param name="exception">What the backend threw.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns><see langword="true"/> to count the failure and retry.</returns>
    public static bool IsBackendFault(Exception exception, CancellationToken cancellationToken) =>
        ShouldFallBack(exception, cancellationToken) && !IsRequestSpecific(exception);

    private static bool IsRequestSpecific(Exception exception) => exception switch
    {
        ModelNotFoundException or InvalidModelFileException or NotSupportedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsRequestSpecific),
        _ => false,
    };

    /// <summary>Returns whether <paramref name="exception"/> lets the router fall back for a caller whose token is <paramref name="cancellationToken"/>: never when the caller itself cancelled.</summary>
    /// <param name="exception">What the backend threw.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns><see langword="true"/> to fall back.</returns>
    public static bool ShouldFallBack(Exception exception, CancellationToken cancellationToken) =>
        !(cancellationToken.IsCancellationRequested && exception is OperationCanceledException) && ShouldFallBack(exception);

    /// <summary>Returns a short reason for logs and for <see cref="NoBackendAvailableException"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The reason.</returns>
    public static string Describe(Exception exception) => exception switch
    {
        BrokenCircuitException => "circuit open after repeated failures",
        TimeoutRejectedException timeout => $"timed out after {timeout.Timeout}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };
}
