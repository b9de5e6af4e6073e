namespace Dime.Engine.Tests.Support;

internal static class LabelAgreement
{
    /// <summary>Share of pixels on which two label maps agree after mapping each of our labels to the reference label it overlaps most.</summary>
    public static double AfterMatching(int[] labels, int[] reference)
    {
        var overlap = new Dictionary<(int Ours, int Theirs), int>();
        for (var p = 0; p < labels.Length; p++)
        {
            overlap[(labels[p], reference[p])] = overlap.GetValueOrDefault((labels[p], reference[p])) + 1;
        }

        var best = overlap.GroupBy(e => e.Key.Ours).ToDictionary(g => g.Key, g => g.MaxBy(e => e.Value).Key.Theirs);
        return labels.Where((label, p) => best[label] == reference[p]).Count() / (double)labels.Length;
    }
}
