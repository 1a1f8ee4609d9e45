namespace LocalAI.Council.Tests;

public sealed class ReviewParserTests
{
    private static readonly string[] Labels = ["A", "B"];

    private static List<ParsedScore> Parse(string text)
    {
        Assert.True(ReviewParser.TryParse(text, Labels, out var scores, out var error), error);
        return scores;
    }

    private static string Fail(string text)
    {
        Assert.False(ReviewParser.TryParse(text, Labels, out var scores, out var error));
        Assert.Empty(scores);
        return error;
    }

    [Fact]
    public void PlainJson_IsRead()
    {
        var scores = Parse("{\"rankings\":[{\"response\":\"B\",\"score\":9,\"reasoning\":\"clear\"},{\"response\":\"A\",\"score\":4,\"reasoning\":\"vague\"}]}");
        Assert.Equal([new ParsedScore("B", 9, "clear"), new ParsedScore("A", 4, "vague")], scores);
    }

    [Fact]
    public void JsonInACodeFence_IsRead() =>
        Assert.Equal(2, Parse("Sure.\n```json\n{\"rankings\":[{\"response\":\"A\",\"score\":7},{\"response\":\"B\",\"score\":6}]}\n```\nHope this helps.").Count);

    [Fact]
    public void JsonInsideProse_IsRead_EvenAfterBracesInTheProse()
    {
        var text = "I weighed {accuracy} first. My verdict: {\"rankings\": [{\"response\": \"A\", \"score\": 7, \"reasoning\": \"uses {braces} and \\\"quotes\\\"\"}, {\"response\": \"B\", \"score\": 6}]} That's all.";
        var scores = Parse(text);
        Assert.Equal("uses {braces} and \"quotes\"", scores[0].Reasoning);
    }

    [Fact]
    public void ScoresAsStrings_AndLabelsInAnotherCase_AreRead()
    {
        var scores = Parse("{\"Rankings\":[{\"Response\":\"response a\",\"Score\":\"8/10\"},{\"response\":\"(b)\",\"score\":\"6.5\"}]}");
        Assert.Equal([("A", 8.0), ("B", 6.5)], scores.Select(s => (s.Label, s.Score)));
    }

    [Fact]
    public void TopLevelArray_AndTrailingCommas_AreRead() =>
        Assert.Equal(2, Parse("[{\"response\":\"A\",\"score\":7,},{\"response\":\"B\",\"score\":6},]").Count);

    [Fact]
    public void UnknownLabel_IsRejected() =>
        Assert.Equal("unknown response label 'C' (expected one of A, B)", Fail("{\"rankings\":[{\"response\":\"A\",\"score\":7},{\"response\":\"C\",\"score\":6}]}"));

    [Fact]
    public void DuplicateLabel_IsRejected() =>
        Assert.Equal("response A is ranked more than once", Fail("{\"rankings\":[{\"response\":\"A\",\"score\":7},{\"response\":\"a\",\"score\":6}]}"));

    [Fact]
    public void AReplyThatLeavesALabelOut_IsReadForTheLabelsItScores()
    {
        var scores = Parse("{\"rankings\":[{\"response\":\"A\",\"score\":7}]}");
        Assert.Equal([new ParsedScore("A", 7, null)], scores);
        Assert.Equal(["B"], ReviewParser.Unscored(Labels, scores));
        Assert.Equal("response B was not ranked; rank every response exactly once", ReviewParser.DescribeUnscored(ReviewParser.Unscored(Labels, scores)));
    }

    [Fact]
    public void ACompleteObject_WinsOverAnEarlierPartialOne() =>
        Assert.Equal(2, Parse("Draft: {\"rankings\":[{\"response\":\"A\",\"score\":7}]} Final: {\"rankings\":[{\"response\":\"A\",\"score\":7},{\"response\":\"B\",\"score\":3}]}").Count);

    [Fact]
    public void AnEmptyRanking_IsRejected() =>
        Assert.Equal("no response was ranked", Fail("{\"rankings\":[]}"));

    [Fact]
    public void LabelsPastZ_AreRead()
    {
        string[] labels = [.. Enumerable.Range(0, 28).Select(ReviewPrompt.Label)];
        var json = "{\"rankings\":[" + string.Join(",", labels.Select((l, i) => $"{{\"response\":\"Response {l.ToLowerInvariant()}\",\"score\":{1 + (i % 10)}}}")) + "]}";
        Assert.True(ReviewParser.TryParse(json, labels, out var scores, out var error), error);
        Assert.Equal(labels, scores.Select(s => s.Label));
    }

    [Fact]
    public void ScoreOutOfRange_IsRejected() =>
        Assert.Equal("response B has score 0, outside 1 to 10", Fail("{\"rankings\":[{\"response\":\"A\",\"score\":7},{\"response\":\"B\",\"score\":0}]}"));

    [Fact]
    public void MissingScore_IsRejected() =>
        Assert.Equal("response A has no numeric \"score\"", Fail("{\"rankings\":[{\"response\":\"A\",\"score\":\"great\"},{\"response\":\"B\",\"score\":3}]}"));

    [Fact]
    public void NoJson_IsRejected()
    {
        Assert.Equal("no JSON object with a \"rankings\" array was found in the reply", Fail("I think A is better than B."));
        Assert.Equal("the reply was empty", Fail("  "));
        Assert.Equal("no JSON object with a \"rankings\" array was found in the reply", Fail("{\"rankings\":[{\"response\":\"A\""));
    }

    [Fact]
    public void ALaterValidObject_WinsOverAnEarlierInvalidOne() =>
        Assert.Equal(2, Parse("Draft: {\"rankings\":[{\"response\":\"A\",\"score\":70}]} Final: {\"rankings\":[{\"response\":\"A\",\"score\":7},{\"response\":\"B\",\"score\":3}]}").Count);

    [Theory]
    [InlineData(0, "A")]
    [InlineData(25, "Z")]
    [InlineData(26, "AA")]
    [InlineData(27, "AB")]
    public void Labels_GoPastZ(int index, string label) => Assert.Equal(label, ReviewPrompt.Label(index));
}
