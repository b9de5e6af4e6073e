using System.Collections.Concurrent;
using System.Numerics;
using Dime.Engine.Errors;
using Dime.Inference.Manifest;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dime.Inference.Runtime;

/// <summary>A graph input as DIME feeds it: its role, name, element type and the shape of one row (without the batch).</summary>
internal sealed record BoundInput(InputRole Role, string Name, TensorElementType ElementType, long[] RowShape)
{
    public int RowLength { get; } = checked((int)RowShape.Aggregate(1L, (a, b) => a * b));

    public int ElementSize => ElementType switch
    {
        TensorElementType.Int64 => 8,
        _ => 4,
    };
}

/// <summary>
/// One ONNX Runtime session and everything needed to run it in batches: input and output buffers allocated once
/// (pinned, pooled per concurrent caller) with OrtValues over them, cancellation of a run in flight through
/// RunOptions.Terminate, and a check that the output holds only finite numbers.
/// </summary>
internal sealed class GraphRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly ConcurrentBag<BatchBuffers> _pool = [];
    private readonly InFlightRuns _inFlight;
    private bool _ownsSession = true;

    private GraphRunner(GraphSpec spec, InferenceSession session, IReadOnlyList<BoundInput> inputs, long[] outputRowShape, int? fixedBatch, int maxBatch)
    {
        Spec = spec;
        _session = session;
        _inFlight = new InFlightRuns(spec.Field);
        Inputs = inputs;
        OutputRowShape = outputRowShape;
        OutputRowLength = checked((int)outputRowShape.Aggregate(1L, (a, b) => a * b));
        FixedBatch = fixedBatch;
        MaxBatch = maxBatch;
        _inputNames = inputs.Select(i => i.Name).ToArray();
        _outputNames = [spec.Output];
    }

    public GraphSpec Spec { get; }

    public IReadOnlyList<BoundInput> Inputs { get; }

    public long[] OutputRowShape { get; }

    public int OutputRowLength { get; }

    /// <summary>The graph's own batch size when it is not dynamic; smaller batches are padded to it.</summary>
    public int? FixedBatch { get; }

    public int MaxBatch { get; }

    /// <summary>
    /// Binds a session: runs it once on a batch of one (or its fixed batch) to warm it up and to learn the output
    /// shape where the graph leaves it open, then sizes batches by the memory budget.
    /// </summary>
    public static GraphRunner Create(
        GraphSpec spec,
        InferenceSession session,
        IReadOnlyList<BoundInput> inputs,
        long[]? outputRowShape,
        int? fixedBatch,
        int maxBatchCap,
        long memoryBudgetBytes,
        bool warmUp,
        Func<BoundInput, Array>? warmUpRow)
    {
        if (warmUp || outputRowShape is null)
        {
            var observed = Probe(spec, session, inputs, fixedBatch ?? 1, warmUpRow);
            if (outputRowShape is not null && !outputRowShape.SequenceEqual(observed))
            {
                throw new DimeException(
                    ErrorKind.ManifestGraphMismatch,
                    $"The graph {spec.FileName} ({spec.Field}) declares its output '{spec.Output}' as [{string.Join(",", outputRowShape)}] per row but produced [{string.Join(",", observed)}].",
                    $"{spec.Field}.output");
            }

            outputRowShape = observed;
        }

        var rowBytes = inputs.Sum(i => (long)i.RowLength * i.ElementSize) + (outputRowShape.Aggregate(1L, (a, b) => a * b) * 4);
        var maxBatch = fixedBatch ?? (int)Math.Clamp(memoryBudgetBytes / Math.Max(1, rowBytes), 1, Math.Max(1, maxBatchCap));
        return new GraphRunner(spec, session, inputs, outputRowShape, fixedBatch, maxBatch);
    }

    /// <summary>Another runner over the same session with its own batch size (for the benchmark); it does not own the session.</summary>
    public GraphRunner WithMaxBatch(int maxBatch) =>
        new(Spec, _session, Inputs, OutputRowShape, FixedBatch, FixedBatch ?? Math.Max(1, maxBatch)) { _ownsSession = false };

    public int IndexOf(InputRole role)
    {
        for (var i = 0; i < Inputs.Count; i++)
        {
            if (Inputs[i].Role == role)
            {
                return i;
            }
        }

        return -1;
    }

    public BatchBuffers Rent()
    {
        _inFlight.ThrowIfClosed(); // a model unloaded between two batches: the same typed error as during a run

        return _pool.TryTake(out var buffers) ? buffers : new BatchBuffers(Inputs, OutputRowShape, MaxBatch);
    }

    public void Return(BatchBuffers buffers)
    {
        if (!_inFlight.WhileOpen(() => _pool.Add(buffers)))
        {
            buffers.Dispose();
        }
    }

    /// <summary>The session runs since the graph was loaded.</summary>
    public long Runs => _inFlight.Started;

    /// <summary>Runs the first <paramref name="count"/> rows of <paramref name="buffers"/>; returns their output (count x OutputRowLength).</summary>
    public ReadOnlySpan<float> Run(BatchBuffers buffers, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatch);
        cancellationToken.ThrowIfCancellationRequested();
        var batch = FixedBatch ?? count;
        using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _inFlight.Enter(runOptions);
        try
        {
            using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
            var (inputs, outputs, owned) = buffers.Values(batch);
            try
            {
                _session.Run(runOptions, _inputNames, inputs, _outputNames, outputs);
            }
            finally
            {
                if (owned)
                {
                    foreach (var value in inputs.Concat(outputs))
                    {
                        value.Dispose();
                    }
                }
            }
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The model run was cancelled.", cancellationToken);
        }
        catch (OnnxRuntimeException e) when (_inFlight.IsClosed)
        {
            throw new DimeException(ErrorKind.ModelNotLoaded, "The model was unloaded while it was running.", Spec.Field, e);
        }
        catch (OnnxRuntimeException e)
        {
            throw new DimeException(ErrorKind.InferenceFailed, $"ONNX Runtime failed to run {Spec.FileName} ({Spec.Field}): {e.Message}", Spec.Field, e);
        }
        finally
        {
            _inFlight.Exit(runOptions);
        }

        var output = buffers.Output(count);
        CheckFinite(output);
        return output;
    }

    public void Dispose()
    {
        if (!_inFlight.Close())
        {
            return;
        }

        if (_ownsSession)
        {
            _session.Dispose();
        }

        while (_pool.TryTake(out var buffers))
        {
            buffers.Dispose();
        }
    }

    /// <summary>Index of the first NaN or infinity, or -1. x - x is 0 for every finite x and NaN otherwise.</summary>
    internal static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values.Slice(i));
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
                {
                    break;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }


    private void CheckFinite(ReadOnlySpan<float> output)
    {
        var at = FirstNonFinite(output);
        if (at < 0)
        {
            return;
        }

        var value = output[at];
        var what = float.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
        throw new DimeException(
            ErrorKind.ModelOutputInvalid,
            $"The graph {Spec.FileName} ({Spec.Field}) produced {what} in its output '{Spec.Output}' (batch row {at / OutputRowLength}, value {at % OutputRowLength}); DIME needs finite logits.",
            Spec.Field);
    }



    private static long[] Probe(GraphSpec spec, InferenceSession session, IReadOnlyList<BoundInput> inputs, int batch, Func<BoundInput, Array>? rowOf)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in inputs)
            {
                var row = rowOf?.Invoke(input);
                var array = BatchBuffers.Allocate(input.ElementType, batch * input.RowLength, pinned: false);
                if (row is not null)
                {
                    for (var b = 0; b < batch; b++)
                    {
                        Array.Copy(row, 0, array, b * input.RowLength, input.RowLength);
                    }
                }

                values.Add(BatchBuffers.CreateValue(input.ElementType, array, [batch, .. input.RowShape], batch * input.RowLength));
            }

            using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            using var outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, [spec.Output]);
            var info = outputs[0].GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float)
            {
                throw new DimeException(
                    ErrorKind.ManifestGraphMismatch,
                    $"The graph {spec.FileName} ({spec.Field}) output '{spec.Output}' holds {info.ElementDataType}; DIME reads float32.",
                    $"{spec.Field}.output");
            }

            if (info.Shape.Length < 2 || info.Shape[0] != batch)
            {
                throw new DimeException(
                    ErrorKind.ManifestGraphMismatch,
                    $"The graph {spec.FileName} ({spec.Field}) output '{spec.Output}' has shape [{string.Join(",", info.Shape)}] for a batch of {batch}; DIME needs the batch first and at least one value per row.",
                    $"{spec.Field}.output");
            }

            return info.Shape[1..];
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }
}

