using System.Net;
using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LocalAI;

/// <summary>Decides which failures of one backend let the router try the next one.</summary>
internal static class TransientFailure
{
    /// <summary>Returns whether <paramref name="exception"/> is a failure of the backend (down, slow, broken answer, missing model) rather than of the request or the caller.</summary>
    public static bool IsTransient(Exception exception)
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
                return aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient);
            default:
                return exception.InnerException is HttpRequestException or SocketException or IOException;
        }
    }

    /// <summary>Returns a short reason for logs and for <see cref="NoBackendAvailableException"/>.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        BrokenCircuitException => "circuit open after repeated failures",
        TimeoutRejectedException timeout => $"timed out after {timeout.Timeout}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };
}
