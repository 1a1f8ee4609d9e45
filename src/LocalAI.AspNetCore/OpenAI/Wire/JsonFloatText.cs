using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LocalAI.AspNetCore;

/// <summary>
/// Writes floats as JSON numbers with at most nine significant digits, enough for every float to come back unchanged from a correctly rounded
/// parse (float.Parse, <c>Utf8JsonReader.GetSingle</c>, the OpenAI clients'); several times faster than the shortest-round-trip text
/// <see cref="System.Text.Json.Utf8JsonWriter"/> writes, which is most of the cost of an embeddings answer of thousands of components.
/// </summary>
/// <remarks>
/// The nine digits come from one multiplication in double precision by a correctly rounded power of ten: its error is below a
/// ten-millionth of the last digit, far inside the half of a float's spacing that a round trip allows. Trailing zeros are dropped,
/// so 0.5 is <c>0.5</c>; a float whose shortest text is shorter (0.1f is <c>0.1</c> there) gets its nine-digit value
/// (<c>0.100000001</c>), which reads back as the same float. Magnitudes from 1e-5 up to 1e9 are written positionally, others with an exponent.
/// </remarks>
internal static class JsonFloatText
{
    /// <summary>The longest text one float takes: <c>-0.0000123456789</c>.</summary>
    public const int MaxLength = 16;

    private const int SignificantDigits = 9;
    private const int PowerOffset = 50;
    private static readonly double[] Powers = CreatePowers();

    // "0.000000" as the eight bytes of a ulong in this machine's order.
    private static readonly ulong ZeroPoint = BitConverter.ToUInt64("0.000000"u8);

