using System.Net;
using System.Net.Sockets;

namespace LocalAI.OpenAI.Tests.Fixtures;

internal static class TestSupport
{
    /// <summary>An API address on which nothing listens: connections are refused.</summary>
    public static Uri RefusedEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/v1");
    }

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var into = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            into.Add(update);
        }

        return into;
    }
}
