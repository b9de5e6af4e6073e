namespace Dime.Inference;

/// <summary>How a loaded model batches its work. The defaults suit the demo model on a CPU and a GPU.</summary>
public sealed record InferenceOptions
{
    /// <summary>
    /// Host memory for one batch's input and output tensors of a graph; batches are cut to fit it (and to the
    /// caps below). The activations ONNX Runtime allocates inside a run grow with the same batch size.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Largest batch for the full graph and the encoders (images or texts per run); null picks 128 on the CPU and
    /// 512 on CUDA (measured with the demo model: CPU throughput flattens from about 64 and drops past 256).
    /// </summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>Largest batch for the fusion head (pairs per run); null picks 256 on the CPU and 4096 on CUDA.</summary>
    public int? MaxFusionBatchSize { get; init; }

    /// <summary>How many encodings of keyed inputs (the instance, the reference set) the split model keeps.</summary>
    public int CachedEncodings { get; init; } = 4096;

    /// <summary>Run every graph once at load, so that the first explanation does not pay for it.</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Longest text (in characters) a tokenizer accepts.</summary>
    public int MaxTextLength { get; init; } = 20_000;

    public static InferenceOptions Default { get; } = new();
}
