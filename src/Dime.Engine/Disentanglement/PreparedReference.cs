using System.Diagnostics;
using Dime.Engine.Errors;
using Dime.Engine.Explanation;
using Dime.Engine.Models;

namespace Dime.Engine.Disentanglement;

/// <summary>
/// A reference set evaluated once on all N x N pairs for one model: mu (the grand mean per label) and, per
/// sample, g1(a_i), g2(b_i) and f(a_i, b_i). Explanations reuse it, so the daemon should keep it for as long as
/// the model and the reference set stay the same. All arrays are laid out [sample * labels + label].
/// </summary>
public sealed class PreparedReference
{
    public const int DefaultRowsPerBatch = 64;

    private PreparedReference(ReferenceSet reference, IReadOnlyList<string> labels, double[] mu, double[] imageMeans, double[] textMeans, double[] diagonal, double elapsedMs)
    {
        Reference = reference;
        Labels = labels;
        Mu = mu;
        ImageMeans = imageMeans;
        TextMeans = textMeans;
        Diagonal = diagonal;
        ElapsedMs = elapsedMs;
    }

    public ReferenceSet Reference { get; }

    public IReadOnlyList<string> Labels { get; }

    public int Count => Reference.Count;

    /// <summary>mu = (1/N^2) sum_i sum_j f(a_i, b_j), per label.</summary>
    public double[] Mu { get; }

    /// <summary>g1(a_i) = (1/N) sum_j f(a_i, b_j).</summary>
    public double[] ImageMeans { get; }

    /// <summary>g2(b_j) = (1/N) sum_i f(a_i, b_j).</summary>
    public double[] TextMeans { get; }

    /// <summary>f(a_i, b_i).</summary>
    public double[] Diagonal { get; }

    public double ElapsedMs { get; }

    public static Task<PreparedReference> PrepareAsync(IMultimodalModel model, ReferenceSet reference, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken) =>
        PrepareAsync(model, reference, DefaultRowsPerBatch, progress, cancellationToken);

    /// <summary>Evaluates R's N x N grid, <paramref name="rowsPerBatch"/> reference images (times N texts) per model call.</summary>
    public static async Task<PreparedReference> PrepareAsync(IMultimodalModel model, ReferenceSet reference, int rowsPerBatch, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(reference);
        if (rowsPerBatch < 1)
        {
            throw new DimeException(ErrorKind.InvalidArgument, "At least one row per batch.", nameof(rowsPerBatch));
        }

        var started = Stopwatch.GetTimestamp();
        var n = reference.Count;
        var labels = model.Labels.ToArray();
        var l = labels.Length;
        rowsPerBatch = PerturbationPasses.RowsWithinBudget(rowsPerBatch, n, l);
        var rowSums = new double[n * l];
        var columnSums = new double[n * l];
        var diagonal = new double[n * l];
        for (var first = 0; first < n; first += rowsPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rowsPerBatch, n - first);
            var grid = await ModelCalls.EvaluateAsync(model, new ImageSetRange(reference.Images, first, count), reference.Texts, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var logits = grid.Row(i, j);
                    for (var c = 0; c < l; c++)
                    {
                        rowSums[((first + i) * l) + c] += logits[c];
                        columnSums[(j * l) + c] += logits[c];
                    }
                }

                var own = grid.Row(i, first + i);
                for (var c = 0; c < l; c++)
                {
                    diagonal[((first + i) * l) + c] = own[c];
                }
            }

            var fraction = (double)(first + count) / n;
            progress?.Report(new ExplainProgress(ExplainPhases.Reference, fraction, fraction));
        }

        var mu = new double[l];
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < l; c++)
            {
                mu[c] += rowSums[(i * l) + c];
            }
        }

        for (var c = 0; c < l; c++)
        {
            mu[c] /= (double)n * n;
        }

        for (var k = 0; k < rowSums.Length; k++)
        {
            rowSums[k] /= n;
            columnSums[k] /= n;
        }

        return new PreparedReference(reference, labels, mu, rowSums, columnSums, diagonal, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    internal void EnsureBelongsTo(IMultimodalModel model)
    {
        if (!model.Labels.SequenceEqual(Labels, StringComparer.Ordinal))
        {
            throw new DimeException(ErrorKind.InvalidArgument, "The reference set was prepared for a model with other labels; prepare it again for this model.", "reference");
        }
    }
}
