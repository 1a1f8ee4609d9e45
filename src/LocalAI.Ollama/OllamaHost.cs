using System.Globalization;

namespace LocalAI.Ollama;

/// <summary>Reads Ollama server addresses the way the <c>ollama</c> command line does (<c>OLLAMA_HOST</c>).</summary>
public static class OllamaHost
{
    /// <summary>The address Ollama listens on by default.</summary>
    public static readonly Uri Default = new("http://127.0.0.1:11434");

    /// <summary>Reads <c>OLLAMA_HOST</c>.</summary>
    /// <returns>The address, or <see langword="null"/> when the variable is not set.</returns>
    public static Uri? FromEnvironment() => Parse(Environment.GetEnvironmentVariable("OLLAMA_HOST"));

    /// <summary>Parses an <c>OLLAMA_HOST</c> value: <c>host</c>, <c>host:port</c>, <c>:port</c> or a full <c>http(s)://</c> address.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The address, or <see langword="null"/> when <paramref name="value"/> is empty.</returns>
    /// <exception cref="FormatException">The value is not an address.</exception>
    public static Uri? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (value.Contains("://", StringComparison.Ordinal))
        {
            var full = new Uri(value, UriKind.Absolute);
            var authority = value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
            return full.Scheme == Uri.UriSchemeHttp && !authority.Contains(':', StringComparison.Ordinal)
                ? new UriBuilder(full) { Port = Default.Port }.Uri
                : full;
        }

        var host = value;
        var port = Default.Port;
        var colon = value.LastIndexOf(':');
        if (colon >= 0)
        {
            host = value[..colon];
            if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new FormatException($"OLLAMA_HOST '{value}' has an invalid port.");
            }
        }

        if (host.Length == 0 || host == "0.0.0.0")
        {
            host = "127.0.0.1";
        }

        return new UriBuilder(Uri.UriSchemeHttp, host, port).Uri;
    }
}
