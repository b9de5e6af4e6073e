using System.Text.Json;
using Dime.Daemon.Explaining;
using Dime.Daemon.Protocol;

namespace Dime.Daemon.Tests;

/// <summary>How options.labels (and --labels) name labels: by name, by index, and what a bare string means.</summary>
public sealed class LabelSelectionTests
{
    private static readonly string[] Names = ["yes", "no", "3", "0", "circle"];

    private static LabelChoice Resolve(params object[] labels) =>
        LabelSelection.Resolve(JsonSerializer.SerializeToElement(labels), Names, () => [0]);

    [Fact]
    public void Prefixes_choose_the_name_or_the_index()
    {
        Assert.Equal([3, 0, 1, 4, 2], Resolve("name:0", "index:0", "#1", "name:circle", 2).Indices);
        Assert.Empty(Resolve("name:0", "#0").Warnings);
    }

    [Fact]
    public void A_bare_string_is_a_name_first_and_warns_when_it_is_also_another_labels_index()
    {
        var choice = Resolve("0");
        Assert.Equal([3], choice.Indices);
        Assert.Contains("both the name of 0 (#3) and the index of yes (#0)", Assert.Single(choice.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_number_that_names_no_label_is_an_index_and_a_name_at_its_own_index_is_not_ambiguous()
    {
        Assert.Equal([1], Resolve("1").Indices);
        Assert.Empty(Resolve("1").Warnings);
        Assert.Equal([2], Resolve("3").Indices); // "3" names label 2 and is also index 3 ("0"): the name wins, with a warning
        Assert.Single(Resolve("3").Warnings);
    }

    [Theory]
    [InlineData("name:square")]
    [InlineData("#5")]
    [InlineData("index:x")]
    [InlineData("square")]
    [InlineData("#-1")]
    public void Unknown_labels_are_refused(string label)
    {
        var error = Assert.Throws<DaemonException>(() => Resolve(label));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("options.labels", error.Subject);
    }

    [Fact]
    public void All_and_top_keep_their_meaning_and_top_is_the_default()
    {
        Assert.Null(LabelSelection.Resolve(JsonSerializer.SerializeToElement("all"), Names, () => [0]).Indices);
        Assert.Equal([0], LabelSelection.Resolve(JsonSerializer.SerializeToElement("top"), Names, () => [0]).Indices);
        Assert.Equal([0], LabelSelection.Resolve(null, Names, () => [0]).Indices); // the default is "top"
    }
}
