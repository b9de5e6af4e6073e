using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Runtime;
using Dime.Inference.Text;

namespace Dime.Inference.Models;

/// <summary>How many times each graph of a wiring ran, and on how many rows (batches padded to a fixed size count their real rows).</summary>
public sealed record GraphCalls(string Graph, long Runs, long Rows);

/// <summary>
/// A format-2 model: the image-side graphs as an <see cref="IImageEncoder"/> whose "features" are the image bundle, the
/// text-side graphs as an <see cref="ITextEncoder"/> likewise, and the pair graphs as an <see cref="IFusionHead"/>.
/// <see cref="SplitModel"/> then caches each bundle per distinct input and runs the pair graphs on the grid.
/// </summary>
internal sealed class WiredModel
{
    private readonly WiredImageSide _image;
    private readonly WiredTextSide _text;
    private readonly WiredPairSide _pairs;

    public WiredModel(WiringPlan plan, ImagePreprocessor preprocessor, TextTokenizer tokenizer, IReadOnlyList<string> labels, int batchCap, int cachedEncodings)
    {
        Plan = plan;
        _image = new WiredImageSide(plan, preprocessor, batchCap);
        _text = new WiredTextSide(plan, tokenizer, batchCap);
        _pairs = new WiredPairSide(plan, labels);
        Split = new SplitModel(_image, _text, _pairs, cachedEncodings);
    }

    public WiringPlan Plan { get; }

    public SplitModel Split { get; }

    public IReadOnlyList<GraphCalls> Calls => Plan.Order.Select(g => new GraphCalls(g.Name, g.Runs, g.Rows)).ToList();

    /// <summary>f(images[i], texts[i]) for each i, without the grid and without the caches.</summary>
    public async Task<float[]> PredictPairsAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var count = images.Count;
        var imageBundles = new float[checked(count * _image.FeatureLength)];
        var textBundles = new float[checked(count * _text.FeatureLength)];
        await _image.EncodeAsync(images, 0, count, imageBundles, cancellationToken).ConfigureAwait(false);
        await _text.EncodeAsync(texts, 0, count, textBundles, cancellationToken).ConfigureAwait(false);
        var logits = new float[checked(count * _pairs.Labels.Count)];
        await Task.Run(() => _pairs.Fuse(imageBundles, textBundles, count, p => (p, p), logits, cancellationToken), cancellationToken).ConfigureAwait(false);
        return logits;
    }

    /// <summary>Runs one side's graphs in order on <paramref name="rows"/> rows of <paramref name="values"/>, adding their outputs to it.</summary>
    internal static void RunGraphs(IEnumerable<WiredGraph> graphs, WiringPlan plan, Dictionary<string, float[]> values, int rows, CancellationToken cancellationToken)
    {
        foreach (var graph in graphs)
        {
            var inputs = graph.Bindings.Select(b => b.Input.Source.Kind == SourceKind.Constant ? null : values[WiringPlan.KeyOf(b.Input.Source)]).ToList();
            var read = plan.OutputsRead[graph.Name];
            var outputs = graph.Run(inputs, rows, read, cancellationToken);
            for (var o = 0; o < read.Count; o++)
            {
                values[$"{graph.Name}.{read[o]}"] = outputs[o];
            }
        }
    }

    /// <summary>Writes each row's bundle: the slots' values one after the other.</summary>
    internal static void WriteBundles(Bundle bundle, Dictionary<string, float[]> values, int rows, Span<float> destination)
    {
        var length = bundle.Length;
        foreach (var slot in bundle.Slots)
        {
            var source = values[slot.Key];
            for (var r = 0; r < rows; r++)
            {
                source.AsSpan(r * slot.Length, slot.Length).CopyTo(destination.Slice((r * length) + slot.Offset, slot.Length));
            }
        }
    }
}

/// <summary>The image side: preprocessing, the pixel mask, and every graph that depends on the image only.</summary>
internal sealed class WiredImageSide(WiringPlan plan, ImagePreprocessor preprocessor, int batchCap) : IImageEncoder
{
    private readonly WiredGraph[] _graphs = plan.GraphsOn(Side.Image).ToArray();

    public int FeatureLength => plan.ImageBundle.Length;

