using System.Text.Json;
using Json.Schema;

namespace LocalAI.Testing.Gguf;

/// <summary>Validates JSON documents against a JSON schema with JsonSchema.Net, an implementation independent of the grammar compiler under test.</summary>
public static class JsonSchemaCheck
{
    /// <summary>Tells why a document does not validate.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="document">The JSON text.</param>
    /// <returns><see langword="null"/> when it parses and validates, else the reason.</returns>
    public static string? Problem(JsonElement schema, string document)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(document);
        }
        catch (JsonException ex)
        {
            return "not JSON: " + ex.Message;
        }

        using (parsed)
        {
            var compiled = JsonSchema.FromText(schema.GetRawText(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            var results = compiled.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            return results.IsValid ? null : "does not validate: " + string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}")));
        }
    }
}
