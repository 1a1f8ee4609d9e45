using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>A stage of a council session.</summary>
public enum CouncilStage
{
    /// <summary>Stage 1: every agent answers the question.</summary>
    [JsonStringEnumMemberName("opinions")]
    Opinions,

    /// <summary>Stage 2: every agent reviews the others' answers, anonymised.</summary>
    [JsonStringEnumMemberName("review")]
    Review,

    /// <summary>Stage 3: the chairman writes the final answer.</summary>
    [JsonStringEnumMemberName("synthesis")]
    Synthesis,
}
