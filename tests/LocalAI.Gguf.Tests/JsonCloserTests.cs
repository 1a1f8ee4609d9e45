using System.Text.Json;

namespace LocalAI.Gguf.Tests;

public sealed class JsonCloserTests
{
    [Theory]
    [InlineData("", "{}")]
    [InlineData("{", "}")]
    [InlineData("{\"ke", "\":null}")]
    [InlineData("{\"key\"", ":null}")]
    [InlineData("{\"key\": ", "null}")]
    [InlineData("{\"key\": \"val", "\"}")]
    [InlineData("{\"key\": \"a\\", "n\"}")]
    [InlineData("{\"key\": \"\\u00", "00\"}")]
    [InlineData("{\"key\": -", "1}")]
    [InlineData("{\"key\": 1.", "1}")]
    [InlineData("{\"key\": 12", "}")]
    [InlineData("{\"key\": tr", "ue}")]
    [InlineData("{\"key\": [1, {\"a\": [", "null]}]}")]
    [InlineData("{\"a\": 1, ", "\"\":null}")]
    [InlineData("{\"a\": [], \"b\": {}}", "")]
    public void Close_completes_any_valid_prefix_into_a_document(string prefix, string expected)
    {
        var closer = new JsonCloser();
        closer.Append(prefix);
        var closing = closer.Close();

        Assert.Equal(expected, closing);
        using var document = JsonDocument.Parse(prefix + closing);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }
}
