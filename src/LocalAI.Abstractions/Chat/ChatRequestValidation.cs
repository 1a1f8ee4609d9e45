using System.Globalization;
using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>The one check of a chat request that every backend, the router and the HTTP endpoints run before anything is sent, so the same bad request gets the same exception everywhere.</summary>
/// <remarks>
/// <para>Rules: the message list is not <see langword="null"/>, not empty, and holds no <see langword="null"/> message or content;
/// <see cref="ChatOptions.Temperature"/> is finite and from <see cref="MinTemperature"/> to <see cref="MaxTemperature"/>;
/// <see cref="ChatOptions.TopP"/> is finite and from 0 to 1; <see cref="ChatOptions.TopK"/> and <see cref="ChatOptions.MaxOutputTokens"/>
/// are at least 1; <see cref="ChatOptions.FrequencyPenalty"/> and <see cref="ChatOptions.PresencePenalty"/> are finite (their range is
/// the engine's: llama.cpp takes any value, an OpenAI server refuses beyond ±2 with its own error); no stop sequence is <see langword="null"/> or empty. Unset options are not checked.</para>
/// <para>Failures are <see cref="ArgumentNullException"/> (<c>messages</c>), <see cref="ArgumentException"/> (an empty list, a
/// <see langword="null"/> message) or <see cref="ArgumentOutOfRangeException"/> whose parameter name is the option, for example
/// <c>options.Temperature</c>.</para>
/// </remarks>
public static class ChatRequestValidation
{
    /// <summary>The lowest <see cref="ChatOptions.Temperature"/> accepted (greedy decoding).</summary>
    public const float MinTemperature = 0f;

    /// <summary>The highest <see cref="ChatOptions.Temperature"/> accepted, as in the OpenAI API.</summary>
    public const float MaxTemperature = 2f;

    /// <summary>Checks a chat request and returns its messages as a list, enumerated once.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options; <see langword="null"/> for none.</param>
    /// <returns>The messages, in order; the same instance when <paramref name="messages"/> already is a list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The list is empty, or holds a <see langword="null"/> message, content or stop sequence.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sampling value is not finite or out of range, or a token limit is not positive; the parameter name is the option.</exception>
    public static IReadOnlyList<ChatMessage> Validate(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (list.Count == 0)
        {
            throw new ArgumentException("The message list is empty; a chat request needs at least one message.", nameof(messages));
        }

        for (var i = 0; i < list.Count; i++)
        {
            var message = list[i] ?? throw new ArgumentException(Format("messages[{0}] is null; every message of a chat request must be set.", i), nameof(messages));
            for (var j = 0; j < message.Contents.Count; j++)
            {
                if (message.Contents[j] is null)
                {
                    throw new ArgumentException(Format("messages[{0}].Contents[{1}] is null.", i, j), nameof(messages));
                }
            }
        }

        if (options is not null)
        {
            ValidateOptions(options);
        }

        return list;
    }

    /// <summary>Checks the options of a chat request.</summary>
    /// <param name="options">The request options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A stop sequence is <see langword="null"/> or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sampling value is not finite or out of range, or a token limit is not positive; the parameter name is the option.</exception>
    public static void ValidateOptions(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckRange(options.Temperature, MinTemperature, MaxTemperature, "options.Temperature");
        CheckRange(options.TopP, 0f, 1f, "options.TopP");
        CheckFinite(options.FrequencyPenalty, "options.FrequencyPenalty");
        CheckFinite(options.PresencePenalty, "options.PresencePenalty");
        CheckPositive(options.TopK, "options.TopK");
        CheckPositive(options.MaxOutputTokens, "options.MaxOutputTokens");
        if (options.StopSequences is { } stops)
        {
            for (var i = 0; i < stops.Count; i++)
            {
                if (string.IsNullOrEmpty(stops[i]))
                {
                    throw new ArgumentException(Format("options.StopSequences[{0}] is null or empty; remove it.", i), "options.StopSequences");
                }
            }
        }
    }

    private static void CheckRange(float? value, float min, float max, string name)
    {
        if (value is not { } v)
        {
            return;
        }

        if (!float.IsFinite(v))
        {
            throw new ArgumentOutOfRangeException(name, v, Format("{0} is {1}; it must be a finite number from {2} to {3}.", name, v, min, max));
        }

        if (v < min || v > max)
        {
            throw new ArgumentOutOfRangeException(name, v, Format("{0} is {1}; it must be from {2} to {3}.", name, v, min, max));
        }
    }

    private static void CheckFinite(float? value, string name)
    {
        if (value is { } v && !float.IsFinite(v))
        {
            throw new ArgumentOutOfRangeException(name, v, Format("{0} is {1}; it must be a finite number.", name, v));
        }
    }

    private static void CheckPositive(int? value, string name)
    {
        if (value is { } v && v < 1)
        {
            throw new ArgumentOutOfRangeException(name, v, Format("{0} is {1}; it must be at least 1, or unset for the backend's default.", name, v));
        }
    }

    private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
