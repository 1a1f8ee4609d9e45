using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LocalAI;

/// <summary>
/// Downloads model files from a Hugging Face hub by repository and path: the file's size and checksum from the hub's
/// metadata (<c>/api/models/{repo}/paths-info/{revision}</c>), its bytes from the resolve URL (<c>/{repo}/resolve/{revision}/{path}</c>,
/// following the redirect to the hub's storage), resumed with HTTP <c>Range</c> after an interruption.
/// </summary>
/// <remarks>
/// A file is written to <c>&lt;name&gt;.part</c> beside its destination and moved into place only once its SHA-256 (or, for a
/// file kept in git, its git object id) matches; a folder is assembled in <c>.&lt;name&gt;.partial</c> beside it and moved into
/// place whole. Cancelling or a broken connection keeps the partial file, so the next call resumes; a checksum mismatch or a
/// failed write (a full disk) deletes it. Concurrent calls for the same destination share one download, across every downloader of the process.
/// </remarks>
public sealed class HuggingFaceDownloader
{
    private const int BufferSize = 1 << 16;
    private readonly string _backendId;
    private readonly HuggingFaceOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _environment;
    // A file is shared by the whole process, so the downloads of one destination are too, whichever downloader started them.
    private static readonly Dictionary<string, SharedDownload> InFlight = new(StringComparer.Ordinal);
    private static readonly Lock Sync = new();

    /// <summary>Initializes a new instance of the <see cref="HuggingFaceDownloader"/> class.</summary>
    /// <param name="backendId">The backend downloading, named in exceptions and configuration keys.</param>
    /// <param name="options">The hub's address, token, offline mode and revision.</param>
    /// <param name="httpClient">The client; it must follow redirects (the default). The caller keeps owning it.</param>
    /// <param name="timeProvider">The clock of the transfer rate; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="httpClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="backendId"/> is empty.</exception>
    public HuggingFaceDownloader(string backendId, HuggingFaceOptions options, HttpClient httpClient, TimeProvider? timeProvider = null)
        : this(backendId, options, httpClient, timeProvider, Environment.GetEnvironmentVariable)
    {
    }