    private static ReadOnlySpan<byte> Pairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>Gets the most bytes <see cref="WriteArray"/> takes for <paramref name="count"/> values.</summary>
    public static int MaxArrayLength(int count) => checked(2 + (count * (MaxLength + 1)));

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes) and returns the bytes written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite, which JSON cannot hold.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="MaxLength"/>.</exception>
    public static int Write(float value, Span<byte> destination)
    {
        if (destination.Length < MaxLength)
        {
            throw new ArgumentException($"The destination must hold {MaxLength} bytes.", nameof(destination));
        }

        return WriteOne(value, ref MemoryMarshal.GetReference(destination), ref MemoryMarshal.GetReference(Pairs), Powers);
    }

    /// <summary>Writes <paramref name="values"/> as a JSON array (<c>[a,b,…]</c>) into <paramref name="destination"/> (at least <see cref="MaxArrayLength"/> bytes) and returns the bytes written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN or infinite, which JSON cannot hold.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="MaxArrayLength"/>.</exception>
    public static int WriteArray(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (destination.Length < MaxArrayLength(values.Length))
        {
            throw new ArgumentException($"The destination must hold {MaxArrayLength(values.Length)} bytes.", nameof(destination));
        }

        ref var to = ref MemoryMarshal.GetReference(destination);
        ref var pairs = ref MemoryMarshal.GetReference(Pairs);
        var powers = Powers;
        to = (byte)'[';
        var at = 1;
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                Unsafe.Add(ref to, at++) = (byte)',';
            }

            at += WriteOne(values[i], ref Unsafe.Add(ref to, at), ref pairs, powers);
        }

        Unsafe.Add(ref to, at++) = (byte)']';
        return at;
    }

    // Writes one value at `to`, which has MaxLength bytes of room.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteOne(float value, ref byte to, ref byte pairs, double[] powers)
    {
        if (!float.IsFinite(value))
        {
            Refuse(value);
        }

        // Signs and the exponent's last correction are coin flips for vector components: both without branches.
        to = (byte)'-';
        var at = (int)(BitConverter.SingleToUInt32Bits(value) >> 31);
        if (value == 0f)
        {
            Unsafe.Add(ref to, at) = (byte)'0';
            return at + 1;
        }

        // floor(log10(a)): from the binary exponent (log10(2) ≈ 78913 / 2^18), corrected by one comparison, then by the digit count.
        var a = Math.Abs((double)value);
        var binaryExponent = (int)((BitConverter.DoubleToInt64Bits(a) >> 52) & 0x7FF) - 1023;
        var exponent = (binaryExponent * 78913) >> 18;
        exponent += a >= powers[exponent + 1 + PowerOffset] ? 1 : 0;
        var digits = (uint)((a * powers[SignificantDigits - 1 - exponent + PowerOffset]) + 0.5);
        if (digits is < 100_000_000 or >= 1_000_000_000)
        {
            (digits, exponent) = Rescale(a, exponent, digits);
        }

        if (exponent is >= -5 and < 0)
        {
            // The common case for vector components, 0.000ddddddddd: "0.000000" at once, then the digits over the zeros past the exponent's.
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, at), ZeroPoint);
            at += 1 - exponent;
            return at + WriteDigits(digits, ref Unsafe.Add(ref to, at), ref pairs);
        }

        return at + WriteOther(digits, exponent, ref Unsafe.Add(ref to, at), ref pairs);
    }

    // The estimate of the exponent was one off: the digits again with the right one.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (uint Digits, int Exponent) Rescale(double a, int exponent, uint digits)
    {
        exponent += digits < 100_000_000 ? -1 : 1;
        return ((uint)((a * Powers[SignificantDigits - 1 - exponent + PowerOffset]) + 0.5), exponent);
    }

    // Positional text from 1 up to 1e9, and the exponent form beyond 1e-5 .. 1e9.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int WriteOther(uint digits, int exponent, ref byte to, ref byte pairs)
    {
        Span<byte> text = stackalloc byte[SignificantDigits];
        var count = WriteDigits(digits, ref MemoryMarshal.GetReference(text), ref pairs);
        text = text[..count];
        var destination = MemoryMarshal.CreateSpan(ref to, MaxLength);
        var at = 0;
        if (exponent is >= 0 and < SignificantDigits)
        {
            var whole = exponent + 1;
            if (count <= whole)
            {
                text.CopyTo(destination);
                destination[count..whole].Fill((byte)'0');
                return whole;
            }

            text[..whole].CopyTo(destination);
            destination[whole] = (byte)'.';
            text[whole..].CopyTo(destination[(whole + 1)..]);
            return count + 1;
        }

        destination[at++] = text[0];
        if (count > 1)
        {
            destination[at++] = (byte)'.';
            text[1..].CopyTo(destination[at..]);
            at += count - 1;
        }

        destination[at++] = (byte)'E';
        destination[at++] = exponent < 0 ? (byte)'-' : (byte)'+';
        var magnitude = Math.Abs(exponent);
        if (magnitude >= 10)
        {
            destination[at++] = (byte)('0' + (magnitude / 10));
        }

        destination[at++] = (byte)('0' + (magnitude % 10));
        return at;
    }

    // Writes the nine digits of 100,000,000 <= digits < 1,000,000,000 and returns how many remain without the trailing zeros:
    // two-digit pairs from a table, in three levels of division.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteDigits(uint digits, ref byte to, ref byte pairs)
    {
        var (high, low) = Math.DivRem(digits, 10_000u);
        var (first, middle) = Math.DivRem(high, 10_000u);
        var (p1, p2) = Math.DivRem(middle, 100u);
        var (p3, p4) = Math.DivRem(low, 100u);
        to = (byte)('0' + first);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 1), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, p1 * 2)));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 3), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, p2 * 2)));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 5), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, p3 * 2)));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 7), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, p4 * 2)));
        var count = SignificantDigits;
        while (Unsafe.Add(ref to, count - 1) == (byte)'0')
        {
            count--;
        }

        return count;
    }

    [DoesNotReturn]
    private static void Refuse(float value) =>
        throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no number for NaN or infinity.");

    // 10^k for k from -50 to 60, each the double nearest to it (the parser rounds correctly).
    private static double[] CreatePowers()
    {
        var powers = new double[111];
        for (var k = 0; k < powers.Length; k++)
        {
            powers[k] = double.Parse($"1e{k - PowerOffset}", System.Globalization.CultureInfo.InvariantCulture);
        }

        return powers;
    }
}
