namespace LocalAI.Samples.Web.Tests;

/// <summary>One <see cref="WebConsoleHost"/> shared by the tests of a class.</summary>
public sealed class WebConsoleFixture : IAsyncLifetime
{
    /// <summary>Gets the host.</summary>
    public WebConsoleHost Host { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Host = await WebConsoleHost.StartAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Host.DisposeAsync();
}
