using System.Text.Json.Nodes;

namespace LocalAI.Ollama.TestServer;

/// <summary>A request the test server received: its path and JSON body.</summary>
public sealed record RecordedRequest(string Method, string Path, JsonObject? Body);
