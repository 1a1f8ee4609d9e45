using Microsoft.Extensions.AI;

namespace LocalAI.Council;

/// <summary>A council member with its chat client resolved.</summary>
internal sealed class ResolvedAgent(string id, string? model, string label, IChatClient client, string? systemPrompt, string endpoint, int? maxOutputTokens)
{
    public string Id { get; } = id;

    /// <summary>Gets the model requested (sent as <see cref="ChatOptions.ModelId"/>), or <see langword="null"/> for the client's default.</summary>
    public string? Model { get; } = model;

    /// <summary>Gets the model name used in results and breakdowns.</summary>
    public string Label { get; } = label;

    public IChatClient Client { get; } = client;

    public string? SystemPrompt { get; } = systemPrompt;

    public string Endpoint { get; } = endpoint;

    public int? MaxOutputTokens { get; } = maxOutputTokens;

    public ResolvedAgent WithId(string newId) => new(newId, Model, Label, Client, SystemPrompt, Endpoint, MaxOutputTokens);

    /// <summary>Creates fresh options for one request of this agent.</summary>
    public ChatOptions NewOptions() => new() { ModelId = Model, MaxOutputTokens = MaxOutputTokens };
}
