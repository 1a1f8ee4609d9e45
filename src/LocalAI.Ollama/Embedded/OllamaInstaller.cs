using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace LocalAI.Ollama;

/// <summary>Finds the <c>ollama</c> binary, or installs it from an archive or file, checked against its SHA-256 before extraction, and moved into place in one rename so a half-extracted binary is never used.</summary>
internal static class OllamaInstaller
{
    private static string BinaryName => OperatingSystem.IsWindows() ? "ollama.exe" : "ollama";

    /// <summary>Returns the configured binary, else one in the application's folder, else one on <c>PATH</c>, else installs <see cref="OllamaEmbeddedBackendOptions.InstallArchive"/>.</summary>
    /// <param name="options">The embedded server's settings.</param>
    /// <param name="configurationKey">The settings' configuration section, for error messages (for example <c>LocalAI:ollama-embedded</c>).</param>
    /// <param name="logger">Records an installation.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The binary's path.</returns>
    /// <exception cref="BackendUnavailableException">No binary was found and none could be installed; the message says what to set.</exception>
    public static async Task<string> FindOrInstallAsync(OllamaEmbeddedBackendOptions options, string configurationKey, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.BinaryPath is { } configured)
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new BackendUnavailableException($"The configured Ollama binary '{configured}' does not exist. Fix {configurationKey}:BinaryPath.");
        }

        var beside = Path.Combine(AppContext.BaseDirectory, BinaryName);
        if (File.Exists(beside))
        {
            return beside;
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, BinaryName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        if (options.InstallArchive is { } archive)
        {
            var installed = await InstallAsync(archive, options.InstallSha256!, options.InstallDirectory, cancellationToken).ConfigureAwait(false);
            Log.Installed(logger, archive, Path.GetDirectoryName(installed)!);
            return installed;
        }

        throw new BackendUnavailableException(
            "No 'ollama' binary was found (not configured, not in the application's folder, not on PATH) and no InstallArchive is configured. "
            + $"Install Ollama, set {configurationKey}:BinaryPath, or set InstallArchive and InstallSha256.");
    }

    private static async Task<string> InstallAsync(string source, string sha256, string installDirectory, CancellationToken cancellationToken)
    {
        var expected = sha256.Trim().ToLowerInvariant();
        if (expected.Length != 64 || !expected.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"InstallSha256 '{sha256}' is not a SHA-256 in hex (64 characters).", nameof(sha256));
        }

        var target = Path.Combine(installDirectory, expected[..16]);
        if (FindBinary(target) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(installDirectory);
        var download = Path.Combine(installDirectory, $".download-{Guid.NewGuid():N}");
        var staging = Path.Combine(installDirectory, $".staging-{Guid.NewGuid():N}");
        try
        {
            var actual = await CopyAndHashAsync(source, download, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw new BackendUnavailableException(
                    $"The Ollama archive '{source}' has SHA-256 {actual}, not the configured {expected}; it was not installed. Check InstallArchive and InstallSha256.");
            }

            Directory.CreateDirectory(staging);
            await ExtractAsync(source, download, staging, cancellationToken).ConfigureAwait(false);
            var binary = FindBinary(staging)
                ?? throw new BackendUnavailableException($"The Ollama archive '{source}' holds no '{BinaryName}' (looked in its root and bin/).");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }

            try
            {
                // One rename: the folder appears whole or not at all.
                Directory.Move(staging, target);
            }
            catch (IOException) when (FindBinary(target) is not null)
            {
                // Another installer won the race with the same checksum.
            }

            return FindBinary(target) ?? throw new BackendUnavailableException($"Installing Ollama into '{target}' failed.");
        }
        finally
        {
            TryDelete(download);
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static string? FindBinary(string directory)
    {
        foreach (var candidate in new[] { Path.Combine(directory, BinaryName), Path.Combine(directory, "bin", BinaryName) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static async Task<string> CopyAndHashAsync(string source, string destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        HttpClient? http = null;
        try
        {
            Stream input;
            if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                input = await http.GetStreamAsync(uri, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var path = uri is { IsFile: true } ? uri.LocalPath : source;
                input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            }

            await using (input.ConfigureAwait(false))
            {
                var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await using (output.ConfigureAwait(false))
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            http?.Dispose();
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task ExtractAsync(string source, string archive, string staging, CancellationToken cancellationToken)
    {
        var name = source.Split('?')[0];
        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            await ZipFile.ExtractToDirectoryAsync(archive, staging, cancellationToken).ConfigureAwait(false);
        }
        else if (name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase))
        {
            var file = File.OpenRead(archive);
            await using (file.ConfigureAwait(false))
            {
                var gzip = new GZipStream(file, CompressionMode.Decompress);
                await using (gzip.ConfigureAwait(false))
                {
                    await TarFile.ExtractToDirectoryAsync(gzip, staging, overwriteFiles: false, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else if (name.EndsWith(".tar", StringComparison.OrdinalIgnoreCase))
        {
            await TarFile.ExtractToDirectoryAsync(archive, staging, overwriteFiles: false, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A bare binary.
            File.Copy(archive, Path.Combine(staging, BinaryName));
        }
    }

    private static void TryDelete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