/// <summary>One caller's input and output buffers for a graph, pinned, with OrtValues over the whole capacity.</summary>
internal sealed class BatchBuffers : IDisposable
{
    private readonly IReadOnlyList<BoundInput> _inputs;
    private readonly Array[] _arrays;
    private readonly float[] _output;
    private readonly long[] _outputRowShape;
    private readonly int _outputRowLength;
    private readonly OrtValue[] _fullInputs;
    private readonly OrtValue[] _fullOutput;

    public BatchBuffers(IReadOnlyList<BoundInput> inputs, long[] outputRowShape, int capacity)
    {
        _inputs = inputs;
        Capacity = capacity;
        _outputRowShape = outputRowShape;
        var outputRowLength = _outputRowLength = checked((int)outputRowShape.Aggregate(1L, (a, b) => a * b));
        _arrays = inputs.Select(i => Allocate(i.ElementType, capacity * i.RowLength, pinned: true)).ToArray();
        _output = GC.AllocateArray<float>(capacity * outputRowLength, pinned: true);
        _fullInputs = inputs.Select((input, k) => CreateValue(input.ElementType, _arrays[k], [capacity, .. input.RowShape], capacity * input.RowLength)).ToArray();
        _fullOutput = [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(), [capacity, .. outputRowShape])];
    }

    public int Capacity { get; }

    public Span<float> FloatRow(int input, int row)
    {
        var length = _inputs[input].RowLength;
        return ((float[])_arrays[input]).AsSpan(row * length, length);
    }

    /// <summary>Writes whole numbers (token ids, mask values) into an int64, int32 or float input row.</summary>
    public void WriteInts(int input, int row, ReadOnlySpan<int> values)
    {
        var length = _inputs[input].RowLength;
        switch (_arrays[input])
        {
            case long[] longs:
                var target = longs.AsSpan(row * length, length);
                for (var i = 0; i < length; i++)
                {
                    target[i] = values[i];
                }

                break;
            case int[] ints:
                values[..length].CopyTo(ints.AsSpan(row * length, length));
                break;
            case float[] floats:
                var floatTarget = floats.AsSpan(row * length, length);
                for (var i = 0; i < length; i++)
                {
                    floatTarget[i] = values[i];
                }

                break;
        }
    }

    /// <summary>Writes whole numbers carried as floats (token ids inside text features) into an input row.</summary>
    public void WriteWholeNumbers(int input, int row, ReadOnlySpan<float> values)
    {
        var length = _inputs[input].RowLength;
        switch (_arrays[input])
        {
            case long[] longs:
                var target = longs.AsSpan(row * length, length);
                for (var i = 0; i < length; i++)
                {
                    target[i] = (long)values[i];
                }

                break;
            case int[] ints:
                var intTarget = ints.AsSpan(row * length, length);
                for (var i = 0; i < length; i++)
                {
                    intTarget[i] = (int)values[i];
                }

                break;
            case float[] floats:
                values[..length].CopyTo(floats.AsSpan(row * length, length));
                break;
        }
    }

    public void ClearRow(int input, int row)
    {
        var length = _inputs[input].RowLength;
        Array.Clear(_arrays[input], row * length, length);
    }

    public ReadOnlySpan<float> Output(int count) => _output.AsSpan(0, count * _outputRowLength);

    /// <summary>OrtValues for a batch: the preallocated ones at full capacity, new ones (owned by the caller) over the same memory otherwise.</summary>
    public (OrtValue[] Inputs, OrtValue[] Outputs, bool Owned) Values(int batch)
    {
        if (batch == Capacity)
        {
            return (_fullInputs, _fullOutput, false);
        }

        var inputs = _inputs.Select((input, k) => CreateValue(input.ElementType, _arrays[k], [batch, .. input.RowShape], batch * input.RowLength)).ToArray();
        var outputs = new[] { OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, batch * _outputRowLength), [batch, .. _outputRowShape]) };
        return (inputs, outputs, true);
    }

    public void Dispose()
    {
        foreach (var value in _fullInputs.Concat(_fullOutput))
        {
            value.Dispose();
        }
    }

    internal static Array Allocate(TensorElementType type, int length, bool pinned) => type switch
    {
        TensorElementType.Float => GC.AllocateArray<float>(length, pinned),
        TensorElementType.Int64 => GC.AllocateArray<long>(length, pinned),
        TensorElementType.Int32 => GC.AllocateArray<int>(length, pinned),
        _ => throw new NotSupportedException($"Element type {type} is not supported."),
    };

    internal static OrtValue CreateValue(TensorElementType type, Array array, long[] shape, int length) => type switch
    {
        TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>((float[])array, 0, length), shape),
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<long>((long[])array, 0, length), shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<int>((int[])array, 0, length), shape),
        _ => throw new NotSupportedException($"Element type {type} is not supported."),
    };
}
