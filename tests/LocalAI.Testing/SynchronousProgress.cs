namespace LocalAI.Testing;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, so a test sees every report by the time the call returns (unlike <see cref="Progress{T}"/>, which posts them).</summary>
/// <typeparam name="T">The report type.</typeparam>
/// <param name="report">Receives each report.</param>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
