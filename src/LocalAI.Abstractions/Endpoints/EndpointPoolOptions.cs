namespace LocalAI;

/// <summary>Settings of an <see cref="EndpointPool{TEndpoint}"/>: the concurrency limit of each endpoint and its circuit.</summary>
public sealed class EndpointPoolOptions
{
    /// <summary>Gets or sets how many requests one endpoint serves at once; further requests wait for a slot.</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrencyPerEndpoint { get; set; } = 4;

    /// <summary>Gets or sets how many failures in a row open an endpoint's circuit.</summary>
    /// <value>The default value is 1: one failure sends the next requests to the other endpoints first.</value>
    public int FailureThreshold { get; set; } = 1;

    /// <summary>Gets or sets how long an open endpoint is passed over before it is tried again.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws when a setting is out of range.</summary>
    /// <param name="configurationKey">The configuration section the settings come from, named in the message.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names its key.</exception>
    internal void ThrowIfInvalid(string configurationKey)
    {
        if (MaxConcurrencyPerEndpoint < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrencyPerEndpoint), MaxConcurrencyPerEndpoint, $"{configurationKey}:{nameof(MaxConcurrencyPerEndpoint)} must be at least 1.");
        }

        if (FailureThreshold < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FailureThreshold), FailureThreshold, $"{configurationKey}:{nameof(FailureThreshold)} must be at least 1.");
        }

        if (BreakDuration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BreakDuration), BreakDuration, $"{configurationKey}:{nameof(BreakDuration)} must not be negative.");
        }
    }
}
