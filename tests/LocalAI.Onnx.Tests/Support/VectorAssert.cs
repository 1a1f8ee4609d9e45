namespace LocalAI.Onnx.Tests.Support;

internal static class VectorAssert
{
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string because = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = MathF.Abs(expected[i] - actual[i]);
            if (!(difference <= worst))
            {
                worst = difference;
                at = i;
            }
        }

        Assert.True(worst <= tolerance, $"{because} component {at} differs by {worst:E2} (expected {(at >= 0 ? expected[at] : 0)}, actual {(at >= 0 ? actual[at] : 0)}), more than {tolerance:E0}.");
    }
}
