using Dime.Engine.Sampling;
using MathNet.Numerics.LinearAlgebra;

namespace Dime.Engine.Fitting;

/// <summary>
/// The part of a weighted ridge regression that depends only on the rows and weights, shared by every target:
/// A = sqrt(W) (X - weighted column means) and its Gram matrix G = A'A. Any feature subset's centred Gram matrix
/// is a submatrix of G, so selection and refits never touch the rows again.
/// </summary>
internal sealed class WeightedDesign
{
    public WeightedDesign(FeatureRows rows, double[] weights, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length != rows.Count)
        {
            throw new ArgumentException("One weight per row.", nameof(weights));
        }

        Weights = weights;
        TotalWeight = weights.Sum();
        FeatureMeans = new double[rows.Features];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            for (var j = 0; j < row.Length; j++)
            {
                FeatureMeans[j] += weights[i] * row[j];
            }
        }

        for (var j = 0; j < FeatureMeans.Length; j++)
        {
            FeatureMeans[j] /= TotalWeight;
        }

        Centred = Matrix<double>.Build.Dense(rows.Count, rows.Features, (i, j) => Math.Sqrt(weights[i]) * (rows.Values[(i * rows.Features) + j] - FeatureMeans[j]));
        CentredColumnMajor = Centred.AsColumnMajorArray() ?? Centred.ToColumnMajorArray();
        Gram = GramOf(CentredColumnMajor, rows.Count, rows.Features, cancellationToken);
    }

    public double[] Weights { get; }

    public double TotalWeight { get; }

    public double[] FeatureMeans { get; }

    /// <summary>sqrt(w_i) (x_ij - mean_j), rows x features.</summary>
    public Matrix<double> Centred { get; }

    public Matrix<double> Gram { get; }

    /// <summary><see cref="Centred"/>'s storage, one column after another.</summary>
    public double[] CentredColumnMajor { get; }

    public int Features => FeatureMeans.Length;

    /// <summary>sqrt(w_i) (y_i - weighted mean of y) for each target (rows x targets), and the weighted means.</summary>
    public (Matrix<double> Centred, double[] Means) CentreTargets(IReadOnlyList<double[]> targets)
    {
        var means = new double[targets.Count];
        for (var t = 0; t < targets.Count; t++)
        {
            var sum = 0.0;
            for (var i = 0; i < Weights.Length; i++)
            {
                sum += Weights[i] * targets[t][i];
            }

            means[t] = sum / TotalWeight;
        }

        var centred = Matrix<double>.Build.Dense(Weights.Length, targets.Count, (i, t) => Math.Sqrt(Weights[i]) * (targets[t][i] - means[t]));
        return (centred, means);
    }

    /// <summary>(G[S,S] + alpha I)^-1 c[S], by Cholesky; a singular system (alpha 0) gets the minimum-norm solution like sklearn's SVD fallback.</summary>
    public Vector<double> Solve(IReadOnlyList<int> subset, Vector<double> crossProducts, double alpha)
    {
        var system = Matrix<double>.Build.Dense(subset.Count, subset.Count, (a, b) => Gram[subset[a], subset[b]] + (a == b ? alpha : 0));
        var rightHandSide = Vector<double>.Build.Dense(subset.Count, a => crossProducts[subset[a]]);
        return SolveSymmetric(system, rightHandSide.ToColumnMatrix()).Column(0);
    }

    /// <summary>(G + alpha I)^-1 C for all columns of C at once: one factorisation for every target.</summary>
    public Matrix<double> SolveAll(Matrix<double> crossProducts, double alpha)
    {
        var system = Gram.Clone(); // one features x features copy (an identity times alpha plus a sum made three)
        for (var j = 0; j < Features; j++)
        {
            system[j, j] += alpha;
        }

        return SolveSymmetric(system, crossProducts);
    }

    /// <summary>
    /// A'A column by column (the fit's largest step: rows x features^2), so that a cancel is seen between columns;
    /// each entry is one dot product of two stored columns, and the lower triangle mirrors the upper.
    /// </summary>
    private static Matrix<double> GramOf(double[] columnMajor, int rows, int features, CancellationToken cancellationToken)
    {
        var gram = new double[features * features];
        Parallel.For(0, features, new ParallelOptions { CancellationToken = cancellationToken }, b =>
        {
            var right = columnMajor.AsSpan(b * rows, rows);
            for (var a = 0; a <= b; a++)
            {
                var dot = Dot(columnMajor.AsSpan(a * rows, rows), right);
                gram[(b * features) + a] = dot;
                gram[(a * features) + b] = dot;
            }
        });
        return Matrix<double>.Build.Dense(features, features, gram);
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var vectors = System.Numerics.Vector<double>.Count;
        var sums = System.Numerics.Vector<double>.Zero;
        var i = 0;
        for (; i <= x.Length - vectors; i += vectors)
        {
            sums += new System.Numerics.Vector<double>(x[i..]) * new System.Numerics.Vector<double>(y[i..]);
        }

        var sum = System.Numerics.Vector.Sum(sums);
        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    private static Matrix<double> SolveSymmetric(Matrix<double> system, Matrix<double> rightHandSide)
    {
        try
        {
            return system.Cholesky().Solve(rightHandSide);
        }
        catch (ArgumentException)
        {
            return system.PseudoInverse() * rightHandSide;
        }
    }
}
