using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dime.Daemon.Protocol;

// The provenance of an explanation result (docs/protocol.md, "Provenance"): every input named with a hash of its
// bytes, every option as resolved, the random streams and the software and device that computed it. `reproduce`
// re-runs a result from this record alone and checks each hash first.

/// <summary>
/// What computed the numbers: float results agree bit for bit only where all of this is the same. Simd is the widest
/// vector instruction set of the CPU, which picks ONNX Runtime's CPU kernels (and so their rounding).
/// </summary>
internal sealed record ProvenanceEnvironment(string Daemon, string Dotnet, string OnnxRuntime, string Os, string Architecture, string Simd, string Device, string DeviceName, bool Tf32)
{
    public static ProvenanceEnvironment Of(Inference.DeviceInfo device) => new(
        Protocol.Versions.Current.Daemon,
        Protocol.Versions.Current.Dotnet,
        device.OnnxRuntimeVersion,
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        WidestSimd(),
        device.Device,
        DeviceInfoDto.Of(device).Name,
        device.Tf32);

    private static string WidestSimd() =>
        System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "avx512"
        : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "avx2"
        : System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "neon"
        : "baseline";
}

/// <summary>The model: its manifest and the SHA-256 over its files (ModelInfo.hash).</summary>
internal sealed record ProvenanceModel(string ManifestPath, string Hash);

/// <summary>
/// The explained sample. From a dataset: the file, its format and SHA-256, the sample's index, id and (JSONL) line.
/// Always: the image file and the SHA-256 of its bytes, the question and the answer.
/// </summary>
internal sealed record ProvenanceSample(
    string? DatasetPath, string? DatasetFormat, string? DatasetHash, int? Index, int? Line, string Id, string ImagePath, string ImageHash, string Question, string? Answer);

/// <summary>
/// The reference set R: the dataset file and its SHA-256, how R was drawn (size, seed, stratified), the ids of the
/// samples it held in order (with their JSONL lines), and one SHA-256 over their image files in that order.
/// </summary>
internal sealed record ProvenanceReference(
    string DatasetPath, string DatasetFormat, string DatasetHash, int Size, int Seed, bool Stratified, IReadOnlyList<string> Ids, IReadOnlyList<int>? Lines, string ImagesHash);

/// <summary>The labels as the request named them, and the indices they resolved to (absent: every label).</summary>
internal sealed record ProvenanceLabels(JsonElement? Requested, IReadOnlyList<int>? Resolved);

/// <summary>The generator and the seeds of every random draw: the LIME rows' streams and the reference set's.</summary>
internal sealed record ProvenanceRandom(string Algorithm, int Seed, int ReferenceSeed, IReadOnlyDictionary<string, ulong> Streams);

internal sealed record Provenance(
    int Version,
    ProvenanceEnvironment Environment,
    ProvenanceModel Model,
    ProvenanceSample Sample,
    ProvenanceReference Reference,
    ProvenanceLabels Labels,
    ProvenanceRandom Random,
    JsonObject Options,
    QualityDto? Quality)
{
    /// <summary>Raised when the record changes shape; reproduce refuses versions it does not know.</summary>
    public const int CurrentVersion = 1;
}