    public Task EncodeAsync(ImageSet images, int start, int count, Memory<float> features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var chunk = Math.Max(1, _graphs.Length == 0 ? batchCap : _graphs.Min(g => g.MaxBatch));
        var imageLength = preprocessor.OutputLength;
        return Task.Run(
            () =>
            {
                for (var first = 0; first < count; first += chunk)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rows = Math.Min(chunk, count - first);
                    var offset = start + first;
                    var pixels = new float[rows * imageLength];
                    InputPreparation.For(rows, cancellationToken, k =>
                        InputPreparation.Preprocess(images, offset + k, preprocessor, pixels.AsSpan(k * imageLength, imageLength)));
                    var mask = new float[rows * preprocessor.Spec.Width * preprocessor.Spec.Height];
                    Array.Fill(mask, 1f);
                    var values = new Dictionary<string, float[]>(StringComparer.Ordinal) { ["image"] = pixels, ["image.pixelMask"] = mask };
                    WiredModel.RunGraphs(_graphs, plan, values, rows, cancellationToken);
                    WiredModel.WriteBundles(plan.ImageBundle, values, rows, features.Span.Slice(first * FeatureLength, rows * FeatureLength));
                }
            },
            cancellationToken);
    }
}

/// <summary>The text side: the tokens (ids, attention mask, one segment of type ids) and every graph that depends on the text only.</summary>
internal sealed class WiredTextSide(WiringPlan plan, TextTokenizer tokenizer, int batchCap) : ITextEncoder
{
    private readonly WiredGraph[] _graphs = plan.GraphsOn(Side.Text).ToArray();

    public int FeatureLength => plan.TextBundle.Length;

    public Task EncodeAsync(IReadOnlyList<string> texts, int start, int count, Memory<float> features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var chunk = Math.Max(1, _graphs.Length == 0 ? batchCap : _graphs.Min(g => g.MaxBatch));
        return Task.Run(
            () =>
            {
                for (var first = 0; first < count; first += chunk)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rows = Math.Min(chunk, count - first);
                    var (ids, mask) = InputPreparation.Tokenize(tokenizer, texts, start + first, rows);
                    var values = new Dictionary<string, float[]>(StringComparer.Ordinal)
                    {
                        ["text.ids"] = Array.ConvertAll(ids, i => (float)i),
                        ["text.attentionMask"] = Array.ConvertAll(mask, i => (float)i),
                        ["text.tokenTypeIds"] = new float[ids.Length],
                    };
                    WiredModel.RunGraphs(_graphs, plan, values, rows, cancellationToken);
                    WiredModel.WriteBundles(plan.TextBundle, values, rows, features.Span.Slice(first * FeatureLength, rows * FeatureLength));
                }
            },
            cancellationToken);
    }
}

/// <summary>The pair side: the graphs that see both, run on (image bundle, text bundle) pairs in batches.</summary>
internal sealed class WiredPairSide(WiringPlan plan, IReadOnlyList<string> labels) : IFusionHead
{
    private readonly WiredGraph[] _graphs = plan.GraphsOn(Side.Pair).ToArray();

    public IReadOnlyList<string> Labels => labels;

    public Task FuseGridAsync(ReadOnlyMemory<float> imageFeatures, int images, ReadOnlyMemory<float> textFeatures, int texts, Memory<float> logits, CancellationToken cancellationToken) =>
        Task.Run(() => Fuse(imageFeatures, textFeatures, images * texts, p => (p / texts, p % texts), logits, cancellationToken), cancellationToken);

    public void Fuse(ReadOnlyMemory<float> imageBundles, ReadOnlyMemory<float> textBundles, int pairs, Func<int, (int Image, int Text)> pairOf, Memory<float> logits, CancellationToken cancellationToken)
    {
        var chunk = Math.Max(1, _graphs.Min(g => g.MaxBatch));
        var labelCount = labels.Count;
        for (var first = 0; first < pairs; first += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(chunk, pairs - first);
            var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
            Gather(plan.ImageBundle, imageBundles.Span, rows, k => pairOf(first + k).Image, values);
            Gather(plan.TextBundle, textBundles.Span, rows, k => pairOf(first + k).Text, values);
            WiredModel.RunGraphs(_graphs, plan, values, rows, cancellationToken);
            plan.AssembleLogits(values, rows, logits.Span.Slice(first * labelCount, rows * labelCount));
        }
    }

    private static void Gather(Bundle bundle, ReadOnlySpan<float> bundles, int rows, Func<int, int> indexOf, Dictionary<string, float[]> values)
    {
        var length = bundle.Length;
        foreach (var slot in bundle.Slots)
        {
            var gathered = new float[rows * slot.Length];
            for (var k = 0; k < rows; k++)
            {
                bundles.Slice((indexOf(k) * length) + slot.Offset, slot.Length).CopyTo(gathered.AsSpan(k * slot.Length, slot.Length));
            }

            values[slot.Key] = gathered;
        }
    }
}
