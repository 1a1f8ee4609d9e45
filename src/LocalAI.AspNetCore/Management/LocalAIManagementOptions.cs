namespace LocalAI.AspNetCore;

/// <summary>Options of the management endpoints (<see cref="Microsoft.AspNetCore.Builder.LocalAIManagementEndpointRouteBuilderExtensions.MapLocalAIManagement"/>), bound from <c>LocalAI:Management</c>.</summary>
public sealed class LocalAIManagementOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "LocalAI:Management";

    /// <summary>Gets or sets how often every backend is probed again while at least one client listens to the status event stream, so that a backend that goes away is reported without a request failing first.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan StatusRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many progress reports of one model pull may wait for a slow client; older ones are dropped first (the percentage only moves forward, so the latest says it all).</summary>
    /// <value>The default value is 16.</value>
    public int PullProgressBuffer { get; set; } = 16;
}
