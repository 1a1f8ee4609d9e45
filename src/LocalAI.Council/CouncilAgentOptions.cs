using Microsoft.Extensions.AI;

namespace LocalAI.Council;

/// <summary>One member of a council (or its chairman): the model, where it is served, and an optional persona.</summary>
/// <remarks>
/// The chat client is found in this order: <see cref="Client"/> when set (code only); else the keyed
/// <see cref="ILocalBackend"/> named by <see cref="Backend"/>, asked for <see cref="ILocalBackend.GetChatClient"/> of
/// <see cref="Model"/>; else the application's <see cref="IChatClient"/> (the LocalAI fallback router), with
/// <see cref="Model"/> sent as <see cref="ChatOptions.ModelId"/>.
/// </remarks>
public sealed class CouncilAgentOptions
{
    /// <summary>Gets or sets the model the agent asks for; also its name in the usage and latency breakdowns.</summary>
    /// <value>The default value is <see langword="null"/>: the client's default model.</value>
    public string? Model { get; set; }

    /// <summary>Gets or sets the id of the registered <see cref="ILocalBackend"/> that serves this agent.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Client"/>, else the router.</value>
    public string? Backend { get; set; }

    /// <summary>Gets or sets the endpoint (server, worker, process) that serves this agent; agents on the same endpoint share its concurrency limit.</summary>
    /// <value>The default value is <see langword="null"/>: the endpoint is <see cref="Backend"/>, else the client instance, else the router.</value>
    public string? Endpoint { get; set; }

    /// <summary>Gets or sets the persona: a system prompt sent with this agent's opinion.</summary>
    /// <value>The default value is <see langword="null"/>: no persona.</value>
    public string? SystemPrompt { get; set; }

    /// <summary>Gets or sets the most tokens each of this agent's generations may produce (sent as <see cref="ChatOptions.MaxOutputTokens"/>).</summary>
    /// <value>The default value is <see langword="null"/>: the backend's default.</value>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets the chat client to use directly (set in code; not bound from configuration).</summary>
    /// <value>The default value is <see langword="null"/>: resolved from <see cref="Backend"/> or the router.</value>
    public IChatClient? Client { get; set; }
}
