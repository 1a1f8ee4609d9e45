using System.ClientModel.Primitives;

namespace LocalAI.OpenAI;

/// <summary>Removes the <c>Authorization</c> header the OpenAI client always sets, for servers that run without an API key.</summary>
internal sealed class AnonymousRequestPolicy : PipelinePolicy
{
    /// <summary>The credential the OpenAI client requires; never sent, because this policy removes it.</summary>
    public const string PlaceholderKey = "no-key";

    public static readonly AnonymousRequestPolicy Instance = new();

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.Remove("Authorization");
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.Remove("Authorization");
        return ProcessNextAsync(message, pipeline, currentIndex);
    }
}
