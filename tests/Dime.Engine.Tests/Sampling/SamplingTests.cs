using Dime.Engine.Disentanglement;
using Dime.Engine.Errors;
using Dime.Engine.Sampling;

namespace Dime.Engine.Tests.Sampling;

public sealed class SamplingTests
{
    [Fact]
    public void Image_rows_start_with_the_instance_and_are_fair_coins()
    {
        var rows = RowSampler.Image(2000, 37, new Xoshiro256StarStar(1, 1));

        Assert.All(rows.Row(0).ToArray(), v => Assert.Equal(1, v));
        var on = rows.Values.Skip(37).Average(v => (double)v);
        Assert.InRange(on, 0.49, 0.51);
        Assert.All(Enumerable.Range(0, 37), j => Assert.InRange(Enumerable.Range(1, 1999).Average(i => (double)rows.Row(i)[j]), 0.44, 0.56));
    }

    [Fact]
    public void Text_rows_remove_a_uniform_number_of_distinct_features()
    {
        const int D = 6;
        var rows = RowSampler.Text(12000, D, new Xoshiro256StarStar(2, 2));

        Assert.Equal(D, rows.CountOn(0));
        var removedCounts = Enumerable.Range(1, rows.Count - 1).Select(i => D - rows.CountOn(i)).ToArray();
        Assert.All(removedCounts, k => Assert.InRange(k, 1, D));
        foreach (var k in Enumerable.Range(1, D))
        {
            Assert.InRange(removedCounts.Count(c => c == k) / (double)removedCounts.Length, 1.0 / D - 0.02, 1.0 / D + 0.02);
        }

        Assert.All(Enumerable.Range(0, D), j => Assert.InRange(Enumerable.Range(1, rows.Count - 1).Average(i => 1.0 - rows.Row(i)[j]), 0.55, 0.62));
    }

    [Fact]
    public void Same_seed_same_rows_other_stream_other_rows()
    {
        var a = RowSampler.Image(50, 20, new Xoshiro256StarStar(7, 1)).Values;
        var b = RowSampler.Image(50, 20, new Xoshiro256StarStar(7, 1)).Values;
        var c = RowSampler.Image(50, 20, new Xoshiro256StarStar(7, 2)).Values;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Bounded_integers_are_uniform_and_in_range()
    {
        var random = new Xoshiro256StarStar(3);
        var counts = new int[7];
        for (var i = 0; i < 70000; i++)
        {
            counts[random.NextInt(7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9600, 10400));
    }

    [Fact]
    public void Reference_indices_are_seeded_distinct_and_stratified_by_answer()
    {
        var answers = Enumerable.Range(0, 1000).Select(i => i % 10 < 6 ? "yes" : i % 10 < 9 ? "no" : "two").ToArray();

        var picked = ReferenceSampling.PickIndices(answers, 100, 5, stratified: true);

        Assert.Equal(100, picked.Distinct().Count());
        Assert.Equal(picked.Order(), picked);
        Assert.Equal(60, picked.Count(i => answers[i] == "yes"));
        Assert.Equal(30, picked.Count(i => answers[i] == "no"));
        Assert.Equal(10, picked.Count(i => answers[i] == "two"));
        Assert.Equal(picked, ReferenceSampling.PickIndices(answers, 100, 5, stratified: true));
        Assert.NotEqual(picked, ReferenceSampling.PickIndices(answers, 100, 6, stratified: true));
        Assert.Equal(100, ReferenceSampling.PickIndices(answers, 100, 5, stratified: false).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 1000), ReferenceSampling.PickIndices(answers, 5000, 5, stratified: false));
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<DimeException>(() => ReferenceSampling.PickIndices(answers, 0, 5, true)).Kind);
    }
}
