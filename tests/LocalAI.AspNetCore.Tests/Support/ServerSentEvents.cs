using System.Net.ServerSentEvents;

namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>Reads a server-sent event stream with .NET's own parser.</summary>
public static class ServerSentEvents
{
    public static async Task<List<SseItem<string>>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var events = new List<SseItem<string>>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            events.Add(item);
        }

        return events;
    }
}
