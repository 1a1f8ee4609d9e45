namespace LocalAI.Council.Tests.Support;

public enum CallKind
{
    Opinion,
    Review,
    Repair,
    Synthesis,
}