    internal HuggingFaceDownloader(string backendId, HuggingFaceOptions options, HttpClient httpClient, TimeProvider? timeProvider, Func<string, string?> environment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendId);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        _backendId = backendId;
        _options = options;
        _http = httpClient;
        _time = timeProvider ?? TimeProvider.System;
        _environment = environment;
    }

    /// <summary>Gets a value indicating whether offline mode is on (<see cref="HuggingFaceOptions.Offline"/>, else <c>HF_HUB_OFFLINE</c>).</summary>
    public bool IsOffline => _options.Resolve(_environment).Offline;

    /// <summary>Gets the address a file is downloaded from.</summary>
    /// <param name="repository">The repository, <c>owner/name</c>.</param>
    /// <param name="path">The file's path in the repository.</param>
    /// <returns>The resolve URL.</returns>
    public Uri GetFileUrl(string repository, string path) =>
        new($"{_options.Resolve(_environment).Endpoint.AbsoluteUri.TrimEnd('/')}/{EscapePath(repository)}/resolve/{Uri.EscapeDataString(_options.Revision)}/{EscapePath(path)}");

    /// <summary>Downloads one file to <paramref name="destinationPath"/>.</summary>
    /// <param name="modelId">The model, for progress and messages.</param>
    /// <param name="repository">The repository, <c>owner/name</c>.</param>
    /// <param name="file">The file: its path and, when pinned, its SHA-256.</param>
    /// <param name="destinationPath">Where the file goes.</param>
    /// <param name="progress">Receives progress; the percentage only moves forward.</param>
    /// <param name="cancellationToken">Stops this caller's wait; the download stops when no caller waits, and its partial file is kept.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="ModelNotFoundException">Offline mode is on, or the hub has no such repository or file (or refuses access to it).</exception>
    /// <exception cref="InvalidModelFileException">The downloaded bytes do not match the checksum; nothing was installed.</exception>
    /// <exception cref="BackendUnavailableException">The hub cannot be reached, answers with an error, or the connection broke (the next call resumes).</exception>
    /// <exception cref="LocalAIException">The file cannot be written (for example the disk is full); the partial file was removed.</exception>
    public Task DownloadFileAsync(string modelId, string repository, ModelCatalogFile file, string destinationPath, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        var destination = Path.GetFullPath(destinationPath);
        return DownloadAsync(modelId, repository, [file], destination, folder: false, progress, cancellationToken);
    }

    /// <summary>Downloads the files of a model folder into <paramref name="destinationDirectory"/>, keeping their paths; the folder appears whole or not at all.</summary>
    /// <param name="modelId">The model, for progress and messages.</param>
    /// <param name="repository">The repository, <c>owner/name</c>.</param>
    /// <param name="files">The files; an <see cref="ModelCatalogFile.Optional"/> one the repository lacks is skipped.</param>
    /// <param name="destinationDirectory">The model folder to create.</param>
    /// <param name="progress">Receives progress; the percentage only moves forward, over every file.</param>
    /// <param name="cancellationToken">Stops this caller's wait; the download stops when no caller waits, and what was fetched is kept for the next call.</param>
    /// <returns>A task that completes when the folder is in place.</returns>
    /// <exception cref="ModelNotFoundException">Offline mode is on, or the hub has no such repository or required file (or refuses access to it).</exception>
    /// <exception cref="InvalidModelFileException">A file's bytes do not match its checksum; nothing was installed.</exception>
    /// <exception cref="BackendUnavailableException">The hub cannot be reached, answers with an error, or the connection broke (the next call resumes).</exception>
    /// <exception cref="LocalAIException">A file cannot be written (for example the disk is full); everything fetched was removed.</exception>
    public Task DownloadFolderAsync(string modelId, string repository, IReadOnlyList<ModelCatalogFile> files, string destinationDirectory, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationDirectory);
        if (files.Count == 0)
        {
            throw new ArgumentException("A model folder needs at least one file.", nameof(files));
        }

        var destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destinationDirectory));
        foreach (var file in files)
        {
            var target = Path.GetFullPath(Path.Combine(destination, file.Path));
            if (!target.StartsWith(destination + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ArgumentException($"File '{file.Path}' points outside the model folder.", nameof(files));
            }
        }

        return DownloadAsync(modelId, repository, files, destination, folder: true, progress, cancellationToken);
    }

    /// <summary>Lists the paths of every file of a repository (<c>/api/models/{repo}/tree/{revision}?recursive=true</c>).</summary>
    /// <param name="repository">The repository, <c>owner/name</c>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The paths.</returns>
    /// <exception cref="ModelNotFoundException">Offline mode is on, or the hub has no such repository (or refuses access to it).</exception>
    /// <exception cref="BackendUnavailableException">The hub cannot be reached or answers with an error.</exception>
    public async Task<IReadOnlyList<string>> ListFilesAsync(string repository, CancellationToken cancellationToken = default)
    {
        ValidateRepository(repository);
        var (endpoint, token, offline) = _options.Resolve(_environment);
        if (offline)
        {
            throw new ModelNotFoundException(repository, _backendId, $"Offline mode is on (HF_HUB_OFFLINE or LocalAI:{_backendId}:HuggingFace:Offline), so the files of '{repository}' cannot be listed.");
        }

        var url = new Uri($"{endpoint.AbsoluteUri.TrimEnd('/')}/api/models/{EscapePath(repository)}/tree/{Uri.EscapeDataString(_options.Revision)}?recursive=true");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        Authorize(request, token);
        using var response = await SendAsync(request, endpoint, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, repository, repository, null, token);
        }

        using var document = await ReadJsonAsync(response, url, cancellationToken).ConfigureAwait(false);
        return [.. document.RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("type", out var type) && type.GetString() == "file")
            .Select(e => e.GetProperty("path").GetString()!)];
    }

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static void ValidateRepository(string repository)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        var parts = repository.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0 || p is "." or ".."))
        {
            throw new ArgumentException($"'{repository}' is not a Hugging Face repository id; write it as owner/name.", nameof(repository));
        }
    }

    private static void Authorize(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException ex)
        {
            throw new BackendProtocolException($"{url} did not answer with JSON ({ex.Message}); is the endpoint a Hugging Face hub?", ex);
        }
    }

    private Task DownloadAsync(string modelId, string repository, IReadOnlyList<ModelCatalogFile> files, string destination, bool folder, IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ValidateRepository(repository);
        return JoinAsync(destination, shared => RunAsync(modelId, repository, files, destination, folder, shared, shared.Token), progress, cancellationToken);
    }

    private async Task JoinAsync(string key, Func<SharedDownload, Task> start, IProgress<ModelDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        SharedDownload? shared;
        while (true)
        {
            Task? stopping = null;
            lock (Sync)
            {
                if (!InFlight.TryGetValue(key, out shared))
                {
                    shared = new SharedDownload();
                    shared.TryJoin(progress);
                    var started = shared;
                    shared.Completion = Task.Run(() => start(started), CancellationToken.None);
                    _ = shared.Completion.ContinueWith(
                        _ =>
                        {
                            lock (Sync)
                            {
                                InFlight.Remove(key);
                            }

                            started.Dispose();
                        },
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                    InFlight.Add(key, shared);
                    break;
                }

                if (shared.TryJoin(progress))
                {
                    break;
                }

                stopping = shared.Completion;
            }

            // Every caller of that download has left and it is stopping: wait for it to let go of its files, then start anew.
            await stopping.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await shared.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            shared.Leave(progress);
            throw;
        }
    }

    private async Task RunAsync(string modelId, string repository, IReadOnlyList<ModelCatalogFile> files, string destination, bool folder, IProgress<ModelDownloadProgress> progress, CancellationToken cancellationToken)
    {
        var (endpoint, token, offline) = _options.Resolve(_environment);
        if (offline)
        {
            var where = folder ? $"the files of {repository} into the folder '{destination}'" : $"{GetFileUrl(repository, files[0].Path)} to '{destination}'";
            throw new ModelNotFoundException(modelId, _backendId, $"It is not installed, and offline mode is on (HF_HUB_OFFLINE or LocalAI:{_backendId}:HuggingFace:Offline), so it cannot be downloaded. Turn offline mode off and download it (DownloadModelAsync(\"{modelId}\")), or copy {where} on a machine that has it.");
        }

        progress.Report(new ModelDownloadProgress(modelId, "resolving files"));
        var remote = await GetPathsInfoAsync(modelId, repository, files, endpoint, token, cancellationToken).ConfigureAwait(false);
        var meter = new DownloadMeter(modelId, remote.Sum(r => r.Remote.Size), progress, _time);
        var staging = folder ? Path.Combine(Path.GetDirectoryName(destination)!, "." + Path.GetFileName(destination) + ".partial") : null;
        foreach (var (file, hub) in remote)
        {
            var target = staging is null ? destination : Path.Combine(staging, file.Path);
            if (staging is not null && File.Exists(target) && new FileInfo(target).Length == hub.Size)
            {
                // Verified and moved into the staging folder by an earlier attempt.
                meter.Resumed(hub.Size);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await FetchAsync(modelId, repository, file, hub, target, token, meter, staging, cancellationToken).ConfigureAwait(false);
        }

        if (staging is not null)
        {
            if (Directory.Exists(destination))
            {
                Directory.Delete(destination, recursive: true);
            }

            Directory.Move(staging, destination);
        }

        meter.Completed("success");
    }

    private async Task<List<(ModelCatalogFile File, HubFile Remote)>> GetPathsInfoAsync(string modelId, string repository, IReadOnlyList<ModelCatalogFile> files, Uri endpoint, string? token, CancellationToken cancellationToken)
    {
        var url = new Uri($"{endpoint.AbsoluteUri.TrimEnd('/')}/api/models/{EscapePath(repository)}/paths-info/{Uri.EscapeDataString(_options.Revision)}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(files.Select(f => KeyValuePair.Create("paths", f.Path))),
        };
        Authorize(request, token);
        using var response = await SendAsync(request, endpoint, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, modelId, repository, null, token);
        }

        using var document = await ReadJsonAsync(response, url, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, HubFile>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (entry.TryGetProperty("type", out var type) && type.GetString() != "file")
            {
                continue;
            }

            var path = entry.GetProperty("path").GetString()!;
            var lfs = entry.TryGetProperty("lfs", out var l) && l.ValueKind == JsonValueKind.Object ? l : (JsonElement?)null;
            var size = lfs?.TryGetProperty("size", out var lfsSize) == true ? lfsSize.GetInt64() : entry.GetProperty("size").GetInt64();
            var sha256 = lfs?.TryGetProperty("oid", out var oid) == true ? oid.GetString() : null;
            var git = entry.TryGetProperty("oid", out var gitOid) ? gitOid.GetString() : null;
            found[path] = new HubFile(path, size, sha256?.ToLowerInvariant(), git?.ToLowerInvariant());
        }

        var plan = new List<(ModelCatalogFile, HubFile)>(files.Count);
        foreach (var file in files)
        {
            if (found.TryGetValue(file.Path, out var hub))
            {
                if (file.Sha256 is { Length: > 0 } pinned && hub.Sha256 is { } published && !string.Equals(pinned, published, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidModelFileException(GetFileUrl(repository, file.Path).ToString(), $"the hub publishes SHA-256 {published} for it, but the catalog pins {pinned.ToLowerInvariant()}; the repository now serves another file. Update the catalog entry of '{modelId}' if the new file is wanted. Nothing was downloaded.", null);
                }

                plan.Add((file, hub));
            }
            else if (!file.Optional)
            {
                throw new ModelNotFoundException(modelId, _backendId, $"Repository '{repository}' has no file '{file.Path}' at revision '{_options.Revision}' on {endpoint}.");
            }
        }

        return plan;
    }

    private async Task FetchAsync(string modelId, string repository, ModelCatalogFile file, HubFile hub, string target, string? token, DownloadMeter meter, string? staging, CancellationToken cancellationToken)
    {
        var partial = target + ".part";
        var url = GetFileUrl(repository, file.Path);
        var expectedSha256 = file.Sha256 is { Length: > 0 } pinned ? pinned.Trim().ToLowerInvariant() : hub.Sha256;
        FileStream output;
        try
        {
            output = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, useAsync: true);
        }
        catch (IOException ex)
        {
            throw new LocalAIException($"'{partial}' cannot be opened ({ex.Message}); another process may be downloading the same file. Wait for it, or remove the file and retry.", ex) { BackendId = _backendId };
        }

        string actual;
        await using (output.ConfigureAwait(false))
        {
            using var hash = expectedSha256 is not null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : GitBlobHash(hub.Size);
            var have = output.Length;
            if (have > hub.Size)
            {
                output.SetLength(0);
                have = 0;
            }

            var buffer = new byte[BufferSize];
            long hashed = 0;
            int read;
            while (hashed < have && (read = await output.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, have - hashed)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                hashed += read;
            }

            meter.Resumed(have);
            if (have < hub.Size)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                Authorize(request, token);
                if (have > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(have, null);
                }

                using var response = await SendAsync(request, url, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw Failure(response, modelId, repository, file.Path, token);
                }

                if (have > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    // The server ignored the range and sends the whole file: start over.
                    meter.Discarded(have);
                    hash.GetHashAndReset();
                    if (expectedSha256 is null)
                    {
                        hash.Dispose();
                        throw new BackendProtocolException($"{url} ignored a range request for a git-stored file; remove '{partial}' and retry.");
                    }

                    have = 0;
                }

                if (output.Length != have)
                {
                    output.SetLength(have);
                }

                output.Position = have;
                var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    while (have < hub.Size)
                    {
                        read = await ReadAsync(source, buffer, url, have, hub.Size, cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            throw new BackendUnavailableException($"Downloading {url} ended after {have} of {hub.Size} bytes; the partial file is kept and the next download resumes from there.") { BackendId = _backendId };
                        }

                        await WriteAsync(output, buffer, read, partial, staging, cancellationToken).ConfigureAwait(false);
                        hash.AppendData(buffer, 0, read);
                        have += read;
                        meter.Received(file.Path, have, hub.Size, read);
                    }
                }

                await FlushAsync(output, partial, staging, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                meter.Received(file.Path, have, hub.Size, 0);
            }

            actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        var expected = expectedSha256 ?? hub.GitObjectId;
        if (expected is not null && !string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            var kind = expectedSha256 is null ? "git object id" : "SHA-256";
            var source = file.Sha256 is { Length: > 0 } ? "the catalog pins" : "the hub's metadata gives";
            throw new InvalidModelFileException(url.ToString(), $"its {kind} is {actual} but {source} {expected}; the download was deleted and nothing was installed. Retry; if it fails again the hub or a proxy serves a damaged file.", null);
        }

        File.Move(partial, target, overwrite: true);
    }

#pragma warning disable CA5350 // Git names a blob by the SHA-1 of its content; it is the checksum the hub publishes for files kept in git, not a security boundary.
    private static IncrementalHash GitBlobHash(long size)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        hash.AppendData(Encoding.ASCII.GetBytes($"blob {size}\0"));
        return hash;
    }
