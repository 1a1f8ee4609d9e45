using System.Text;

namespace LocalAI.Gguf;

/// <summary>Follows JSON text the grammar let through and, when output stops early, produces the shortest text that completes it into a valid document.</summary>
internal sealed class JsonCloser
{
    private readonly Stack<char> _containers = new();
    private readonly StringBuilder _literal = new();
    private State _state = State.ExpectValue;
    private bool _inKey;
    private bool _escape;
    private int _unicodeDigits = -1;
    private bool _started;

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
        if (!_started)
        {
            return "{}";
        }

        var sb = new StringBuilder();
        switch (_state)
        {
            case State.InString:
                if (_unicodeDigits >= 0)
                {
                    sb.Append('0', 4 - _unicodeDigits);
                }
                else if (_escape)
                {
                    sb.Append('n');
                }

                sb.Append('"');
                if (_inKey)
                {
                    sb.Append(":null");
                }

                break;
            case State.InNumber:
                var last = _literal.Length > 0 ? _literal[^1] : '0';
                if (last is '-' or '+' or '.' or 'e' or 'E')
                {
                    sb.Append('1');
                }

                break;
            case State.InLiteral:
                var word = _literal.ToString();
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

        foreach (var container in _containers)
        {
            sb.Append(container == '{' ? '}' : ']');
        }

        return sb.ToString();
    }

    private void Step(char c)
    {
        switch (_state)
        {
            case State.InString:
                if (_unicodeDigits >= 0)
                {
                    _unicodeDigits = _unicodeDigits == 3 ? -1 : _unicodeDigits + 1;
                }
                else if (_escape)
                {
                    _escape = false;
                    if (c == 'u')
                    {
                        _unicodeDigits = 0;
                    }
                }
                else if (c == '\\')
                {
                    _escape = true;
                }
                else if (c == '"')
                {
                    _state = _inKey ? State.ExpectColon : State.AfterValue;
                }

                return;
            case State.InNumber:
                if (char.IsAsciiDigit(c) || c is '-' or '+' or '.' or 'e' or 'E')
                {
                    _literal.Append(c);
                    return;
                }

                _state = State.AfterValue;
                break;
            case State.InLiteral:
                if (char.IsAsciiLetterLower(c))
                {
                    _literal.Append(c);
                    if (_literal.ToString() is "true" or "false" or "null")
                    {
                        _state = State.AfterValue;
                    }

                    return;
                }

                _state = State.AfterValue;
                break;
        }

        if (char.IsWhiteSpace(c))
        {
            return;
        }

        switch (_state)
        {
            case State.ExpectValue:
                StartValue(c);
                break;
            case State.ExpectKeyOrClose when c == '}':
            case State.AfterValue when c is '}' or ']':
                if (_containers.Count > 0)
                {
                    _containers.Pop();
                }

                _state = State.AfterValue;
                break;
            case State.ExpectKeyOrClose:
            case State.ExpectKey:
                if (c == '"')
                {
                    _inKey = true;
                    _state = State.InString;
                }

                break;
            case State.ExpectColon when c == ':':
                _state = State.ExpectValue;
                break;
            case State.AfterValue when c == ',':
                _state = _containers.Count > 0 && _containers.Peek() == '{' ? State.ExpectKey : State.ExpectValue;
                break;
        }
    }

    private void StartValue(char c)
    {
        _started = true;
        _literal.Clear();
        switch (c)
        {
            case '{':
                _containers.Push('{');
                _state = State.ExpectKeyOrClose;
                break;
            case '[':
                _containers.Push('[');
                _state = State.ExpectValue;
                break;
            case ']' when _containers.Count > 0 && _containers.Peek() == '[':
                _containers.Pop();
                _state = State.AfterValue;
                break;
            case '"':
                _inKey = false;
                _state = State.InString;
                break;
            case 't' or 'f' or 'n':
                _literal.Append(c);
                _state = State.InLiteral;
                break;
            default:
                _literal.Append(c);
                _state = State.InNumber;
                break;
        }
    }
}
