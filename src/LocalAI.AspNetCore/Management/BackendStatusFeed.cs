using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalAI.AspNetCore;

/// <summary>Turns <see cref="BackendManager.StatusChanged"/> (and switches of the preferred backend) into signals for the clients of the status event stream, and re-probes the backends while any client listens.</summary>
/// <remarks>
/// A probe result only changes when something probes, so while at least one client listens every backend is probed again each
/// <see cref="LocalAIManagementOptions.StatusRefreshInterval"/>; a change raises <see cref="BackendManager.StatusChanged"/>, which reaches
/// every client. With no client listening nothing is probed. Each client's signal holds at most one pending change: a slow client
/// gets the latest state once, never a queue of stale ones.
/// </remarks>
internal sealed class BackendStatusFeed : BackgroundService
{
    private readonly BackendManager _manager;
    private readonly LocalAIManagementOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<Channel<bool>> _listeners = [];
    private TaskCompletionSource _firstListener = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BackendStatusFeed(BackendManager manager, IOptions<LocalAIManagementOptions> options, TimeProvider timeProvider, ILogger<BackendStatusFeed> logger)
    {
        _manager = manager;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _manager.StatusChanged += OnStatusChanged;
    }

    /// <summary>Gets how many clients listen now.</summary>
    public int Listeners
    {
        get
        {
            lock (_gate)
            {
                return _listeners.Count;
            }
        }
    }

    /// <summary>Starts listening: the reader gets a signal after every change until the subscription is disposed.</summary>
    public StatusSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        lock (_gate)
        {
            _listeners.Add(channel);
            _firstListener.TrySetResult();
        }

        return new StatusSubscription(channel, Unsubscribe);
    }

    /// <summary>Tells every listener that something changed (a switch of the preferred backend, a model pulled or deleted).</summary>
    public void Notify()
    {
        lock (_gate)
        {
            foreach (var listener in _listeners)
            {
                listener.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>Reads every backend's status (cached while fresh) and the router's choices now.</summary>
    public async Task<BackendsView> SnapshotAsync(CancellationToken cancellationToken)
    {
        var statuses = await _manager.GetAllStatusAsync(refresh: false, cancellationToken).ConfigureAwait(false);
        var chat = await _manager.GetActiveBackendAsync(BackendCapabilities.Chat, cancellationToken).ConfigureAwait(false);
        var embeddings = await _manager.GetActiveBackendAsync(BackendCapabilities.Embeddings, cancellationToken).ConfigureAwait(false);
        var backends = _manager.Backends;
        var views = new BackendView[backends.Count];
        for (var i = 0; i < backends.Count; i++)
        {
            var backend = backends[i];
            var status = statuses[i];
            views[i] = new BackendView(
                backend.Id,
                ManagementViews.Names(backend.Capabilities),
                status.IsAvailable,
                status.Reason,
                status.Version,
                Math.Round(status.ProbeLatency.TotalMilliseconds, 2),
                status.CheckedAt,
                _manager.GetCircuitState(backend.Id).ToString().ToLowerInvariant(),
                i,
                string.Equals(backend.Id, _manager.PreferredBackendId, StringComparison.OrdinalIgnoreCase),
                backend is IModelDeleter);
        }

        return new BackendsView(views, _manager.PreferredBackendId, chat?.Id, embeddings?.Id);
    }

    public override void Dispose()
    {
        _manager.StatusChanged -= OnStatusChanged;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.StatusRefreshInterval, _time);
        while (!stoppingToken.IsCancellationRequested)
        {
            Task firstListener;
            lock (_gate)
            {
                if (_listeners.Count == 0 && _firstListener.Task.IsCompleted)
                {
                    _firstListener = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                firstListener = _firstListener.Task;
            }

            try
            {
                await firstListener.WaitAsync(stoppingToken).ConfigureAwait(false);
                if (!await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }

                if (Listeners > 0)
                {
                    await _manager.GetAllStatusAsync(refresh: true, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A probe reports failures as statuses; anything else is logged and the next tick tries again.
                ManagementLog.RefreshFailed(_logger, ex);
            }
        }
    }

    private void OnStatusChanged(object? sender, BackendStatusChangedEventArgs e)
    {
        ManagementLog.StatusChanged(_logger, e.BackendId, e.Status?.IsAvailable ?? false, e.CircuitState);
        Notify();
    }

    private void Unsubscribe(Channel<bool> channel)
    {
        lock (_gate)
        {
            _listeners.Remove(channel);
        }

        channel.Writer.TryComplete();
    }
}