#pragma warning restore CA5350

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Uri where, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendUnavailableException($"The Hugging Face hub at {where.GetLeftPart(UriPartial.Authority)} cannot be reached ({ex.Message}). Check the network and HF_ENDPOINT (LocalAI:{_backendId}:HuggingFace:Endpoint); without a network, set HF_HUB_OFFLINE=1 and install models by copying their files.", ex) { BackendId = _backendId };
        }
    }

    private async Task<int> ReadAsync(Stream source, byte[] buffer, Uri url, long have, long size, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new BackendUnavailableException($"Downloading {url} broke off after {have} of {size} bytes ({ex.Message}); the partial file is kept and the next download resumes from there.", ex) { BackendId = _backendId };
        }
    }

    private async Task WriteAsync(FileStream output, byte[] buffer, int count, string partial, string? staging, CancellationToken cancellationToken)
    {
        try
        {
            await output.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw WriteFailure(output, partial, staging, ex);
        }
    }

    private async Task FlushAsync(FileStream output, string partial, string? staging, CancellationToken cancellationToken)
    {
        try
        {
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw WriteFailure(output, partial, staging, ex);
        }
    }

    private LocalAIException WriteFailure(FileStream output, string partial, string? staging, IOException ex)
    {
        try
        {
            output.SetLength(0);
        }
        catch (IOException)
        {
            // The file is deleted below whatever its length.
        }

        File.Delete(partial);
        if (staging is not null && Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        return new LocalAIException($"Writing '{partial}' failed ({ex.Message}); nothing was installed and the partial download was removed. Free disk space (or fix the folder's permissions) and retry.", ex) { BackendId = _backendId };
    }

    private Exception Failure(HttpResponseMessage response, string modelId, string repository, string? path, string? token)
    {
        var where = response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "the hub";
        var code = response.Headers.TryGetValues("X-Error-Code", out var values) ? values.FirstOrDefault() : null;
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound when path is not null || code is "EntryNotFound" =>
                new ModelNotFoundException(modelId, _backendId, $"Repository '{repository}' has no file '{path}' at revision '{_options.Revision}' on {where}."),
            HttpStatusCode.NotFound when code is "RevisionNotFound" =>
                new ModelNotFoundException(modelId, _backendId, $"Repository '{repository}' has no revision '{_options.Revision}' on {where}; check LocalAI:{_backendId}:HuggingFace:Revision."),
            HttpStatusCode.NotFound =>
                new ModelNotFoundException(modelId, _backendId, $"No repository '{repository}' exists on {where}."),
            HttpStatusCode.Unauthorized when token is null =>
                new ModelNotFoundException(modelId, _backendId, $"{where} answered 401 for '{repository}': it does not exist, or it is private or gated. If it exists, set HF_TOKEN (or LocalAI:{_backendId}:HuggingFace:Token) to a token that can read it."),
            HttpStatusCode.Unauthorized =>
                new ModelNotFoundException(modelId, _backendId, $"{where} refused the token for '{repository}' (HTTP 401): the repository does not exist or the token cannot read it. Check HF_TOKEN (or LocalAI:{_backendId}:HuggingFace:Token)."),
            HttpStatusCode.Forbidden =>
                new ModelNotFoundException(modelId, _backendId, $"{where} denies access to '{repository}' (HTTP 403): it is gated; accept its terms on the hub with the account of the token, then retry."),
            _ => new BackendUnavailableException($"{where} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} for '{repository}'{(path is null ? string.Empty : $" file '{path}'")}; retry later.") { BackendId = _backendId },
        };
    }
}
