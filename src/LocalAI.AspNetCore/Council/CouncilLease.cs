using LocalAI.Council;

namespace LocalAI.AspNetCore;

/// <summary>The council one request runs: built for the request's agents (disposed with the lease), or the one the server registered (kept).</summary>
internal sealed class CouncilLease(ChatCouncil council, bool owned) : IDisposable
{
    public ChatCouncil Council { get; } = council;

    public void Dispose()
    {
        if (owned)
        {
            Council.Dispose();
        }
    }
}
