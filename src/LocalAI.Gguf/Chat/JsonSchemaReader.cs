using System.Text.Encodings.Web;
using System.Text.Json;

namespace LocalAI.Gguf;

/// <summary>Reads a JSON schema into <see cref="SchemaNode"/>s, refusing with <see cref="NotSupportedException"/> every keyword a grammar cannot enforce.</summary>
internal sealed class JsonSchemaReader
{
    private const int MaxDepth = 64;

    // Annotations: they constrain nothing a validator checks by default (format is an annotation since draft 2019-09).
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "format", "deprecated", "readOnly", "writeOnly",
        "$defs", "definitions", "contentMediaType", "contentEncoding",
    };

    private static readonly HashSet<string> Understood = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "enum", "const", "minLength",
        "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "$ref", "anyOf", "oneOf", "uniqueItems",
    };

    /// <summary>Compact JSON without escaping beyond what JSON requires: the form of literals in the grammar.</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    private readonly JsonElement _root;
    private readonly Dictionary<string, SchemaNode> _definitions = new(StringComparer.Ordinal);
    private readonly List<(SchemaNode Node, string Reference)> _references = [];

    private JsonSchemaReader(JsonElement root) => _root = root;

    /// <summary>Reads a schema.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>Its root node, references resolved.</returns>
    /// <exception cref="NotSupportedException">The schema uses a keyword or form the grammar cannot express; the message names it.</exception>
    public static SchemaNode Read(JsonElement schema)
    {
        var reader = new JsonSchemaReader(schema);
        var root = reader.Node(schema, "#", 0);
        for (var i = 0; i < reader._references.Count; i++)
        {
            var (node, reference) = reader._references[i];
            node.Target = reader.Resolve(reference);
        }

        return root;
    }

    /// <summary>Writes a JSON value as the compact text the grammar and the closer use for it.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Literal(JsonElement value) => JsonSerializer.Serialize(value, Compact);

    private SchemaNode Resolve(string reference)
    {
        if (_definitions.TryGetValue(reference, out var known))
        {
            return known;
        }

        if (!reference.StartsWith('#'))
        {
            throw new NotSupportedException($"The JSON schema refers to '{reference}'; only references inside the schema (#/$defs/..., #/definitions/..., #) can be compiled into a grammar.");
        }

        var target = _root;
        foreach (var part in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(part).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(name, out target))
            {
                throw new NotSupportedException($"The JSON schema's reference '{reference}' points at nothing.");
            }
        }

        // Registered before it is read, so a definition that refers to itself finds itself.
        var node = new SchemaNode { Kind = SchemaKind.Reference };
        _definitions[reference] = node;
        node.Target = Node(target, reference, 0);
        return node;
    }

    private SchemaNode Node(JsonElement schema, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new NotSupportedException($"The JSON schema nests deeper than {MaxDepth} levels at {path}.");
        }

        if (schema.ValueKind == JsonValueKind.True || (schema.ValueKind == JsonValueKind.Object && !schema.EnumerateObject().Any(p => !Ignored.Contains(p.Name))))
        {
            return new SchemaNode { Kind = SchemaKind.Any };
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new NotSupportedException($"The JSON schema at {path} is {schema.ValueKind}; a schema is an object or true (false admits no value, so no output could follow it).");
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (!Understood.Contains(property.Name) && !Ignored.Contains(property.Name))
            {
                throw new NotSupportedException($"The JSON schema uses '{property.Name}' at {path}, which the GGUF backend cannot compile into a grammar (supported: {string.Join(", ", Understood)}).");
            }
        }

        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            throw new NotSupportedException($"The JSON schema asks for uniqueItems at {path}, which a grammar cannot enforce.");
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var node = new SchemaNode { Kind = SchemaKind.Reference };
            _references.Add((node, reference.GetString() ?? string.Empty));
            return node;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Literals(path, [constant]);
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
                ? Literals(path, [.. values.EnumerateArray()])
                : throw new NotSupportedException($"The JSON schema's enum at {path} must be a non-empty array.");
        }

        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(keyword, out var alternatives))
            {
                // oneOf is compiled as anyOf: the alternatives of schemas meant for generation are disjoint (different types, consts or required keys).
                var node = new SchemaNode { Kind = SchemaKind.AnyOf };
                var i = 0;
                foreach (var alternative in alternatives.EnumerateArray())
                {
                    node.Alternatives.Add(Node(alternative, $"{path}/{keyword}/{i++}", depth + 1));
                }

                return node.Alternatives.Count > 0 ? node : throw new NotSupportedException($"The JSON schema's {keyword} at {path} is empty.");
            }
        }

        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
        {
            var node = new SchemaNode { Kind = SchemaKind.AnyOf };
            foreach (var one in type.EnumerateArray())
            {
                node.Alternatives.Add(Typed(schema, one.GetString(), path, depth));
            }

            return node;
        }

        var name = type.ValueKind == JsonValueKind.String ? type.GetString()
            : schema.TryGetProperty("properties", out _) || schema.TryGetProperty("additionalProperties", out _) ? "object"
            : schema.TryGetProperty("items", out _) ? "array"
            : null;
        return Typed(schema, name, path, depth);
    }

    private SchemaNode Typed(JsonElement schema, string? type, string path, int depth)
    {
        switch (type)
        {
            case "object":
                return Object(schema, path, depth);
            case "array":
                var array = new SchemaNode
                {
                    Kind = SchemaKind.Array,
                    Items = schema.TryGetProperty("items", out var items) ? Node(items, path + "/items", depth + 1) : new SchemaNode { Kind = SchemaKind.Any },
                    MinCount = Count(schema, "minItems", path) ?? 0,
                    MaxCount = Count(schema, "maxItems", path),
                };
                return array.MaxCount < array.MinCount ? throw new NotSupportedException($"The JSON schema at {path} has maxItems below minItems: no array fits.") : array;
            case "string":
                var text = new SchemaNode { Kind = SchemaKind.String, MinCount = Count(schema, "minLength", path) ?? 0, MaxCount = Count(schema, "maxLength", path) };
                return text.MaxCount < text.MinCount ? throw new NotSupportedException($"The JSON schema at {path} has maxLength below minLength: no string fits.") : text;
            case "integer":
                return Integer(schema, path);
            case "number":
                foreach (var bound in new[] { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" })
                {
                    if (schema.TryGetProperty(bound, out _))
                    {
                        throw new NotSupportedException($"The JSON schema limits a number with '{bound}' at {path}; the grammar can limit integers only (use \"type\": \"integer\").");
                    }
                }

                return new SchemaNode { Kind = SchemaKind.Number };
            case "boolean":
                return new SchemaNode { Kind = SchemaKind.Boolean };
            case "null":
                return new SchemaNode { Kind = SchemaKind.Null };
            case null:
                return new SchemaNode { Kind = SchemaKind.Any };
            default:
                throw new NotSupportedException($"The JSON schema at {path} has the unknown type '{type}'.");
        }
    }

    private SchemaNode Object(JsonElement schema, string path, int depth)
    {
        var node = new SchemaNode { Kind = SchemaKind.Object };
        var required = schema.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(r => r.GetString() ?? string.Empty).ToHashSet(StringComparer.Ordinal) : [];
        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                node.Properties.Add((property.Name, Node(property.Value, $"{path}/properties/{property.Name}", depth + 1), required.Contains(property.Name)));
            }
        }

        foreach (var name in required.Where(r => node.Properties.All(p => p.Name != r)))
        {
            // A required key with no schema of its own takes any value.
            node.Properties.Add((name, new SchemaNode { Kind = SchemaKind.Any }, true));
        }

        if (node.Properties.Count == 0)
        {
            // No declared properties: a map whose values follow additionalProperties (any value when absent or true).
            var additional = schema.TryGetProperty("additionalProperties", out var values) ? values : default;
            node.Items = additional.ValueKind == JsonValueKind.False ? null
                : additional.ValueKind == JsonValueKind.Object ? Node(additional, path + "/additionalProperties", depth + 1)
                : new SchemaNode { Kind = SchemaKind.Any };
        }

        return node;
    }

    private static SchemaNode Integer(JsonElement schema, string path)
    {
        long? Bound(string keyword, int exclusiveShift)
        {
            if (!schema.TryGetProperty(keyword, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || Math.Abs(d) > 1e15)
            {
                throw new NotSupportedException($"The JSON schema's {keyword} at {path} must be a number of at most 15 digits.");
            }

            // An integer bound of a non-integer limit rounds inwards; an exclusive one steps past the limit.
            var rounded = exclusiveShift >= 0 ? Math.Ceiling(d) : Math.Floor(d);
            return (long)rounded + (rounded == d ? exclusiveShift : 0);
        }

        var min = Max(Bound("minimum", 0), Bound("exclusiveMinimum", 1));
        var max = Min(Bound("maximum", 0), Bound("exclusiveMaximum", -1));
        if (min > max)
        {
            throw new NotSupportedException($"The JSON schema's integer range at {path} is empty ({min} to {max}).");
        }

        return new SchemaNode { Kind = SchemaKind.Integer, Minimum = min, Maximum = max };

        static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
        static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    }

    private static SchemaNode Literals(string path, IEnumerable<JsonElement> values)
    {
        var node = new SchemaNode { Kind = SchemaKind.Literals };
        node.Literals.AddRange(values.Select(Literal).Distinct(StringComparer.Ordinal));
        return node.Literals.Count > 0 ? node : throw new NotSupportedException($"The JSON schema at {path} admits no value.");
    }

    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        return value.TryGetInt32(out var n) && n is >= 0 and <= 10_000
            ? n
            : throw new NotSupportedException($"The JSON schema's {keyword} at {path} must be an integer from 0 to 10000.");
    }
}
