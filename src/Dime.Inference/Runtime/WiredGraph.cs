using Dime.Engine.Errors;
using Dime.Inference.Manifest;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dime.Inference.Runtime;

/// <summary>A graph input of a wiring as DIME feeds it: its source, element type and the shape of one row.</summary>
internal sealed record WiredBinding(WiredInput Input, TensorElementType ElementType, long[] RowShape)
{
    public int RowLength { get; } = checked((int)RowShape.Aggregate(1L, (a, b) => a * b));
}

/// <summary>
/// One session of a wiring, run in batches on float rows: inputs are converted to the graph's element types
/// (whole numbers for int64/int32), every output another graph or the logits need comes back as float32. Counts its
/// runs and rows (the graph calls a result reports), stops a run in flight on cancellation or disposal.
/// </summary>
internal sealed class WiredGraph : IDisposable
{
    private readonly InferenceSession _session;
    private readonly InFlightRuns _inFlight;
    private long _runs;
    private long _rows;

    public WiredGraph(WiredGraphSpec spec, InferenceSession session)
    {
        Spec = spec;
        _session = session;
        _inFlight = new InFlightRuns(spec.Field);
    }

    public WiredGraphSpec Spec { get; }

    public string Name => Spec.Name;

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    public IReadOnlyList<WiredBinding> Bindings { get; private set; } = [];

    /// <summary>The outputs read back, with the shape of one row each.</summary>
    public IReadOnlyList<(string Name, long[] RowShape, int RowLength)> Outputs { get; private set; } = [];

    public int? FixedBatch { get; private set; }

    public int MaxBatch { get; private set; } = 1;

    public long Runs => Interlocked.Read(ref _runs);

    public long Rows => Interlocked.Read(ref _rows);

    public void Bind(IReadOnlyList<WiredBinding> bindings, int? fixedBatch)
    {
        Bindings = bindings;
        FixedBatch = fixedBatch;
    }

    public void SetOutputs(IReadOnlyList<(string Name, long[] RowShape)> outputs, int maxBatch)
    {
        Outputs = outputs.Select(o => (o.Name, o.RowShape, checked((int)o.RowShape.Aggregate(1L, (a, b) => a * b)))).ToList();
        MaxBatch = FixedBatch ?? Math.Max(1, maxBatch);
    }

    /// <summary>
    /// Runs <paramref name="count"/> rows. <paramref name="inputs"/> holds one float array per binding (count rows),
    /// null for constants. Returns one array per output in <paramref name="outputNames"/> (count rows each).
    /// </summary>
    public float[][] Run(IReadOnlyList<float[]?> inputs, int count, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        var lengths = outputNames.Select(n => RowLengthOf(n)).ToArray();
        var results = lengths.Select(l => new float[checked(count * l)]).ToArray();
        for (var first = 0; first < count; first += MaxBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(MaxBatch, count - first);
            RunChunk(inputs, first, rows, outputNames, lengths, results, cancellationToken);
        }

        return results;
    }

    /// <summary>Values per row of one of <see cref="Outputs"/>.</summary>
    public int RowLengthOf(string output) => Outputs.First(o => o.Name == output).RowLength;

    public void Dispose()
    {
        if (!_inFlight.Close())
        {
            return;
        }

        _session.Dispose();
    }

    /// <summary>
    /// Runs one batch without the counters and batching (load-time checks): <paramref name="inputs"/> as in
    /// <see cref="Run"/>, <paramref name="batch"/> rows. Returns each named output's full shape, element type and,
    /// for float32 outputs, values.
    /// </summary>
    internal List<(long[] Shape, TensorElementType Type, float[] Values)> Probe(IReadOnlyList<float[]?> inputs, int batch, IReadOnlyList<string> outputNames)
    {
        var values = new List<OrtValue>();
        try
        {
            for (var b = 0; b < Bindings.Count; b++)
            {
                var binding = Bindings[b];
                var array = BatchBuffers.Allocate(binding.ElementType, batch * binding.RowLength, pinned: false);
                if (inputs[b] is { } source)
                {
                    Write(array, source.AsSpan(0, batch * binding.RowLength));
                }
                else
                {
                    Fill(array, batch * binding.RowLength, binding.Input.Source.Constant);
                }

                values.Add(BatchBuffers.CreateValue(binding.ElementType, array, [batch, .. binding.RowShape], batch * binding.RowLength));
            }

            using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            using var outputs = _session.Run(runOptions, Bindings.Select(b => b.Input.Name).ToArray(), values, outputNames.ToArray());
            return outputs.Select(o =>
            {
                var info = o.GetTensorTypeAndShape();
                var data = info.ElementDataType == TensorElementType.Float ? o.GetTensorDataAsSpan<float>().ToArray() : [];
                return (info.Shape, info.ElementDataType, data);
            }).ToList();
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private void RunChunk(IReadOnlyList<float[]?> inputs, int first, int rows, IReadOnlyList<string> outputNames, int[] lengths, float[][] results, CancellationToken cancellationToken)
    {
        var batch = FixedBatch ?? rows;
        var values = new List<OrtValue>(Bindings.Count);
        using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _inFlight.Enter(runOptions);
        try
        {
            for (var b = 0; b < Bindings.Count; b++)
            {
                var binding = Bindings[b];
                var length = binding.RowLength;
                var array = BatchBuffers.Allocate(binding.ElementType, batch * length, pinned: false);
                if (binding.Input.Source.Kind == SourceKind.Constant)
                {
                    Fill(array, rows * length, binding.Input.Source.Constant);
                }
                else
                {
                    Write(array, inputs[b]!.AsSpan(first * length, rows * length));
                }

                values.Add(BatchBuffers.CreateValue(binding.ElementType, array, [batch, .. binding.RowShape], batch * length));
            }

            using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
            using var outputs = _session.Run(runOptions, Bindings.Select(b => b.Input.Name).ToArray(), values, outputNames.ToArray());
            for (var o = 0; o < outputNames.Count; o++)
            {
                var data = outputs[o].GetTensorDataAsSpan<float>()[..(rows * lengths[o])];
                CheckFinite(outputNames[o], data);
                data.CopyTo(results[o].AsSpan(first * lengths[o]));
            }

            Interlocked.Increment(ref _runs);
            Interlocked.Add(ref _rows, rows);
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
            foreach (var value in values)
            {
                value.Dispose();
            }

            _inFlight.Exit(runOptions);
        }
    }

    private static void Fill(Array array, int length, float value)
    {
        switch (array)
        {
            case float[] floats:
                Array.Fill(floats, value, 0, length);
                break;
            case long[] longs:
                Array.Fill(longs, (long)value, 0, length);
                break;
            case int[] ints:
                Array.Fill(ints, (int)value, 0, length);
                break;
        }
    }

    private static void Write(Array array, ReadOnlySpan<float> source)
    {
        switch (array)
        {
            case float[] floats:
                source.CopyTo(floats);
                break;
            case long[] longs:
                for (var i = 0; i < source.Length; i++)
                {
                    longs[i] = (long)source[i];
                }

                break;
            case int[] ints:
                for (var i = 0; i < source.Length; i++)
                {
                    ints[i] = (int)source[i];
                }

                break;
        }
    }

    private void CheckFinite(string output, ReadOnlySpan<float> values)
    {
        var at = GraphRunner.FirstNonFinite(values);
        if (at >= 0)
        {
            var value = values[at];
            var what = float.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
            throw new DimeException(
                ErrorKind.ModelOutputInvalid,
                $"The graph {Spec.FileName} ({Spec.Field}) produced {what} in its output '{output}'; DIME needs finite values.",
                Spec.Field);
        }
    }



}
