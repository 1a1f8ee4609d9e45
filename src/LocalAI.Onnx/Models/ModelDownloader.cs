using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace LocalAI.Onnx;

/// <summary>Downloads a model folder file by file from a base address, checking <c>model.onnx</c> against its SHA-256 before it is put in place.</summary>
internal sealed class ModelDownloader(HttpClient httpClient, string backendId, ILogger logger)
{
    /// <summary>The files fetched when the options name none.</summary>
    public static readonly IReadOnlyList<string> DefaultFiles =
    [
        "model.onnx", "tokenizer.json", "vocab.txt", "tokenizer_config.json", "config.json", "modules.json",
        "sentence_bert_config.json", "1_Pooling/config.json",
    ];

    private const string OnnxFile = "model.onnx";

    /// <summary>Downloads the files into <paramref name="directory"/>; each is written to a temporary name and moved in place only when complete (and, for <c>model.onnx</c>, verified).</summary>
    /// <param name="modelId">The model name, for progress and messages.</param>
    /// <param name="baseUrl">The folder address.</param>
    /// <param name="sha256">The expected SHA-256 of <c>model.onnx</c>, hexadecimal.</param>
    /// <param name="files">The files to fetch, relative to <paramref name="baseUrl"/>.</param>
    /// <param name="directory">The model folder to fill.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="cancellationToken">Cancels the download; partial files are deleted.</param>
    /// <returns>A task that completes when the folder holds the model.</returns>
    /// <exception cref="InvalidModelFileException">The checksum does not match, or the server lacks a required file.</exception>
    /// <exception cref="BackendUnavailableException">The server cannot be reached or answers with an error.</exception>
    public async Task DownloadAsync(
        string modelId,
        Uri baseUrl,
        string sha256,
        IReadOnlyList<string> files,
        string directory,
        IProgress<ModelDownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        Log.Downloading(logger, modelId, baseUrl, directory);
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        var hasVocabulary = false;
        long completed = 0;
        var percent = 0d;
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var required = file == OnnxFile;
            var isVocabulary = file is "tokenizer.json" or "vocab.txt";
            var target = Path.GetFullPath(Path.Combine(directory, file));
            if (!target.StartsWith(Path.GetFullPath(directory), StringComparison.Ordinal))
            {
                throw new ArgumentException($"Download file '{file}' points outside the model folder.", nameof(files));
            }

            var fileUrl = new Uri(root, file);
            using var response = await SendAsync(fileUrl, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && !required)
            {
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new InvalidModelFileException(fileUrl.ToString(), $"the server has no {file} (HTTP 404). Check LocalAI:{backendId}:DownloadUrl.", null);
                }

                throw new BackendUnavailableException($"Downloading {fileUrl} failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}. Check the address and that the server is up, then retry.") { BackendId = backendId };
            }

            var total = response.Content.Headers.ContentLength;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temporary = target + ".download";
            string actual;
            long written = 0;
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var destination = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                    await using (destination.ConfigureAwait(false))
                    {
                        var buffer = new byte[81920];
                        int read;
                        while ((read = await ReadAsync(source, buffer, fileUrl, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            hash.AppendData(buffer, 0, read);
                            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                            written += read;
                            if (progress is not null && total is > 0)
                            {
                                percent = Math.Max(percent, 100d * (i + ((double)written / total.Value)) / files.Count);
                                progress.Report(new ModelDownloadProgress(modelId, "downloading")
                                {
                                    Part = file,
                                    PartBytesCompleted = written,
                                    PartBytesTotal = total,
                                    BytesCompleted = completed + written,
                                    Percent = Math.Min(percent, 99.9),
                                });
                            }
                        }
                    }
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }

            if (required && !string.Equals(actual, sha256.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(temporary);
                throw new InvalidModelFileException(fileUrl.ToString(), $"its SHA-256 is {actual} but LocalAI:{backendId}:DownloadSha256 is {sha256.Trim().ToLowerInvariant()}; the file was deleted. The server serves another file than expected: check the address and the checksum.", null);
            }

            File.Move(temporary, target, overwrite: true);
            completed += written;
            hasVocabulary |= isVocabulary;
            percent = Math.Max(percent, 100d * (i + 1) / files.Count);
        }

        if (!hasVocabulary)
        {
            throw new InvalidModelFileException(root.ToString(), $"the server has neither tokenizer.json nor vocab.txt, so the model cannot tokenize. Check LocalAI:{backendId}:DownloadUrl and DownloadFiles.", null);
        }

        Log.Downloaded(logger, modelId, completed);
        progress?.Report(new ModelDownloadProgress(modelId, "success") { BytesCompleted = completed, BytesTotal = completed, Percent = 100, IsCompleted = true });
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await httpClient.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendUnavailableException($"Downloading {url} failed: {ex.Message}. Check the address and the network, then retry.", ex) { BackendId = backendId };
        }
    }

    private async Task<int> ReadAsync(Stream source, byte[] buffer, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new BackendUnavailableException($"Downloading {url} broke off: {ex.Message}. Retry the download.", ex) { BackendId = backendId };
        }
    }
}
