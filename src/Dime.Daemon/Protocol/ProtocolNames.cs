namespace Dime.Daemon.Protocol;

/// <summary>Every method and notification name of the protocol, defined once (docs/protocol.md).
/// The extension's twin is extension/src/daemon/protocol.ts; a contract test keeps them equal.</summary>
internal static class ProtocolNames
{
    public const string Initialize = "initialize";
    public const string Shutdown = "shutdown";
    public const string Exit = "exit";
    public const string Progress = "$/progress";

    public const string Status = "dime/status";
    public const string LoadModel = "dime/loadModel";
    public const string UnloadModel = "dime/unloadModel";
    public const string OpenDataset = "dime/openDataset";
    public const string ListSamples = "dime/listSamples";
    public const string FindSample = "dime/findSample";
    public const string Predict = "dime/predict";
    public const string Tokenize = "dime/tokenize";
    public const string Explain = "dime/explain";
    public const string ExplainDataset = "dime/explainDataset";
    public const string Compare = "dime/compare";
    public const string Export = "dime/export";
    public const string Reproduce = "dime/reproduce";

    public const int ProtocolVersion = 1;

    /// <summary>The requests a client may send, as answered in initialize's capabilities.</summary>
    public static readonly IReadOnlyList<string> Requests =
    [
        Initialize, Shutdown, Status, LoadModel, UnloadModel, OpenDataset, ListSamples, FindSample, Predict, Tokenize, Explain, ExplainDataset, Compare, Export, Reproduce,
    ];
}
