using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LocalAI.AspNetCore.Tests;

/// <summary>The float text of embeddings answers: every float comes back bit for bit through a correctly rounding parse, as valid JSON, within the stated length.</summary>
public sealed partial class JsonFloatTextTests
{
    [Theory]
    [InlineData(0f, "0")]
    [InlineData(-0f, "-0")]
    [InlineData(1f, "1")]
    [InlineData(-1f, "-1")]
    [InlineData(0.5f, "0.5")]
    [InlineData(-0.25f, "-0.25")]
    [InlineData(100f, "100")]
    [InlineData(123456792f, "123456792")]
    [InlineData(1e9f, "1E+9")]
    [InlineData(0.375f, "0.375")]
    [InlineData(1.5e-5f, "0.0000149999996")]
    [InlineData(2.5e-9f, "2.49999998E-9")]
    [InlineData(0.1f, "0.100000001")]
    [InlineData(0.0123f, "0.0122999996")]
    [InlineData(3.5e-5f, "0.0000350000009")]
    [InlineData(1.25e-6f, "1.24999997E-6")]
    [InlineData(7e-7f, "6.99999987E-7")]
    [InlineData(float.Epsilon, "1.40129846E-45")]
    [InlineData(float.MaxValue, "3.40282347E+38")]
    [InlineData(float.MinValue, "-3.40282347E+38")]
    [InlineData(1.5e20f, "1.50000003E+20")]
    public void Write_GivesTheExpectedText(float value, string expected) => Assert.Equal(expected, Text(value));

    [Fact]
    public void EdgeValues_AndTheirNeighbours_RoundTrip()
    {
        var values = new List<float> { 0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1.17549435E-38f };
        for (var e = -45; e <= 38; e++)
        {
            var power = float.Parse($"1e{e}", CultureInfo.InvariantCulture);
            values.AddRange([power, MathF.BitDecrement(power), MathF.BitIncrement(power), -power, power * 5, MathF.BitDecrement(power * 5)]);
        }

        for (var i = 0; i < 128; i++)
        {
            // Around every power of two, where a float's spacing halves.
            var two = MathF.ScaleB(1f, i - 149 + 22);
            values.AddRange([two, MathF.BitDecrement(two), MathF.BitIncrement(two)]);
        }

        foreach (var value in values.Where(float.IsFinite))
        {
            AssertRoundTrips(value);
        }
    }

    [Fact]
    public void RandomBitPatterns_RoundTrip()
    {
        var random = new Random(20261202);
        Span<byte> bits = stackalloc byte[4];
        for (var i = 0; i < 300_000; i++)
        {
            random.NextBytes(bits);
            var value = BitConverter.ToSingle(bits);
            if (float.IsFinite(value))
            {
                AssertRoundTrips(value);
            }
        }
    }

    [Fact]
    public void VectorComponents_RoundTrip()
    {
        // What embeddings hold: small magnitudes of both signs.
        var random = new Random(384);
        for (var i = 0; i < 300_000; i++)
        {
            AssertRoundTrips((float)((random.NextDouble() - 0.5) * Math.Pow(10, -random.Next(0, 7))));
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteValues_AreRefused(float value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonFloatText.Write(value, new byte[JsonFloatText.MaxLength]));

    [Fact]
    public void AShortDestination_IsRefused() =>
        Assert.Throws<ArgumentException>(() => JsonFloatText.Write(0.5f, new byte[JsonFloatText.MaxLength - 1]));

    private static string Text(float value)
    {
        var buffer = new byte[JsonFloatText.MaxLength];
        var length = JsonFloatText.Write(value, buffer);
        return Encoding.ASCII.GetString(buffer, 0, length);
    }

    private static void AssertRoundTrips(float value)
    {
        var text = Text(value);
        Assert.True(text.Length <= JsonFloatText.MaxLength, text);
        Assert.Matches(JsonNumber(), text);
        var parsed = float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        var reader = new Utf8JsonReader(Encoding.ASCII.GetBytes(text));
        Assert.True(reader.Read());
        var read = reader.GetSingle();
        if (BitConverter.SingleToInt32Bits(parsed) != BitConverter.SingleToInt32Bits(value) || BitConverter.SingleToInt32Bits(read) != BitConverter.SingleToInt32Bits(value))
        {
            Assert.Fail($"{value:R} was written as {text}, which reads back as {parsed:R} / {read:R}.");
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?(E[+-][0-9]+)?$")]
    private static partial Regex JsonNumber();
}
