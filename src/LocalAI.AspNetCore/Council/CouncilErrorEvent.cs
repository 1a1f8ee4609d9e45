namespace LocalAI.AspNetCore;

/// <summary>The last event of a council stream or WebSocket whose session failed: <c>{"type":"error","message":...,"code":...}</c>.</summary>
/// <param name="Type">Always <c>error</c>, beside the events' own <c>type</c> names.</param>
/// <param name="Message">What went wrong and what to do.</param>
/// <param name="Code">A stable code, for example <c>council_failed</c> or <c>invalid_value</c>.</param>
/// <param name="Param">The request field at fault, when the request was wrong.</param>
internal sealed record CouncilErrorEvent(string Type, string Message, string? Code, string? Param)
{
    public static CouncilErrorEvent From(HttpError error) => new("error", error.Message, error.Code, error.Param);
}
