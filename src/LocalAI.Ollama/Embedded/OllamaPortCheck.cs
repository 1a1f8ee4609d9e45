using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LocalAI.Ollama;

/// <summary>Tells whether what answers on a loopback port is Ollama: <c>/api/version</c> must answer <c>{"version":"x.y.z"}</c> and <c>/api/tags</c> <c>{"models":[...]}</c>, as Ollama's API documents them.</summary>
internal static partial class OllamaPortCheck
{
    private const int MaxBody = 64 * 1024;

    /// <summary>What answered on the port.</summary>
    public enum Answer
    {
        /// <summary>Nothing accepts connections there.</summary>
        Nothing,

        /// <summary>An Ollama server.</summary>
        Ollama,

        /// <summary>A server that is not Ollama (a static file server, a catch-all).</summary>
        NotOllama,
    }

    /// <summary>Asks the server on <paramref name="endpoint"/> for its version and its models.</summary>
    /// <returns>What answered, and for <see cref="Answer.NotOllama"/> how it fell short (for the error message).</returns>
    public static async Task<(Answer Answer, string? Reason)> CheckAsync(Uri endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout }) { Timeout = timeout };
        try
        {
            var version = await GetJsonAsync(http, new Uri(endpoint, "api/version"), cancellationToken).ConfigureAwait(false);
            if (version.Reason is { } notVersion)
            {
                return (Answer.NotOllama, notVersion);
            }

            if (!version.Root.TryGetProperty("version", out var value) || value.ValueKind != JsonValueKind.String || !VersionShape().IsMatch(value.GetString()!))
            {
                return (Answer.NotOllama, $"/api/version answered {Excerpt(version.Root.GetRawText())}, not {{\"version\":\"x.y.z\"}}");
            }

            var tags = await GetJsonAsync(http, new Uri(endpoint, "api/tags"), cancellationToken).ConfigureAwait(false);
            if (tags.Reason is { } notTags)
            {
                return (Answer.NotOllama, notTags);
            }

            return tags.Root.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Array
                ? (Answer.Ollama, null)
                : (Answer.NotOllama, $"/api/tags answered {Excerpt(tags.Root.GetRawText())}, not {{\"models\":[...]}}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return (Answer.Nothing, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (Answer.Nothing, null);
        }
        catch (HttpRequestException ex)
        {
            // It accepted the connection but did not speak HTTP as Ollama does.
            return (Answer.NotOllama, ex.Message);
        }
    }

    private static async Task<(JsonElement Root, string? Reason)> GetJsonAsync(HttpClient http, Uri address, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var path = address.AbsolutePath;
        var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return (default, $"{path} answered HTTP {(int)response.StatusCode} {Excerpt(body)}");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (default, $"{path} answered {Excerpt(body)}, not a JSON object");
        }
        catch (JsonException)
        {
            return (default, $"{path} answered {Excerpt(body)}, which is not JSON");
        }
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBody];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
    }

    private static string Excerpt(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? "an empty body" : "'" + (text.Length > 80 ? text[..80] + "…" : text) + "'";
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+([-+.][0-9A-Za-z.+-]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionShape();
}
