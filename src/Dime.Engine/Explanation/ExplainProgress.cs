namespace Dime.Engine.Explanation;

/// <summary>
/// Where a long computation stands: the phase it is in, how far that phase is, and how far the whole run is (0 to 1);
/// with <see cref="ExplainOptions.PartialResults"/>, also a fit of the rows so far.
/// </summary>
public sealed record ExplainProgress(string Phase, double PhaseFraction, double OverallFraction, PartialExplanation? Partial = null);

/// <summary>Names of the phases reported through <see cref="ExplainProgress"/>.</summary>
public static class ExplainPhases
{
    public const string Reference = "reference";
    public const string Instance = "instance";
    public const string Segmentation = "segmentation";
    public const string Image = "image";
    public const string Text = "text";
    public const string Fitting = "fitting";
    public const string Done = "done";
}
