namespace Dime.Engine.Disentanglement;

/// <summary>
/// EMAP (Hessel and Lee 2020) on a full grid f[i, j] (rows: one modality, columns: the other): the least-squares
/// additive projection row mean + column mean - grand mean.
/// </summary>
public static class EmapProjection
{
    /// <summary>The additive projection of an n x m grid.</summary>
    public static double[,] Project(double[,] grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var rows = grid.GetLength(0);
        var columns = grid.GetLength(1);
        var rowMeans = new double[rows];
        var columnMeans = new double[columns];
        var grandMean = 0.0;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                rowMeans[i] += grid[i, j];
                columnMeans[j] += grid[i, j];
                grandMean += grid[i, j];
            }
        }

        grandMean /= rows * columns;
        var projection = new double[rows, columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                projection[i, j] = (rowMeans[i] / columns) + (columnMeans[j] / rows) - grandMean;
            }
        }

        return projection;
    }
}
