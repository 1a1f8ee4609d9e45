using System.Text;
using System.Text.Json.Nodes;

namespace LocalAI.Ollama.TestServer;

/// <summary>
/// Makes a JSON value that conforms to a JSON schema, as Ollama's structured outputs constrain a model to one: objects with
/// their required properties, arrays of their minimum length, integers in range, and enum values. Deterministic for a seed;
/// the i-th item of an array takes the i-th enum value, so "each label once" schemas get each label once.
/// </summary>
public static class SchemaInstance
{
    /// <summary>Creates a value conforming to <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema (objects, arrays, strings, integers, numbers, booleans, enums).</param>
    /// <param name="seed">Varies the numbers and strings chosen, for example the prompt.</param>
    /// <returns>The value.</returns>
    public static JsonNode? Create(JsonObject schema, string seed)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(seed);
        var hash = BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed)), 0) & int.MaxValue;
        return Value(schema, hash, 0);
    }

    private static JsonNode? Value(JsonObject schema, int hash, int index)
    {
        if (schema["enum"] is JsonArray options && options.Count > 0)
        {
            return options[index % options.Count]?.DeepClone();
        }

        switch ((string?)schema["type"])
        {
            case "object":
                var result = new JsonObject();
                var properties = schema["properties"] as JsonObject ?? [];
                foreach (var (name, property) in properties)
                {
                    if (property is JsonObject propertySchema)
                    {
                        result[name] = Value(propertySchema, hash + name.Length, index);
                    }
                }

                return result;
            case "array":
                var items = schema["items"] as JsonObject ?? new JsonObject { ["type"] = "string" };
                var count = schema["minItems"] is JsonValue min && min.TryGetValue<int>(out var m) ? m : 1;
                var array = new JsonArray();
                for (var i = 0; i < count; i++)
                {
                    array.Add(Value(items, hash + (31 * i), i));
                }

                return array;
            case "integer":
            case "number":
                var low = schema["minimum"] is JsonValue lo && lo.TryGetValue<int>(out var l) ? l : 0;
                var high = schema["maximum"] is JsonValue hi && hi.TryGetValue<int>(out var h) ? h : low + 100;
                return low + ((hash + (7 * index)) % (high - low + 1));
            case "boolean":
                return (hash + index) % 2 == 0;
            default:
                return $"text {index + 1}";
        }
    }
}
