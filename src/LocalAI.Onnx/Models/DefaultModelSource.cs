namespace LocalAI.Onnx;

/// <summary>Where the default model is downloaded from: <see cref="OnnxBackendOptions.DownloadRepository"/> on the configured hub, or the superseded <see cref="OnnxBackendOptions.DownloadUrl"/> read as a hub repository address.</summary>
/// <param name="Repository">The Hugging Face repository, <c>owner/name</c>.</param>
/// <param name="Hub">The hub's endpoint, token, offline mode and revision.</param>
internal sealed record DefaultModelSource(string Repository, HuggingFaceOptions Hub)
{
    /// <summary>Gets the source the options name.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The source, or <see langword="null"/> when the default model is never downloaded.</returns>
    public static DefaultModelSource? From(OnnxBackendOptions options)
    {
        if (options.DownloadRepository is { Length: > 0 } repository)
        {
            return new DefaultModelSource(repository.Trim(), options.HuggingFace);
        }

        return options.DownloadUrl is { } url && TryParse(url, options.HuggingFace, out var source) ? source : null;
    }

    /// <summary>Reads a hub repository address, <c>{endpoint}/{owner}/{name}</c> or <c>{endpoint}/{owner}/{name}/resolve/{revision}</c>.</summary>
    /// <param name="url">The address.</param>
    /// <param name="hub">The configured hub, whose token and offline mode carry over.</param>
    /// <param name="source">The repository on that endpoint and revision.</param>
    /// <returns><see langword="true"/> when <paramref name="url"/> has one of those shapes.</returns>
    public static bool TryParse(Uri url, HuggingFaceOptions hub, out DefaultModelSource? source)
    {
        source = null;
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            return false;
        }

        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length is not (2 or 4) || (segments.Length == 4 && segments[2] != "resolve"))
        {
            return false;
        }

        source = new DefaultModelSource(
            Uri.UnescapeDataString(segments[0]) + "/" + Uri.UnescapeDataString(segments[1]),
            new HuggingFaceOptions
            {
                Endpoint = new Uri(url.GetLeftPart(UriPartial.Authority)),
                Token = hub.Token,
                Offline = hub.Offline,
                Revision = segments.Length == 4 ? Uri.UnescapeDataString(segments[3]) : hub.Revision,
            });
        return true;
    }
}
