using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>
/// What a JSON response format asks of one request: the grammar sampling follows (any JSON object, or the compiled schema), and
/// the text that completes the output when the token limit stops it, so the result always parses (and validates against the schema).
/// </summary>
internal sealed class StructuredOutput
{
    // Compiled once per format instance (callers such as the council reuse one format for many requests).
    private static readonly ConditionalWeakTable<ChatResponseFormatJson, Tuple<string, SchemaNode>> Compiled = new();

    private readonly SchemaNode? _schema;
    private readonly JsonCloser _closer = new();
    private readonly StringBuilder _text = new();

    private StructuredOutput(string grammar, SchemaNode? schema)
    {
        Grammar = grammar;
        _schema = schema;
    }

    /// <summary>Gets the GBNF grammar; its root rule is <c>root</c>.</summary>
    public string Grammar { get; }

    /// <summary>Gets the structured output a request's format asks for.</summary>
    /// <param name="format">The response format.</param>
    /// <returns>The output, or <see langword="null"/> for text.</returns>
    /// <exception cref="NotSupportedException">The format's JSON schema uses what a grammar cannot express; the message names it.</exception>
    public static StructuredOutput? For(ChatResponseFormat? format)
    {
        if (format is not ChatResponseFormatJson json)
        {
            return null;
        }

        if (json.Schema is not { } schema)
        {
            return new StructuredOutput(JsonGrammar.Text, null);
        }

        var compiled = Compiled.GetValue(json, _ => JsonSchemaGrammar.Compile(schema).ToTuple());
        return new StructuredOutput(compiled.Item1, compiled.Item2);
    }

    /// <summary>Follows text that was output.</summary>
    /// <param name="text">The text.</param>
    public void Append(string text)
    {
        _closer.Append(text);
        _text.Append(text);
    }

    /// <summary>Gets the shortest text that completes the output so far; empty when it is complete.</summary>
    /// <returns>The text.</returns>
    public string Close() => _schema is not null && JsonSchemaCompleter.Complete(_schema, _text.ToString()) is { } completion ? completion : _closer.Close();
}
