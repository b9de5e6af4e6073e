using System.Text.Json;
using System.Text.Json.Nodes;
using Dime.Daemon.Protocol;
using Dime.Daemon.Workspace;
using Dime.Engine.Explanation;

namespace Dime.Daemon.Explaining;

/// <summary>
/// Everything one explanation is computed from, resolved: the model, the decoded sample, where R comes from and how
/// it is drawn, the engine's options with every default filled in, and the settings shown with the result.
/// dime/explain makes one from a request; reproduce makes one from a result's provenance.
/// </summary>
internal sealed record ExplainRun(
    ModelEntry Model,
    ResolvedSample Sample,
    Dataset ReferenceDataset,
    int ReferenceSize,
    int ReferenceSeed,
    bool Stratified,
    ExplainOptions Options,
    QualityDto? Quality,
    JsonElement? LabelsRequested,
    JsonObject Settings,
    IReadOnlyList<string> Warnings);
