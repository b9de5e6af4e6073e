using Dime.Engine.Sampling;

namespace Dime.Engine.Disentanglement;

/// <summary>
/// How a perturbed row's partial dependence (g1 of a perturbed image, g2 of a perturbed text) is estimated when it
/// uses k of the N reference partners (method.md section 8).
/// </summary>
public enum PartnerEstimator
{
    /// <summary>
    /// Every row draws its own k partners J_s (seeded, stratified by answer) and
    /// g_hat(a_s) = g1(a*) + (1/k) sum_{j in J_s} [f(a_s, b_j) - f(a*, b_j)] (see <see cref="PartnerPlan.Correct"/>).
    /// Unbiased row by row, so the fitted weights are unbiased too; the price is variance, which the fit averages over
    /// the rows. Row 0, the instance itself (the heaviest row), still uses all N.
    /// </summary>
    PerRow,

    /// <summary>
    /// One subset J of k partners for every row, with the same control variate: no extra variance between rows, but a
    /// bias that depends on which partners J holds (the interaction part of f over R_J instead of R).
    /// </summary>
    Shared,
}

/// <summary>
/// Which partners each perturbed row is paired with: all N (exact), one shared subset, or a subset per row. Draws
/// are systematic samples from R ordered by answer: every partner has inclusion probability exactly k/N (so the plain
/// mean is unbiased) and every answer gets its proportional share of the k, rounded up or down at random.
/// </summary>
internal sealed record PartnerPlan
{
    private readonly int[]? _shared;
    private readonly int[][]? _perRow;

    private PartnerPlan(int n, int k, PartnerEstimator estimator, int[]? shared, int[][]? perRow)
    {
        ReferenceSize = n;
        Partners = k;
        Estimator = estimator;
        _shared = shared;
        _perRow = perRow;
    }

    public int ReferenceSize { get; }

    /// <summary>k, the partners a perturbed row meets (N when exact).</summary>
    public int Partners { get; }

    public PartnerEstimator Estimator { get; }

    public bool IsExact => Partners == ReferenceSize;

    /// <summary>The instance's own terms, which subsampled rows use as control variates (null: plain means).</summary>
    public PartnerControl? Control { get; init; }

    /// <summary>
    /// Turns a subsampled row's plain partner mean into the control-variate estimate (nothing when exact or without a
    /// control):
    ///   g_hat(a_s) = g1(a*) + (1/k) sum_{j in J_s} [f(a_s, b_j) - f(a*, b_j)],
    /// still unbiased (both means have the same expectation over J_s) and with far less variance, since what a
    /// partner adds alike to a_s and to a* (its unimodal part) cancels. Costs no pass: f(a*, b_j) is part of the instance's
    /// own decomposition.
    /// </summary>
    public void Correct(int[] partners, int[] labels, Span<double> partialMeans)
    {
        if (IsExact || Control is null)
        {
            return;
        }

        for (var l = 0; l < labels.Length; l++)
        {
            partialMeans[l] += Control.Correction(partners, labels[l]);
        }
    }

    /// <summary>
    /// The plan for <paramref name="rows"/> rows. <paramref name="partners"/> null or at least N is exact (every row
    /// meets all N, the same computation as without a plan). Answers null or <paramref name="stratified"/> false: one stratum.
    /// </summary>
    public static PartnerPlan Create(int n, int? partners, PartnerEstimator estimator, IReadOnlyList<string?>? answers, bool stratified, int rows, Xoshiro256StarStar random)
    {
        var k = Math.Min(partners ?? n, n);
        if (k == n)
        {
            return Exact(n);
        }

        var strata = Strata(n, stratified ? answers : null);
        if (estimator == PartnerEstimator.Shared)
        {
            return new PartnerPlan(n, k, estimator, Draw(strata, n, k, random), null);
        }

        var perRow = new int[rows][];
        perRow[0] = Enumerable.Range(0, n).ToArray();
        for (var row = 1; row < rows; row++)
        {
            perRow[row] = Draw(strata, n, k, random);
        }

        return new PartnerPlan(n, k, estimator, null, perRow);
    }

    /// <summary>Every row meets all N partners.</summary>
    public static PartnerPlan Exact(int n) => new(n, n, PartnerEstimator.PerRow, Enumerable.Range(0, n).ToArray(), null);

    /// <summary>True when every row meets the same partners, so a batch is one grid.</summary>
    public bool SameForEveryRow => _perRow is null;

    /// <summary>The partners of a row, ascending (reference indices).</summary>
    public int[] Of(int row) => _perRow?[row] ?? _shared!;

    /// <summary>The reference indices grouped by answer (ordinal order of answers), or one group.</summary>
    private static int[][] Strata(int n, IReadOnlyList<string?>? answers) =>
        answers is null
            ? [Enumerable.Range(0, n).ToArray()]
            : Enumerable.Range(0, n).GroupBy(i => answers[i] ?? string.Empty, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();

    /// <summary>
    /// Systematic sampling: shuffle within each stratum, lay the strata end to end, start uniformly in [0, N/k) and
    /// take every (N/k)-th place. Each index is taken with probability k/N; stratum h gets floor or ceil of k N_h / N.
    /// </summary>
    private static int[] Draw(int[][] strata, int n, int k, Xoshiro256StarStar random)
    {
        var order = new int[n];
        var at = 0;
        foreach (var stratum in strata)
        {
            stratum.CopyTo(order, at);
            for (var i = stratum.Length - 1; i > 0; i--)
            {
                var j = random.NextInt(i + 1);
                (order[at + i], order[at + j]) = (order[at + j], order[at + i]);
            }

            at += stratum.Length;
        }

        var step = (double)n / k;
        var start = random.NextDouble() * step;
        var picked = new int[k];
        for (var i = 0; i < k; i++)
        {
            picked[i] = order[Math.Min(n - 1, (int)Math.Floor(start + (i * step)))];
        }

        Array.Sort(picked);
        return picked;
    }
}

/// <summary>
/// The instance's own terms of its partial dependence: f(a*, b_j) for each reference partner j (or f(a_i, b*) for
/// text rows), laid out [partner * labels + label], and their mean over all N, the instance's exact g.
/// </summary>
internal sealed class PartnerControl(double[] instanceWithPartners, double[] instanceMean, int labels)
{
    /// <summary>g(instance) - (1/k) sum over the partners of the instance's terms, for one label.</summary>
    public double Correction(int[] partners, int label)
    {
        var sum = 0.0;
        foreach (var j in partners)
        {
            sum += instanceWithPartners[(j * labels) + label];
        }

        return instanceMean[label] - (sum / partners.Length);
    }
}
