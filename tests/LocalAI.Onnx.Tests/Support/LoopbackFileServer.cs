using System.Net;
using System.Net.Sockets;

namespace LocalAI.Onnx.Tests.Support;

/// <summary>An HTTP server on 127.0.0.1 that serves the files of one folder (404 for the rest) and counts requests.</summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly Task _loop;
    private int _requests;

    public LoopbackFileServer(string root)
    {
        _root = root;
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/models/tiny/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            using var response = context.Response;
            var relative = context.Request.Url!.AbsolutePath["/models/tiny/".Length..];
            var path = Path.GetFullPath(Path.Combine(_root, relative));
            if (!path.StartsWith(_root, StringComparison.Ordinal) || !File.Exists(path))
            {
                response.StatusCode = 404;
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(path);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
