using System.Text;

namespace LocalAI.Gguf.Tests;

public sealed class OutputTextTests
{
    [Fact]
    public void Append_buffers_an_incomplete_utf8_sequence_until_it_completes()
    {
        var text = new OutputText(null);
        var emoji = Encoding.UTF8.GetBytes("a\U0001F600b");

        // "a", then the four bytes of the emoji split two and two, then "b".
        var first = text.Append(emoji.AsSpan(0, 3), out _);
        var second = text.Append(emoji.AsSpan(3, 1), out _);
        var third = text.Append(emoji.AsSpan(4), out _);

        Assert.Equal("a", first);
        Assert.Equal(string.Empty, second);
        Assert.Equal("\U0001F600b", third);
        Assert.Equal(string.Empty, text.Flush());
    }

    [Fact]
    public void Append_holds_back_a_possible_stop_sequence_and_cuts_before_it()
    {
        var text = new OutputText(["END"]);
        var emitted = new StringBuilder();
        var stopped = false;
        foreach (var piece in new[] { "hello ", "E", "N", "x ", "world E", "ND tail" })
        {
            emitted.Append(text.Append(Encoding.UTF8.GetBytes(piece), out stopped));
            if (stopped)
            {
                break;
            }
        }

        Assert.True(stopped);
        Assert.Equal("hello ENx world ", emitted.ToString());
    }

    [Fact]
    public void Flush_returns_held_back_text_when_no_stop_came()
    {
        var text = new OutputText(["STOP"]);
        var emitted = text.Append(Encoding.UTF8.GetBytes("abcST"), out var stopped);
        Assert.False(stopped);
        Assert.Equal("abcST", emitted + text.Flush());
    }
}
