using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LocalAI;

/// <summary>What one backend's attempts report on OpenTelemetry's GenAI conventions: a client span per attempt, its duration and token usage, with <c>localai.backend</c> and <c>localai.fallback</c>.</summary>
internal sealed class SlotTelemetry
{
    private readonly string _id;
    private readonly Func<string> _providerName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string? _provider;

    public SlotTelemetry(string backendId, Func<string> providerName, TimeProvider timeProvider, ILogger logger)
    {
        _id = backendId;
        _providerName = providerName;
        _time = timeProvider;
        _logger = logger;
    }

    private string Id => _id;

    private string ProviderName => _provider ??= _providerName();

    /// <summary>Returns the timestamp an attempt's duration is measured from, or 0 when nobody listens to the duration histogram.</summary>
    public long Timestamp() => LocalAITelemetry.OperationDuration.Enabled ? _time.GetTimestamp() : 0;

    public Activity? StartActivity(string operation, string? requestModel, bool fallback)
    {
        var source = LocalAITelemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        var activity = source.StartActivity(operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.DisplayName = requestModel is null ? operation : $"{operation} {requestModel}";
            activity.SetTag(LocalAITelemetry.OperationNameTag, operation)
                .SetTag(LocalAITelemetry.ProviderNameTag, operation == LocalAITelemetry.ChatOperation ? ProviderName : Id)
                .SetTag(LocalAITelemetry.BackendTag, Id)
                .SetTag(LocalAITelemetry.FallbackTag, fallback);
            if (requestModel is not null)
            {
                activity.SetTag(LocalAITelemetry.RequestModelTag, requestModel);
            }
        }

        return activity;
    }

    public void Succeeded(string operation, Activity? activity, long started, bool fallback, string? requestModel, string? responseModel, UsageDetails? usage)
    {
        if (activity is not null)
        {
            if (responseModel is not null)
            {
                activity.SetTag(LocalAITelemetry.ResponseModelTag, responseModel);
            }

            if (usage?.InputTokenCount is { } input)
            {
                activity.SetTag(LocalAITelemetry.InputTokensTag, input);
            }

            if (usage?.OutputTokenCount is { } output)
            {
                activity.SetTag(LocalAITelemetry.OutputTokensTag, output);
            }
        }

        if (started != 0)
        {
            var tags = Tags(operation, fallback, requestModel, responseModel);
            LocalAITelemetry.OperationDuration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        }

        if (usage is not null)
        {
            RecordTokens(operation, fallback, requestModel, responseModel, usage);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Served(_logger, Id, operation);
        }
    }

    public void RecordTokens(string operation, bool fallback, string? requestModel, string? responseModel, UsageDetails usage)
    {
        var histogram = LocalAITelemetry.TokenUsage;
        if (!histogram.Enabled)
        {
            return;
        }

        if (usage.InputTokenCount is { } input)
        {
            var tags = Tags(operation, fallback, requestModel, responseModel);
            tags.Add(LocalAITelemetry.TokenTypeTag, "input");
            histogram.Record(input, tags);
        }

        if (usage.OutputTokenCount is { } output)
        {
            var tags = Tags(operation, fallback, requestModel, responseModel);
            tags.Add(LocalAITelemetry.TokenTypeTag, "output");
            histogram.Record(output, tags);
        }
    }

    /// <summary>Ends a failed attempt's span and records its duration with <c>error.type</c>.</summary>
    public void Failed(Exception exception, bool cancelled, string operation, Activity? activity, long started, bool fallback, string? requestModel)
    {
        var errorType = cancelled ? "cancelled" : exception.GetType().FullName;
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message).SetTag(LocalAITelemetry.ErrorTypeTag, errorType);
        if (started != 0)
        {
            var tags = Tags(operation, fallback, requestModel, null);
            tags.Add(LocalAITelemetry.ErrorTypeTag, errorType);
            LocalAITelemetry.OperationDuration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private TagList Tags(string operation, bool fallback, string? requestModel, string? responseModel)
    {
        var tags = new TagList
        {
            { LocalAITelemetry.OperationNameTag, operation },
            { LocalAITelemetry.ProviderNameTag, operation == LocalAITelemetry.ChatOperation ? ProviderName : Id },
            { LocalAITelemetry.BackendTag, Id },
            { LocalAITelemetry.FallbackTag, fallback },
        };
        if (requestModel is not null)
        {
            tags.Add(LocalAITelemetry.RequestModelTag, requestModel);
        }

        if (responseModel is not null)
        {
            tags.Add(LocalAITelemetry.ResponseModelTag, responseModel);
        }

        return tags;
    }
}
