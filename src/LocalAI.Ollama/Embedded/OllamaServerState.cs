namespace LocalAI.Ollama;

/// <summary>Where the embedded Ollama server is in its life.</summary>
public enum OllamaServerState
{
    /// <summary>Not started yet.</summary>
    NotStarted,

    /// <summary>The process was started and is not answering yet.</summary>
    Starting,

    /// <summary>The server answers requests.</summary>
    Running,

    /// <summary>The process died; a restart is scheduled.</summary>
    Restarting,

    /// <summary>The process died too often, or could not start; it is left down.</summary>
    Failed,

    /// <summary>The server was stopped on purpose.</summary>
    Stopped,
}
