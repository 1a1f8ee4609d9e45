using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LocalAI.AspNetCore;

/// <summary>Runs one model pull and yields its progress as server-sent events: <c>progress</c> events, then one <c>done</c> or <c>error</c> event.</summary>
/// <remarks>The download runs under the request's token, so a client that goes away (or aborts its request to cancel) stops the download.</remarks>
internal static class ModelPullStream
{
    public static async IAsyncEnumerable<SseItem<string>> RunAsync(
        ILocalBackend backend,
        string model,
        int buffer,
        ILogger logger,
        Action completed,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<PullProgressView>(new BoundedChannelOptions(buffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var progress = new ChannelProgress(channel.Writer);
        ManagementLog.Pulling(logger, model, backend.Id);
        var download = DownloadAsync(backend, model, progress, channel.Writer, cancellationToken);
        var context = ManagementJsonContext.Default;
        await foreach (var report in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(report, context.PullProgressView), "progress");
        }

        var error = await download.ConfigureAwait(false);
        completed();
        if (error is null)
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(new PullProgressView(model, "success", 100, null, null, true), context.PullProgressView), "done");
        }
        else if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            ManagementLog.PullCancelled(logger, model, backend.Id);
        }
        else
        {
            ManagementLog.PullFailed(logger, model, backend.Id, error);
            yield return new SseItem<string>(JsonSerializer.Serialize(ManagementViews.ToError(error), context.ManagementError), "error");
        }
    }

    private static async Task<Exception?> DownloadAsync(ILocalBackend backend, string model, ChannelProgress progress, ChannelWriter<PullProgressView> writer, CancellationToken cancellationToken)
    {
        try
        {
            await backend.DownloadModelAsync(model, progress, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
        finally
        {
            writer.TryComplete();
        }
    }
}
