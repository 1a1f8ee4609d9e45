namespace LocalAI;

/// <summary>Where and how a backend downloads from a Hugging Face hub (the public Hub, a mirror or a private hub); bound from <c>LocalAI:&lt;id&gt;:HuggingFace</c>.</summary>
public sealed class HuggingFaceOptions
{
    /// <summary>The public Hub, used when neither <see cref="Endpoint"/> nor <c>HF_ENDPOINT</c> names another.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Gets or sets the hub's address (a mirror or a private hub speaks the same protocol).</summary>
    /// <value>The default value is <see langword="null"/>: the <c>HF_ENDPOINT</c> environment variable, else <see cref="DefaultEndpoint"/>.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the access token sent as <c>Authorization: Bearer</c> to the hub (never to the storage it redirects to), for private or gated repositories.</summary>
    /// <value>The default value is <see langword="null"/>: the <c>HF_TOKEN</c> environment variable, else no token.</value>
    public string? Token { get; set; }

    /// <summary>Gets or sets a value indicating whether nothing is downloaded: a model that is not installed fails at once with how to install it.</summary>
    /// <value>The default value is <see langword="null"/>: offline when the <c>HF_HUB_OFFLINE</c> environment variable is <c>1</c> or <c>true</c>.</value>
    public bool? Offline { get; set; }

    /// <summary>Gets or sets the revision (branch, tag or commit) files are downloaded from.</summary>
    /// <value>The default value is <c>main</c>.</value>
    public string Revision { get; set; } = "main";

    /// <summary>Gets the endpoint in force: <see cref="Endpoint"/>, else <c>HF_ENDPOINT</c>, else <see cref="DefaultEndpoint"/>.</summary>
    /// <returns>The endpoint, without a trailing slash.</returns>
    public Uri ResolveEndpoint() => Resolve(Environment.GetEnvironmentVariable).Endpoint;

    /// <summary>Gets whether offline mode is in force: <see cref="Offline"/>, else <c>HF_HUB_OFFLINE</c>.</summary>
    /// <returns>Whether nothing may be downloaded.</returns>
    public bool ResolveOffline() => Resolve(Environment.GetEnvironmentVariable).Offline;

    internal (Uri Endpoint, string? Token, bool Offline) Resolve(Func<string, string?> environment)
    {
        var endpoint = Endpoint?.AbsoluteUri
            ?? (environment("HF_ENDPOINT") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultEndpoint);
        var token = Token ?? (environment("HF_TOKEN") is { Length: > 0 } environmentToken ? environmentToken : null);
        var offline = Offline ?? environment("HF_HUB_OFFLINE") is "1" or "true" or "TRUE" or "True" or "yes";
        return (new Uri(endpoint.TrimEnd('/')), token, offline);
    }
}
