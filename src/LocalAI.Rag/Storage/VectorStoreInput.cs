using System.Numerics.Tensors;

namespace LocalAI.Rag;

/// <summary>
/// The checks both stores make before anything is stored or searched, so the same bad input gets the same
/// <see cref="ArgumentException"/> from either: ids and text must be valid UTF-16 (a lone surrogate would be stored as
/// U+FFFD, so two ids could collapse into one) without NUL characters (PostgreSQL cannot store them), vectors finite and
/// not all zero, <c>Top</c> between 1 and <see cref="VectorSearchOptions.MaxTop"/>.
/// </summary>
internal static class VectorStoreInput
{
    public static void DocumentId(string documentId, string parameter)
    {
        ArgumentNullException.ThrowIfNull(documentId, parameter);
        Text(documentId, "The document id", parameter);
    }

    public static void Documents(IReadOnlyList<DocumentRecords> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var document in documents)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(documents));
            DocumentId(document.DocumentId, nameof(documents));
            ArgumentNullException.ThrowIfNull(document.Records, nameof(documents));
            foreach (var record in document.Records)
            {
                ArgumentNullException.ThrowIfNull(record, nameof(documents));
                var where = $"Chunk '{Printable(record.Id)}' of document '{Printable(document.DocumentId)}'";
                Text(record.Id, where + ": its id", nameof(documents));
                Text(record.Text, where + ": its text", nameof(documents));
                Text(record.ContentHash, where + ": its content hash", nameof(documents));
                if (record.Context is not null)
                {
                    Text(record.Context, where + ": its context", nameof(documents));
                }

                foreach (var (key, value) in record.Metadata)
                {
                    Text(key, where + ": a metadata key", nameof(documents));
                    Text(value, $"{where}: metadata '{Printable(key)}'", nameof(documents));
                }

                Vector(record.Vector.Span, where + ": its vector", nameof(documents));
            }
        }
    }

    public static void Query(ReadOnlySpan<float> query) => Vector(query, "The query vector", nameof(query));

    public static void KeywordQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Text(query, "The query", nameof(query));
    }

    public static void Options(VectorSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Top(options.Top, "options.Top");
        if (options.MinScore is { } min && !double.IsFinite(min))
        {
            throw new ArgumentOutOfRangeException(nameof(options), min, "options.MinScore must be a finite number (cosine similarity, -1 to 1).");
        }

        if (options.Filter is { } filter)
        {
            foreach (var (key, value) in filter.Conditions)
            {
                Text(key, "A filter key", nameof(options));
                Text(value, $"The filter value of '{Printable(key)}'", nameof(options));
            }
        }
    }

    public static void Top(int top, string name)
    {
        if (top is < 1 or > VectorSearchOptions.MaxTop)
        {
            throw new ArgumentOutOfRangeException(name, top, $"{name} is {top}; it must be between 1 and {VectorSearchOptions.MaxTop}.");
        }
    }

    private static void Vector(ReadOnlySpan<float> vector, string what, string parameter)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"{what} holds {vector[i]} at position {i}; every value must be a finite number.", parameter);
            }
        }

        if (vector.Length > 0 && TensorPrimitives.MaxMagnitude(vector) == 0)
        {
            throw new ArgumentException($"{what} is all zeros; it has no direction, so no cosine similarity can be computed with it.", parameter);
        }
    }

    private static void Text(string text, string what, string parameter)
    {
        ArgumentNullException.ThrowIfNull(text, parameter);
        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            throw new ArgumentException($"{what} holds a NUL character (U+0000) at position {nul}; remove it (PostgreSQL cannot store it, so neither store accepts it).", parameter);
        }

        var span = text.AsSpan();
        for (var i = span.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                throw new ArgumentException($"{what} holds a lone surrogate (U+{(int)span[i]:X4}) at position {i}: it is not valid UTF-16 and would not be stored exactly.", parameter);
            }
        }
    }

    /// <summary>The text with lone surrogates and control characters shown as <c>\uXXXX</c>, for messages.</summary>
    private static string Printable(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length && sb.Length < 80; i++)
        {
            var c = text[i];
            if (char.IsControl(c) || (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))))
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                sb.Append(c);
                if (char.IsHighSurrogate(c))
                {
                    sb.Append(text[++i]);
                }
            }
        }

        return sb.ToString();
    }
}
