using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LocalAI.Gguf;

/// <summary>
/// Compiles a JSON schema into a llama.cpp GBNF grammar whose every sentence is a JSON document the schema accepts: objects with their
/// declared properties in schema order (required ones always, optional ones when the model picks them; no others), arrays with an item
/// schema and item counts, strings with length limits, integers in a range, enums and consts, <c>$ref</c>, <c>anyOf</c> and <c>oneOf</c>.
/// </summary>
internal sealed class JsonSchemaGrammar
{
    /// <summary>The root rule of every compiled grammar.</summary>
    public const string Root = "root";

    // The generic JSON rules (any value), after llama.cpp's grammars/json.gbnf, whitespace bounded as in JsonGrammar.
    private const string Primitives = """
        value  ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( string ":" ws value ( "," ws string ":" ws value )* )? "}" ws
        array  ::= "[" ws ( value ( "," ws value )* )? "]" ws
        string ::= "\"" char* "\"" ws
        char   ::= [^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} )
        number ::= ( "-"? ( [0-9] | [1-9] [0-9]{0,15} ) ) ( "." [0-9]{1,16} )? ( [eE] [-+]? [1-9] [0-9]{0,3} )? ws
        ws     ::= | " " | "\n" [ \t]{0,8}
        """;

    private readonly List<string> _rules = [];
    private int _next;

    private JsonSchemaGrammar()
    {
    }

    /// <summary>Compiles a schema.</summary>
    /// <param name="schema">The JSON schema.</param>
    /// <returns>The grammar (root rule <see cref="Root"/>) and the schema as the closer follows it.</returns>
    /// <exception cref="NotSupportedException">The schema uses what a grammar cannot express; the message names it.</exception>
    public static (string Grammar, SchemaNode Schema) Compile(JsonElement schema)
    {
        var root = JsonSchemaReader.Read(schema);

        // The closer must be able to finish any output: a schema without a finite instance is refused now, not at the token limit.
        JsonSchemaCompleter.Minimal(root);
        var compiler = new JsonSchemaGrammar();
        var name = compiler.Rule(root, 0);
        var sb = new StringBuilder();
        sb.Append(Root).Append(" ::= ").Append(name).Append('\n');
        foreach (var rule in compiler._rules)
        {
            sb.Append(rule).Append('\n');
        }

        sb.Append(Primitives).Append('\n');
        return (sb.ToString(), root);
    }

    /// <summary>Writes a text as a GBNF string literal.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The quoted literal.</returns>
    public static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        return sb.Append('"').ToString();
    }

    private string Rule(SchemaNode node, int depth)
    {
        if (depth > 256)
        {
            throw new NotSupportedException("The JSON schema's references form a chain that never reaches a value.");
        }

        if (node.Kind == SchemaKind.Reference)
        {
            return Rule(node.Target!, depth + 1);
        }

        if (node.Kind == SchemaKind.Any)
        {
            return "value";
        }

        if (node.RuleName is { } known)
        {
            return known;
        }

        var name = node.RuleName = "s" + (_next++).ToString(CultureInfo.InvariantCulture);
        var index = _rules.Count;
        _rules.Add(string.Empty);
        _rules[index] = name + " ::= " + Body(node, name, depth);
        return name;
    }

    private string Body(SchemaNode node, string name, int depth) => node.Kind switch
    {
        SchemaKind.Object => Object(node, name, depth),
        SchemaKind.Array => Array(node, depth),
        SchemaKind.String => node.MaxCount == 0 ? "\"\\\"\\\"\" ws" : "\"\\\"\" char" + Repeat(node.MinCount, node.MaxCount) + " \"\\\"\" ws",
        SchemaKind.Integer => IntegerRangeGrammar.Expression(node.Minimum, node.Maximum) + " ws",
        SchemaKind.Number => "number",
        SchemaKind.Boolean => "(\"true\" | \"false\") ws",
        SchemaKind.Null => "\"null\" ws",
        SchemaKind.Literals => "(" + string.Join(" | ", node.Literals.Select(Quote)) + ") ws",
        SchemaKind.AnyOf => "(" + string.Join(" | ", node.Alternatives.Select(a => Rule(a, depth + 1))) + ")",
        _ => throw new InvalidOperationException(node.Kind.ToString()),
    };

    private string Object(SchemaNode node, string name, int depth)
    {
        if (node.Properties.Count == 0)
        {
            if (node.Items is null)
            {
                return "\"{\" ws \"}\" ws";
            }

            var values = Rule(node.Items, depth + 1);
            return $"\"{{\" ws ( string \":\" ws {values} ( \",\" ws string \":\" ws {values} )* )? \"}}\" ws";
        }

        // Tail rules: name-i-c is what may follow once properties before i are decided, c telling whether one was written (a comma is due).
        var values2 = node.Properties.Select(p => Rule(p.Schema, depth + 1)).ToList();
        string Tail(int i, bool comma) => i == node.Properties.Count ? "\"}\" ws" : $"{name}-{i}{(comma ? "c" : string.Empty)}";
        for (var i = node.Properties.Count - 1; i >= 0; i--)
        {
            foreach (var comma in new[] { false, true })
            {
                var (key, _, required) = node.Properties[i];
                var member = (comma ? "\",\" ws " : string.Empty) + Quote(JsonSerializer.Serialize(key, JsonSchemaReader.Compact)) + " ws \":\" ws " + values2[i] + " " + Tail(i + 1, true);
                _rules.Add($"{Tail(i, comma)} ::= " + (required ? member : $"( {member} ) | {Tail(i + 1, comma)}"));
            }
        }

        return "\"{\" ws " + Tail(0, false);
    }

    private string Array(SchemaNode node, int depth)
    {
        if (node.MaxCount == 0)
        {
            return "\"[\" ws \"]\" ws";
        }

        var item = Rule(node.Items!, depth + 1);
        var items = node.MaxCount == 1 ? item : $"{item} ( \",\" ws {item} ){Repeat(Math.Max(node.MinCount - 1, 0), node.MaxCount - 1)}";
        return node.MinCount == 0 ? $"\"[\" ws ( {items} )? \"]\" ws" : $"\"[\" ws {items} \"]\" ws";
    }

    private static string Repeat(int min, int? max) => (min, max) switch
    {
        (0, null) => "*",
        (1, null) => "+",
        (_, null) => "{" + min.ToString(CultureInfo.InvariantCulture) + ",}",
        (0, 1) => "?",
        _ when min == max => "{" + min.ToString(CultureInfo.InvariantCulture) + "}",
        _ => "{" + min.ToString(CultureInfo.InvariantCulture) + "," + max!.Value.ToString(CultureInfo.InvariantCulture) + "}",
    };
}
