using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LocalAI.Testing.HuggingFace;

/// <summary>
/// A loopback HTTP server that speaks the part of the Hugging Face hub protocol a downloader uses, to test download logic
/// against real HTTP with faults injected: <c>POST /api/models/{repo}/paths-info/{rev}</c> and
/// <c>GET /api/models/{repo}/tree/{rev}</c> (sizes, git object ids, LFS SHA-256), <c>GET|HEAD /{repo}/resolve/{rev}/{path}</c>
/// (files kept in git served directly; LFS files redirected with 302 to <c>/storage/{sha256}</c> with <c>X-Linked-Etag</c> and
/// <c>X-Linked-Size</c>, as the Hub redirects to its storage), <c>Range</c> requests answered with 206.
/// </summary>
public sealed class HubTestServer : IAsyncDisposable
{
    private const int ChunkSize = 16 * 1024;
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, HubTestFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubTestFile> _storage = new(StringComparer.Ordinal);
    private long _cutAfter = -1;
    private long _holdAfter = -1;
    private int _corrupt;
    private TaskCompletionSource _held = NewSignal();
    private TaskCompletionSource _release = NewSignal();

    /// <summary>Initializes a new instance of the <see cref="HubTestServer"/> class, listening on a free port of 127.0.0.1.</summary>
    public HubTestServer()
    {
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Gets the hub's address, to give the downloader as its endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets or sets the token every API and resolve request must carry as <c>Authorization: Bearer</c>; <see langword="null"/> for none.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Gets every request received, in order.</summary>
    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    /// <summary>Gets a task that completes when a transfer has stopped at the point set by <see cref="HoldAfter"/>.</summary>
    public Task Held => _held.Task;

    /// <summary>Gets the storage (file bytes) requests received, the redirect targets of LFS files.</summary>
    public IEnumerable<HubRequest> StorageRequests => Requests.Where(r => r.Path.StartsWith("/storage/", StringComparison.Ordinal));

    /// <summary>Adds a file to a repository.</summary>
    /// <param name="repository">The repository, <c>owner/name</c>.</param>
    /// <param name="path">The file's path in it.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="lfs">Whether the file is stored in LFS (redirected to storage, with a SHA-256) rather than in git.</param>
    public void AddFile(string repository, string path, byte[] content, bool lfs)
    {
        var file = new HubTestFile(path, content, lfs);
        _files[repository + "/" + path] = file;
        _storage[file.Sha256] = file;
    }

    /// <summary>Adds every file under a folder to a repository, keeping their relative paths; <c>.onnx</c>, <c>.gguf</c> and <c>.safetensors</c> files go to LFS.</summary>
    /// <param name="repository">The repository, <c>owner/name</c>.</param>
    /// <param name="folder">The folder.</param>
    /// <param name="prefix">A folder in the repository to put them under (for example <c>onnx/</c>), or empty.</param>
    public void AddFolder(string repository, string folder, string prefix = "")
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = prefix + Path.GetRelativePath(folder, file).Replace('\\', '/');
            AddFile(repository, relative, File.ReadAllBytes(file), Path.GetExtension(file) is ".onnx" or ".gguf" or ".safetensors");
        }
    }

    /// <summary>Cuts the connection of the next file transfer after <paramref name="bytes"/> bytes of its body.</summary>
    /// <param name="bytes">The bytes sent before the cut.</param>
    public void CutNextTransferAfter(long bytes) => Interlocked.Exchange(ref _cutAfter, bytes);

    /// <summary>Stops the next file transfer after <paramref name="bytes"/> bytes until <see cref="Release"/>; <see cref="Held"/> completes when it stops.</summary>
    /// <param name="bytes">The bytes sent before the stop.</param>
    public void HoldAfter(long bytes)
    {
        _held = NewSignal();
        _release = NewSignal();
        Interlocked.Exchange(ref _holdAfter, bytes);
    }

    /// <summary>Lets a held transfer go on.</summary>
    public void Release() => _release.TrySetResult();

    /// <summary>Makes the next file transfer send one wrong byte (the metadata still gives the right checksum).</summary>
    public void CorruptNextTransfer() => Interlocked.Exchange(ref _corrupt, 1);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Release();
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static void Error(HttpListenerResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.Headers["X-Error-Code"] = code;
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { error = message }));
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
        response.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        Requests.Enqueue(new HubRequest(request.HttpMethod, path, request.Headers["Range"], request.Headers["Authorization"]));
        try
        {
            if (path.StartsWith("/storage/", StringComparison.Ordinal))
            {
                if (_storage.TryGetValue(path["/storage/".Length..], out var stored))
                {
                    await SendFileAsync(context, stored).ConfigureAwait(false);
                }
                else
                {
                    Error(response, 404, "EntryNotFound", "no such object");
                }

                return;
            }

            if (RequiredToken is not null && request.Headers["Authorization"] != "Bearer " + RequiredToken)
            {
                Error(response, 401, "RepoNotFound", "Invalid credentials in Authorization header");
                return;
            }

            var segments = path.Trim('/').Split('/');
            if (segments.Length >= 6 && segments[0] == "api" && segments[1] == "models" && segments[4] is "paths-info" or "tree")
            {
                var repository = segments[2] + "/" + segments[3];
                if (!_files.Keys.Any(k => k.StartsWith(repository + "/", StringComparison.Ordinal)))
                {
                    Error(response, 404, "RepoNotFound", "Repository not found");
                    return;
                }

                IEnumerable<HubTestFile> files;
                if (segments[4] == "paths-info")
                {
                    using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                    var form = await reader.ReadToEndAsync().ConfigureAwait(false);
                    var wanted = form.Split('&', StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => p.Split('=', 2))
                        .Where(p => p[0] == "paths")
                        .Select(p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
                    files = wanted.Select(w => _files.GetValueOrDefault(repository + "/" + w)).OfType<HubTestFile>();
                }
                else
                {
                    files = _files.Where(f => f.Key.StartsWith(repository + "/", StringComparison.Ordinal)).Select(f => f.Value);
                }

                var body = JsonSerializer.SerializeToUtf8Bytes(files.Select(f => f.Describe()).ToArray());
                response.ContentType = "application/json";
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
                response.Close();
                return;
            }

            if (segments.Length >= 5 && segments[2] == "resolve")
            {
                var key = segments[0] + "/" + segments[1] + "/" + string.Join('/', segments[4..]);
                if (!_files.TryGetValue(key, out var file))
                {
                    var repositoryExists = _files.Keys.Any(k => k.StartsWith(segments[0] + "/" + segments[1] + "/", StringComparison.Ordinal));
                    Error(response, 404, repositoryExists ? "EntryNotFound" : "RepoNotFound", "not found");
                    return;
                }

                if (file.Lfs)
                {
                    response.StatusCode = 302;
                    response.Headers["Location"] = $"{Endpoint.AbsoluteUri.TrimEnd('/')}/storage/{file.Sha256}";
                    response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
                    response.Headers["X-Linked-Size"] = file.Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    response.Headers["ETag"] = $"\"{file.GitObjectId}\"";
                    response.ContentLength64 = 0;
                    response.Close();
                    return;
                }

                response.Headers["ETag"] = $"\"{file.GitObjectId}\"";
                await SendFileAsync(context, file).ConfigureAwait(false);
                return;
            }

            Error(response, 404, "NotFound", "unknown route");
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away (a cancelled download); nothing to answer.
        }
    }

    private async Task SendFileAsync(HttpListenerContext context, HubTestFile file)
    {
        var response = context.Response;
        var content = file.Content;
        long start = 0;
        if (context.Request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = long.Parse(range["bytes=".Length..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= content.Length)
            {
                response.StatusCode = 416;
                response.Close();
                return;
            }

            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        response.Headers["Accept-Ranges"] = "bytes";
        response.ContentLength64 = content.Length - start;
        if (context.Request.HttpMethod == "HEAD")
        {
            response.Close();
            return;
        }

        var cut = Interlocked.Exchange(ref _cutAfter, -1);
        var hold = Interlocked.Exchange(ref _holdAfter, -1);
        var corrupt = Interlocked.Exchange(ref _corrupt, 0) == 1;
        var body = content.AsMemory((int)start);
        if (corrupt)
        {
            var copy = body.ToArray();
            copy[copy.Length / 2] ^= 0xFF;
            body = copy;
        }

        long sent = 0;
        while (sent < body.Length)
        {
            var chunk = (int)Math.Min(ChunkSize, body.Length - sent);
            if (cut >= 0)
            {
                chunk = (int)Math.Min(chunk, cut - sent);
            }

            if (hold >= 0 && sent < hold)
            {
                chunk = (int)Math.Min(chunk, hold - sent);
            }

            await response.OutputStream.WriteAsync(body.Slice((int)sent, chunk)).ConfigureAwait(false);
            sent += chunk;
            if (cut >= 0 && sent >= cut)
            {
                await response.OutputStream.FlushAsync().ConfigureAwait(false);
                response.Abort();
                return;
            }

            if (hold >= 0 && sent >= hold)
            {
                hold = -1;
                await response.OutputStream.FlushAsync().ConfigureAwait(false);
                _held.TrySetResult();
                await _release.Task.ConfigureAwait(false);
            }
        }

        response.Close();
    }
}
