using System.Globalization;
using System.Text;

namespace LocalAI.Gguf;

/// <summary>Writes the GBNF expression of the decimal integers in a range, digit by digit (no leading zeros, at most 16 digits).</summary>
internal static class IntegerRangeGrammar
{
    /// <summary>The largest magnitude an unbounded side reaches: 16 digits.</summary>
    public const long Largest = 9_999_999_999_999_999;

    /// <summary>Gets the expression of the integers from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    /// <param name="minimum">The smallest, or <see langword="null"/> for no bound.</param>
    /// <param name="maximum">The largest, or <see langword="null"/> for no bound.</param>
    /// <returns>A parenthesised GBNF expression.</returns>
    public static string Expression(long? minimum, long? maximum)
    {
        var lo = Math.Max(minimum ?? -Largest, -Largest);
        var hi = Math.Min(maximum ?? Largest, Largest);
        var parts = new List<string>();
        if (lo < 0)
        {
            // Magnitudes of the negative side: from |min(hi, -1)| to |lo|.
            parts.Add("\"-\" " + NonNegative(hi < 0 ? -hi : 1, -lo));
        }

        if (hi >= 0)
        {
            parts.Add(NonNegative(Math.Max(lo, 0), hi));
        }

        return "(" + string.Join(" | ", parts) + ")";
    }

    private static string NonNegative(long lo, long hi)
    {
        var alternatives = new List<string>();
        var start = lo;
        foreach (var stop in Stops(lo, hi))
        {
            alternatives.Add(Pattern(start, stop));
            start = stop + 1;
        }

        return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")";
    }

    /// <summary>Splits [lo, hi] where each part is one digit pattern: a common prefix, one digit range, then any digits.</summary>
    private static SortedSet<long> Stops(long lo, long hi)
    {
        var stops = new SortedSet<long> { hi };
        for (var nines = 1; ; nines++)
        {
            var stop = FillNines(lo, nines);
            if (stop < lo || stop >= hi)
            {
                break;
            }

            stops.Add(stop);
        }

        for (var zeros = 1; zeros <= 17; zeros++)
        {
            var stop = FillZeros(hi + 1, zeros) - 1;
            if (stop <= lo || stop > hi)
            {
                break;
            }

            stops.Add(stop);
        }

        return stops;
    }

    private static long FillNines(long n, int count)
    {
        var digits = n.ToString(CultureInfo.InvariantCulture);
        var kept = count >= digits.Length ? string.Empty : digits[..^count];
        return count + kept.Length > 18 ? long.MaxValue : long.Parse(kept + new string('9', count), CultureInfo.InvariantCulture);
    }

    private static long FillZeros(long n, int count)
    {
        var power = (long)Math.Pow(10, Math.Min(count, 18));
        return n - (n % power);
    }

    private static string Pattern(long start, long stop)
    {
        var a = start.ToString(CultureInfo.InvariantCulture);
        var b = stop.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        var any = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
            {
                sb.Append('"').Append(a[i]).Append("\" ");
            }
            else if (a[i] == '0' && b[i] == '9')
            {
                any++;
            }
            else
            {
                sb.Append('[').Append(a[i]).Append('-').Append(b[i]).Append("] ");
            }
        }

        if (any > 0)
        {
            sb.Append("[0-9]").Append(any == 1 ? string.Empty : "{" + any.ToString(CultureInfo.InvariantCulture) + "}");
        }

        return "(" + sb.ToString().Trim() + ")";
    }
}
