using System.Threading.Channels;

namespace LocalAI.AspNetCore;

/// <summary>One client's subscription to the <see cref="BackendStatusFeed"/>: at most one pending change signal.</summary>
internal sealed class StatusSubscription(Channel<bool> channel, Action<Channel<bool>> unsubscribe) : IDisposable
{
    /// <summary>Waits for the next change; <see langword="false"/> when the subscription ended.</summary>
    public async ValueTask<bool> WaitForChangeAsync(CancellationToken cancellationToken)
    {
        if (!await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        return channel.Reader.TryRead(out _);
    }

    public void Dispose() => unsubscribe(channel);
}
