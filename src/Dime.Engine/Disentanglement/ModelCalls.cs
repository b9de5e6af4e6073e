using Dime.Engine.Errors;
using Dime.Engine.Models;

namespace Dime.Engine.Disentanglement;

internal static class ModelCalls
{
    /// <summary>Evaluates the grid and checks that the model returned what it was asked for.</summary>
    public static async Task<LogitGrid> EvaluateAsync(IMultimodalModel model, ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var grid = await model.EvaluateGridAsync(images, texts, cancellationToken).ConfigureAwait(false);
        if (grid is null || grid.Images != images.Count || grid.Texts != texts.Count || grid.Labels != model.Labels.Count)
        {
            throw new DimeException(
                ErrorKind.ModelOutputInvalid,
                $"The model returned a {grid?.Images}x{grid?.Texts}x{grid?.Labels} grid for {images.Count} images, {texts.Count} texts and {model.Labels.Count} labels.");
        }

        CheckFinite(grid.Values);
        return grid;
    }

    /// <summary>Evaluates the pairs and checks that the model returned what it was asked for.</summary>
    public static async Task<float[]> EvaluatePairsAsync(IMultimodalModel model, ImageSet images, IReadOnlyList<string> texts, int[] imageOf, int[] textOf, CancellationToken cancellationToken)
    {
        var logits = await model.EvaluatePairsAsync(images, texts, imageOf, textOf, cancellationToken).ConfigureAwait(false);
        if (logits is null || logits.Length != imageOf.Length * model.Labels.Count)
        {
            throw new DimeException(
                ErrorKind.ModelOutputInvalid,
                $"The model returned {logits?.Length} logits for {imageOf.Length} pairs and {model.Labels.Count} labels.");
        }

        CheckFinite(logits);
        return logits;
    }

    private static void CheckFinite(float[] values)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                throw new DimeException(ErrorKind.ModelOutputInvalid, "The model returned a logit that is NaN or infinite.");
            }
        }
    }
}
