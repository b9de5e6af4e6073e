using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Models;
using Dime.Inference.Runtime;
using Dime.Inference.Text;

namespace Dime.Inference;

/// <summary>Logits of (image i, text i) pairs, laid out [pair, label].</summary>
public sealed class PairLogits
{
    public PairLogits(int count, int labels, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != checked(count * labels))
        {
            throw new ArgumentException($"Expected {count}x{labels} logits, got {values.Length}.", nameof(values));
        }

        Count = count;
        Labels = labels;
        Values = values;
    }

    public int Count { get; }

    public int Labels { get; }

    public float[] Values { get; }

    public ReadOnlySpan<float> Row(int pair) => Values.AsSpan(pair * Labels, Labels);

    /// <summary>The index of the largest logit of a pair (the first on ties).</summary>
    public int ArgMax(int pair)
    {
        var row = Row(pair);
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}

/// <summary>
/// A model folder loaded for inference: sessions created and warmed up on the chosen device, the tokenizer and the
/// preprocessing ready. <see cref="Model"/> is what the engine explains: the split fast path when the manifest
/// declares a fusion head, the full graph otherwise. Thread-safe; dispose it to free the sessions (a run in flight
/// is stopped first).
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private readonly IReadOnlyList<GraphRunner> _runners;
    private readonly IReadOnlyList<IDisposable> _resources;
    private readonly FullGraphModel? _full;
    private readonly IImageEncoder? _imageEncoder;
    private readonly TextFeatureEncoder? _textEncoder;
    private readonly OnnxFusionHead? _fusion;
    private readonly WiredModel? _wired;
    private readonly WiredModel? _wiredFull;
    private int _disposed;

    internal LoadedModel(
        ModelManifest manifest,
        DeviceInfo device,
        string contentHash,
        TextTokenizer tokenizer,
        ImagePreprocessor preprocessor,
        FullGraphModel? full,
        IImageEncoder? imageEncoder,
        TextFeatureEncoder? textEncoder,
        OnnxFusionHead? fusion,
        IReadOnlyList<GraphRunner> runners,
        IReadOnlyList<IDisposable> resources,
        InferenceOptions options,
        WiredModel? wired = null,
        WiredModel? wiredFull = null)
    {
        _resources = resources;
        Manifest = manifest;
        Device = device;
        ContentHash = contentHash;
        TextTokenizer = tokenizer;
        Warnings = [.. manifest.DerivationWarnings, .. Checking.ConfigurationWarnings.Of(manifest.Tokenizer, tokenizer), .. Checking.HuggingFaceFileWarnings.Of(manifest.Directory, manifest.Labels, preprocessor.Spec)];
        Preprocessor = preprocessor;
        _full = full;
        _imageEncoder = imageEncoder;
        _textEncoder = textEncoder;
        _fusion = fusion;
        _runners = runners;
        _wired = wired;
        _wiredFull = wiredFull;
        if (imageEncoder is not null && textEncoder is not null && fusion is not null)
        {
            Split = new SplitModel(imageEncoder, textEncoder, fusion, options.CachedEncodings);
        }
        else if (wired is not null)
        {
            Split = wired.Split;
        }
    }

    /// <summary>The manifest file, or the Hugging Face export folder a manifest was derived from (what loads the model again).</summary>
    public string ManifestPath => Manifest.Derived ? Manifest.Directory : Manifest.Path;

    public string Name => Manifest.Name;

    public string? Description => Manifest.Description;

    /// <summary>The dataset the manifest names for drawing reference sets when the user has none (may not exist).</summary>
    public string? ReferenceDatasetPath => Manifest.ReferenceDataset;

    /// <summary>One name per logit.</summary>
    public IReadOnlyList<string> Labels => Manifest.Labels;

    /// <summary>The model to explain: <see cref="Split"/> when there is one, otherwise <see cref="FullGraph"/>.</summary>
    public IMultimodalModel Model => (IMultimodalModel?)Split ?? _full!;

    /// <summary>The full graph, when the manifest declares one (the model checker compares it with the split path).</summary>
    public IMultimodalModel? FullGraph => (IMultimodalModel?)_full ?? _wiredFull?.Split;

    /// <summary>
    /// Format 2: how often each graph ran, and on how many rows, since the model was loaded (the full graph's calls
    /// under "full"); empty for format 1.
    /// </summary>
    public IReadOnlyList<GraphCalls> GraphCalls => [.. _wired?.Calls ?? [], .. _wiredFull?.Calls ?? []];

    /// <summary>
    /// ONNX Runtime session runs since the model was loaded, every graph and format together (warm-up included): what
    /// tells a run that did inference from one that did none.
    /// </summary>
    public long SessionRuns => _runners.Sum(r => r.Runs) + GraphCalls.Sum(c => c.Runs);

    /// <summary>Format 2: which graphs run per image, per text and per pair.</summary>
    public IReadOnlyDictionary<string, string> GraphSides =>
        _wired?.Plan.Sides.ToDictionary(kv => kv.Key, kv => kv.Value.ToString().ToLowerInvariant()) ?? new Dictionary<string, string>();

    /// <summary>The split fast path (encoders once per distinct input, fusion head on all pairs), when declared.</summary>
    public SplitModel? Split { get; }

    public TokenizerInfo Tokenizer => TextTokenizer.Info;

    /// <summary>Configurations that load but are probably wrong (Checking/ConfigurationWarnings.cs).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The model's input size after preprocessing.</summary>
    public int ImageWidth => Preprocessor.Spec.Width;

    public int ImageHeight => Preprocessor.Spec.Height;

    /// <summary>Where the sessions run, and why (travels with every result).</summary>
    public DeviceInfo Device { get; }

    /// <summary>SHA-256 (hex) over the manifest and every file it names: identifies the model in results and caches.</summary>
    public string ContentHash { get; }

    internal ModelManifest Manifest { get; }

    internal TextTokenizer TextTokenizer { get; }

    internal ImagePreprocessor Preprocessor { get; }

    internal FullGraphModel? FullGraphModel => _full;

    internal IImageEncoder? ImageEncoder => _imageEncoder;

    internal TextFeatureEncoder? TextEncoder => _textEncoder;

    internal OnnxFusionHead? Fusion => _fusion;

    /// <summary>The token ids the model sees for a text (padding included).</summary>
    public IReadOnlyList<int> TokenIds(string text) => TextTokenizer.EncodeToIds(text);

    /// <summary>The ids, tokens and words the model receives for a text (which words became the unknown token, too).</summary>
    public TokenizedText Tokenize(string text) => TextTokenizer.Tokenize(text);

    /// <summary>The vocabulary entry of a token id.</summary>
    public string TokenOf(int id) => TextTokenizer.TokenOf(id);

    /// <summary>
    /// f(images[i], texts[i]) for each i: predictions for a list of samples, without the grid. Uses the full graph
    /// when there is one, otherwise encodes each side once and fuses the pairs.
    /// </summary>
    public async Task<PairLogits> PredictAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        if (images.Count != texts.Count)
        {
            throw new ArgumentException($"One text per image: {images.Count} images, {texts.Count} texts.", nameof(texts));
        }

        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var labels = Labels.Count;
        if (_full is not null)
        {
            return new PairLogits(images.Count, labels, await _full.EvaluatePairsAsync(images, texts, cancellationToken).ConfigureAwait(false));
        }

        if (_wired is not null)
        {
            var wiredPath = _wiredFull ?? _wired;
            return new PairLogits(images.Count, labels, await wiredPath.PredictPairsAsync(images, texts, cancellationToken).ConfigureAwait(false));
        }

        var count = images.Count;
        var imageFeatures = new float[checked(count * _imageEncoder!.FeatureLength)];
        var textFeatures = new float[checked(count * _textEncoder!.FeatureLength)];
        var logits = new float[checked(count * labels)];
        await _imageEncoder.EncodeAsync(images, 0, count, imageFeatures, cancellationToken).ConfigureAwait(false);
        await _textEncoder.EncodeAsync(texts, 0, count, textFeatures, cancellationToken).ConfigureAwait(false);
        await _fusion!.FusePairsAsync(imageFeatures, textFeatures, count, logits, cancellationToken).ConfigureAwait(false);
        return new PairLogits(count, labels, logits);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var runner in _runners)
        {
            runner.Dispose();
        }

        foreach (var resource in _resources)
        {
            resource.Dispose();
        }
    }
}
