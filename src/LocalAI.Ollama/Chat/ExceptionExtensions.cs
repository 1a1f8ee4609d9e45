namespace LocalAI.Ollama.Chat;

/// <summary>Helpers for building LocalAI exceptions.</summary>
internal static class ExceptionExtensions
{
    /// <summary>Returns a copy of a timeout exception that names the cancellation it came from as its cause.</summary>
    public static BackendUnavailableException WithInner(this BackendUnavailableException exception, Exception cause) =>
        new(exception.Message, new TimeoutException(exception.InnerException?.Message, cause)) { BackendId = exception.BackendId };
}
