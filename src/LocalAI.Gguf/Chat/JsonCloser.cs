using System.Text;

namespace LocalAI.Gguf.Chat;

/// <summary>Follows JSON text the grammar let through and, when output stops early, produces the shortest text that completes it into a valid document.</summary>
internal sealed class JsonCloser
{
    private readonly Stack<char> containers = new();
    private readonly StringBuilder literal = new();
    private State state = State.ExpectValue;
    private bool inKey;
    private bool escape;
    private int unicodeDigits = -1;
    private bool started;

    private enum State
    {
        ExpectValue,
        ExpectKeyOrClose,
        ExpectKey,
        ExpectColon,
        AfterValue,
        InString,
        InNumber,
        InLiteral,
    }

    public void Append(string text)
    {
        foreach (var c in text)
        {
            Step(c);
        }
    }

    /// <summary>Gets the text that closes the document from where it stopped; empty when it is complete.</summary>
    /// <returns>The closing text.</returns>
    public string Close()
    {
        if (!started)
        {
            return "{}";
        }

        var sb = new StringBuilder();
        switch (state)
        {
            case State.InString:
                if (unicodeDigits >= 0)
                {
                    sb.Append('0', 4 - unicodeDigits);
                }
                else if (escape)
                {
                    sb.Append('n');
                }

                sb.Append('"');
                if (inKey)
                {
                    sb.Append(":null");
                }

                break;
            case State.InNumber:
                var last = literal.Length > 0 ? literal[^1] : '0';
                if (last is '-' or '+' or '.' or 'e' or 'E')
                {
                    sb.Append('1');
                }

                break;
            case State.InLiteral:
                var word = literal.ToString();
                var full = word[0] == 't' ? "true" : word[0] == 'f' ? "false" : "null";
                sb.Append(full.AsSpan(word.Length));
                break;
            case State.ExpectColon:
                sb.Append(":null");
                break;
            case State.ExpectValue:
                sb.Append("null");
                break;
            case State.ExpectKey:
                sb.Append("\"\":null");
                break;
        }

        foreach (var container in containers)
        {
            sb.Append(container == '{' ? '}' : ']');
        }

        return sb.ToString();
    }

    private void Step(char c)
    {
        switch (state)
        {
            case State.InString:
                if (unicodeDigits >= 0)
                {
                    unicodeDigits = unicodeDigits == 3 ? -1 : unicodeDigits + 1;
                }
                else if (escape)
                {
                    escape = false;
                    if (c == 'u')
                    {
                        unicodeDigits = 0;
                    }
                }
                else if (c == '\\')
                {
                    escape = true;
                }
                else if (c == '"')
                {
                    state = inKey ? State.ExpectColon : State.AfterValue;
                }

                return;
            case State.InNumber:
                if (char.IsAsciiDigit(c) || c is '-' or '+' or '.' or 'e' or 'E')
                {
                    literal.Append(c);
                    return;
                }

                state = State.AfterValue;
                break;
            case State.InLiteral:
                if (char.IsAsciiLetterLower(c))
                {
                    literal.Append(c);
                    if (literal.ToString() is "true" or "false" or "null")
                    {
                        state = State.AfterValue;
                    }

                    return;
                }

                state = State.AfterValue;
                break;
        }

        if (char.IsWhiteSpace(c))
        {
            return;
        }

        switch (state)
        {
            case State.ExpectValue:
                StartValue(c);
                break;
            case State.ExpectKeyOrClose when c == '}':
            case State.AfterValue when c is '}' or ']':
                if (containers.Count > 0)
                {
                    containers.Pop();
                }

                state = State.AfterValue;
                break;
            case State.ExpectKeyOrClose:
            case State.ExpectKey:
                if (c == '"')
                {
                    inKey = true;
                    state = State.InString;
                }

                break;
            case State.ExpectColon when c == ':':
                state = State.ExpectValue;
                break;
            case State.AfterValue when c == ',':
                state = containers.Count > 0 && containers.Peek() == '{' ? State.ExpectKey : State.ExpectValue;
                break;
        }
    }

    private void StartValue(char c)
    {
        started = true;
        literal.Clear();
        switch (c)
        {
            case '{':
                containers.Push('{');
                state = State.ExpectKeyOrClose;
                break;
            case '[':
                containers.Push('[');
                state = State.ExpectValue;
                break;
            case ']' when containers.Count > 0 && containers.Peek() == '[':
                containers.Pop();
                state = State.AfterValue;
                break;
            case '"':
                inKey = false;
                state = State.InString;
                break;
            case 't' or 'f' or 'n':
                literal.Append(c);
                state = State.InLiteral;
                break;
            default:
                literal.Append(c);
                state = State.InNumber;
                break;
        }
    }
}
