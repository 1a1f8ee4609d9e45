using System.Globalization;
using System.Text;

namespace LocalAI.Gguf;

/// <summary>
/// Finds the shortest text that completes a prefix of a grammar-constrained output into a document its schema accepts: what is
/// appended when the output limit stops generation inside the JSON (missing required properties get their smallest values, arrays
/// their least items, enums their shortest member that extends what was written).
/// </summary>
internal sealed class JsonSchemaCompleter
{
    private const int MaxDepth = 128;
    private readonly string _text;

    private JsonSchemaCompleter(string text) => _text = text;

    /// <summary>Completes a prefix.</summary>
    /// <param name="schema">The schema the grammar was compiled from.</param>
    /// <param name="text">The output so far.</param>
    /// <returns>The shortest completion (empty when the text is already complete), or <see langword="null"/> when the text is not a prefix of any accepted document.</returns>
    public static string? Complete(SchemaNode schema, string text)
    {
        var completer = new JsonSchemaCompleter(text);
        string? best = null;
        foreach (var (pos, completion) in completer.Value(schema, 0, 0))
        {
            var candidate = completion ?? (completer.Ws(pos) == text.Length ? string.Empty : null);
            if (candidate is not null && (best is null || candidate.Length < best.Length))
            {
                best = candidate;
                if (best.Length == 0)
                {
                    break;
                }
            }
        }

        return best;
    }

    /// <summary>Gets the smallest document a schema accepts.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="depth">The nesting so far.</param>
    /// <returns>The text.</returns>
    /// <exception cref="NotSupportedException">The schema has no finite instance (a required property refers to its own object).</exception>
    public static string Minimal(SchemaNode schema, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new NotSupportedException("The JSON schema has no finite instance: its required properties or items refer back to themselves.");
        }

        switch (schema.Kind)
        {
            case SchemaKind.Reference:
                return Minimal(schema.Target!, depth + 1);
            case SchemaKind.Object:
                return "{" + string.Join(",", schema.Properties.Where(p => p.Required).Select(p => Key(p.Name) + ":" + Minimal(p.Schema, depth + 1))) + "}";
            case SchemaKind.Array:
                return "[" + string.Join(",", Enumerable.Repeat(0, schema.MinCount).Select(_ => Minimal(schema.Items!, depth + 1))) + "]";
            case SchemaKind.String:
                return "\"" + new string('a', schema.MinCount) + "\"";
            case SchemaKind.Integer:
                var value = Math.Clamp(0, schema.Minimum ?? long.MinValue, schema.Maximum ?? long.MaxValue);
                return value.ToString(CultureInfo.InvariantCulture);
            case SchemaKind.Boolean:
                return "true";
            case SchemaKind.Null:
                return "null";
            case SchemaKind.Literals:
                return schema.Literals.MinBy(l => l.Length)!;
            case SchemaKind.AnyOf:
                string? best = null;
                foreach (var alternative in schema.Alternatives)
                {
                    try
                    {
                        var text = Minimal(alternative, depth + 1);
                        best = best is null || text.Length < best.Length ? text : best;
                    }
                    catch (NotSupportedException) when (alternative != schema.Alternatives[^1] || best is not null)
                    {
                        // This alternative is infinite; another one is not.
                    }
                }

                return best!;
            default:
                return "0";
        }
    }

    private static string Key(string name) => System.Text.Json.JsonSerializer.Serialize(name, JsonSchemaReader.Compact);

    private int Ws(int pos)
    {
        while (pos < _text.Length && _text[pos] is ' ' or '\n' or '\t' or '\r')
        {
            pos++;
        }

        return pos;
    }

    /// <summary>Every way <paramref name="schema"/> can match from <paramref name="start"/>: (end, null) when it ends before the text does, (length, completion) when the text ends inside it.</summary>
    private IEnumerable<(int Pos, string? Completion)> Value(SchemaNode schema, int start, int depth)
    {
        if (depth > MaxDepth)
        {
            yield break;
        }

        var pos = Ws(start);
        if (pos == _text.Length)
        {
            yield return (pos, Minimal(schema, depth));
            yield break;
        }

        var matches = schema.Kind switch
        {
            SchemaKind.Reference => Value(schema.Target!, pos, depth + 1),
            SchemaKind.Object => Object(schema, pos, depth),
            SchemaKind.Array => Array(schema, pos, depth),
            SchemaKind.String => String(schema, pos),
            SchemaKind.Integer => Number(schema, pos),
            SchemaKind.Number => Number(schema, pos),
            SchemaKind.Boolean => Literal("true", pos).Concat(Literal("false", pos)),
            SchemaKind.Null => Literal("null", pos),
            SchemaKind.Literals => schema.Literals.SelectMany(l => Literal(l, pos)),
            SchemaKind.AnyOf => schema.Alternatives.SelectMany(a => Value(a, pos, depth + 1)),
            _ => AnyValue(pos, depth),
        };
        foreach (var match in matches)
        {
            yield return match;
        }
    }

    private IEnumerable<(int Pos, string? Completion)> Literal(string literal, int pos)
    {
        var available = _text.Length - pos;
        if (available >= literal.Length)
        {
            if (string.CompareOrdinal(_text, pos, literal, 0, literal.Length) == 0)
            {
                yield return (pos + literal.Length, null);
            }
        }
        else if (string.CompareOrdinal(_text, pos, literal, 0, available) == 0)
        {
            yield return (_text.Length, literal[available..]);
        }
    }

    private IEnumerable<(int Pos, string? Completion)> Object(SchemaNode schema, int pos, int depth)
    {
        if (_text[pos] != '{')
        {
            yield break;
        }

        var members = schema.Properties.Count == 0 ? MapMembers(schema, pos + 1, depth, first: true) : Members(schema, 0, false, pos + 1, depth);
        foreach (var match in members)
        {
            yield return match;
        }
    }

    /// <summary>Matches the declared properties from index <paramref name="i"/> on, then the closing brace.</summary>
    private IEnumerable<(int Pos, string? Completion)> Members(SchemaNode schema, int i, bool comma, int start, int depth)
    {
        var pos = Ws(start);
        if (pos == _text.Length)
        {
            yield return (pos, RestOfObject(schema, i, comma, depth));
            yield break;
        }

        if (_text[pos] == '}' && schema.Properties.Skip(i).All(p => !p.Required))
        {
            yield return (pos + 1, null);
        }

        for (var j = i; j < schema.Properties.Count; j++)
        {
            var (name, value, required) = schema.Properties[j];
            var lead = (comma ? "," : string.Empty) + Key(name);
            foreach (var match in Member(lead, value, pos, depth))
            {
                if (match.Completion is not null)
                {
                    yield return (match.Pos, match.Completion + RestOfObject(schema, j + 1, true, depth));
                }
                else
                {
                    foreach (var rest in Members(schema, j + 1, true, match.Pos, depth))
                    {
                        yield return rest;
                    }
                }
            }

            if (required)
            {
                yield break;
            }
        }
    }

    /// <summary>Matches <c>[,]"key" : value</c> with the whitespace the grammar allows.</summary>
    private IEnumerable<(int Pos, string? Completion)> Member(string lead, SchemaNode value, int pos, int depth)
    {
        // The lead is "," then the key, or the key alone; whitespace may follow the comma.
        var key = lead.StartsWith(',') ? lead[1..] : lead;
        var afterComma = pos;
        if (lead.StartsWith(','))
        {
            foreach (var (p, completion) in Literal(",", pos))
            {
                if (completion is not null)
                {
                    yield return (p, completion + key + ":" + Minimal(value, depth + 1));
                    yield break;
                }

                afterComma = Ws(p);
            }

            if (afterComma == pos)
            {
                yield break;
            }

            if (afterComma == _text.Length)
            {
                yield return (afterComma, key + ":" + Minimal(value, depth + 1));
                yield break;
            }
        }

        foreach (var (p, completion) in Literal(key, afterComma))
        {
            if (completion is not null)
            {
                yield return (p, completion + ":" + Minimal(value, depth + 1));
                continue;
            }

            var colon = Ws(p);
            if (colon == _text.Length)
            {
                yield return (colon, ":" + Minimal(value, depth + 1));
                continue;
            }

            if (_text[colon] != ':')
            {
                continue;
            }

            foreach (var match in Value(value, colon + 1, depth + 1))
            {
                yield return match;
            }
        }
    }

    private static string RestOfObject(SchemaNode schema, int i, bool comma, int depth)
    {
        var sb = new StringBuilder();
        foreach (var (name, value, required) in schema.Properties.Skip(i))
        {
            if (required)
            {
                sb.Append(comma ? "," : string.Empty).Append(Key(name)).Append(':').Append(Minimal(value, depth + 1));
                comma = true;
            }
        }

        return sb.Append('}').ToString();
    }

    private IEnumerable<(int Pos, string? Completion)> MapMembers(SchemaNode schema, int start, int depth, bool first)
    {
        var pos = Ws(start);
        if (pos == _text.Length)
        {
            yield return (pos, "}");
            yield break;
        }

        if (_text[pos] == '}')
        {
            yield return (pos + 1, null);
            yield break;
        }

        if (schema.Items is null || (!first && _text[pos] != ','))
        {
            yield break;
        }

        var keyStart = first ? pos : Ws(pos + 1);
        if (keyStart == _text.Length)
        {
            yield return (keyStart, "\"\":" + Minimal(schema.Items, depth + 1) + "}");
            yield break;
        }

        var keyNode = new SchemaNode { Kind = SchemaKind.String };
        foreach (var (p, completion) in String(keyNode, keyStart))
        {
            if (completion is not null)
            {
                yield return (p, completion + ":" + Minimal(schema.Items, depth + 1) + "}");
                continue;
            }

            var colon = Ws(p);
            if (colon == _text.Length)
            {
                yield return (colon, ":" + Minimal(schema.Items, depth + 1) + "}");
            }
            else if (_text[colon] == ':')
            {
                foreach (var (end, inner) in Value(schema.Items, colon + 1, depth + 1))
                {
                    if (inner is not null)
                    {
                        yield return (end, inner + "}");
                    }
                    else
                    {
                        foreach (var rest in MapMembers(schema, end, depth, first: false))
                        {
                            yield return rest;
                        }
                    }
                }
            }
        }
    }

    private IEnumerable<(int Pos, string? Completion)> Array(SchemaNode schema, int pos, int depth)
    {
        if (_text[pos] != '[')
        {
            yield break;
        }

        foreach (var match in Items(schema, 0, pos + 1, depth))
        {
            yield return match;
        }
    }

    private IEnumerable<(int Pos, string? Completion)> Items(SchemaNode schema, int count, int start, int depth)
    {
        var pos = Ws(start);
        if (pos == _text.Length)
        {
            yield return (pos, RestOfArray(schema, count, depth));
            yield break;
        }

        if (_text[pos] == ']' && count >= schema.MinCount)
        {
            yield return (pos + 1, null);
            yield break;
        }

        if (count == schema.MaxCount)
        {
            yield break;
        }

        var itemStart = pos;
        if (count > 0)
        {
            if (_text[pos] != ',')
            {
                yield break;
            }

            itemStart = pos + 1;
        }

        foreach (var (end, completion) in Value(schema.Items!, itemStart, depth + 1))
        {
            if (completion is not null)
            {
                yield return (end, completion + RestOfArray(schema, count + 1, depth));
            }
            else
            {
                foreach (var rest in Items(schema, count + 1, end, depth))
                {
                    yield return rest;
                }
            }
        }
    }

    private static string RestOfArray(SchemaNode schema, int count, int depth)
    {
        var sb = new StringBuilder();
        for (var i = count; i < schema.MinCount; i++)
        {
            sb.Append(i > 0 ? "," : string.Empty).Append(Minimal(schema.Items!, depth + 1));
        }

        return sb.Append(']').ToString();
    }

    private IEnumerable<(int Pos, string? Completion)> String(SchemaNode schema, int pos)
    {
        if (_text[pos] != '"')
        {
            yield break;
        }

        var length = 0;
        var i = pos + 1;
        while (i < _text.Length)
        {
            var c = _text[i];
            if (c == '"')
            {
                if (length >= schema.MinCount)
                {
                    yield return (i + 1, null);
                }

                yield break;
            }

            if (c == '\\')
            {
                if (i + 1 == _text.Length)
                {
                    yield return (_text.Length, "n" + Pad(schema, length + 1) + "\"");
                    yield break;
                }

                if (_text[i + 1] == 'u')
                {
                    var digits = Math.Min(4, _text.Length - (i + 2));
                    if (i + 2 + digits == _text.Length && digits < 4)
                    {
                        yield return (_text.Length, new string('0', 4 - digits) + Pad(schema, length + 1) + "\"");
                        yield break;
                    }

                    i += 6;
                }
                else
                {
                    i += 2;
                }
            }
            else
            {
                // A surrogate pair is one character of the schema's length (one code point).
                i += char.IsHighSurrogate(c) ? 2 : 1;
            }

            length++;
        }

        yield return (_text.Length, Pad(schema, length) + "\"");
    }

    private static string Pad(SchemaNode schema, int length) => new('a', Math.Max(0, schema.MinCount - length));

    private IEnumerable<(int Pos, string? Completion)> Number(SchemaNode schema, int pos)
    {
        var i = pos;
        while (i < _text.Length && (char.IsAsciiDigit(_text[i]) || _text[i] is '-' or '+' or '.' or 'e' or 'E'))
        {
            i++;
        }

        var written = _text[pos..i];
        if (written.Length == 0)
        {
            yield break;
        }

        if (i < _text.Length)
        {
            if (schema.Kind != SchemaKind.Integer || InRange(schema, written))
            {
                yield return (i, null);
            }

            yield break;
        }

        if (schema.Kind == SchemaKind.Integer)
        {
            if (IntegerCompletion(schema, written) is { } digits)
            {
                yield return (i, digits);
            }
        }
        else
        {
            yield return (i, written[^1] is '-' or '.' ? "0" : written[^1] is 'e' or 'E' or '+' ? "1" : string.Empty);
        }
    }

    private static bool InRange(SchemaNode schema, string written) =>
        long.TryParse(written, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= (schema.Minimum ?? long.MinValue) && v <= (schema.Maximum ?? long.MaxValue);

    /// <summary>The fewest digits that turn a written integer prefix into an integer in the schema's range.</summary>
    private static string? IntegerCompletion(SchemaNode schema, string written)
    {
        var negative = written.StartsWith('-');
        var digits = negative ? written[1..] : written;
        var lo = schema.Minimum ?? -IntegerRangeGrammar.Largest;
        var hi = schema.Maximum ?? IntegerRangeGrammar.Largest;
        for (var extra = 0; extra + digits.Length <= 16; extra++)
        {
            if (digits.Length + extra == 0 || (digits.StartsWith('0') && digits.Length + extra > 1))
            {
                continue;
            }

            var power = (long)Math.Pow(10, extra);
            var head = digits.Length == 0 ? 0 : long.Parse(digits, CultureInfo.InvariantCulture) * power;

            // The magnitudes reachable with this many more digits (no leading zero when nothing was written).
            var low = digits.Length == 0 ? power / 10 : head;
            var high = digits.Length == 0 ? power - 1 : head + power - 1;
            var (from, to) = negative ? (-high, -low) : (low, high);
            var a = Math.Max(from, lo);
            var b = Math.Min(to, hi);
            if (a <= b)
            {
                var magnitude = Math.Abs(negative ? b : a);
                return extra == 0 ? string.Empty : (magnitude - head).ToString(CultureInfo.InvariantCulture).PadLeft(extra, '0')[^extra..];
            }
        }

        return null;
    }

    private IEnumerable<(int Pos, string? Completion)> AnyValue(int pos, int depth)
    {
        var any = new SchemaNode { Kind = SchemaKind.AnyOf };
        var anything = new SchemaNode { Kind = SchemaKind.Any };
        any.Alternatives.Add(new SchemaNode { Kind = SchemaKind.Object, Items = anything });
        any.Alternatives.Add(new SchemaNode { Kind = SchemaKind.Array, Items = anything });
        any.Alternatives.Add(new SchemaNode { Kind = SchemaKind.String });
        any.Alternatives.Add(new SchemaNode { Kind = SchemaKind.Number });
        any.Alternatives.Add(new SchemaNode { Kind = SchemaKind.Boolean });
        any.Alternatives.Add(new SchemaNode { Kind = SchemaKind.Null });
        return Value(any, pos, depth + 1);
    }
}
