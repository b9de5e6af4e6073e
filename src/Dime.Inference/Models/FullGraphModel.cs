using System.Buffers;
using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Runtime;
using Dime.Inference.Text;

namespace Dime.Inference.Models;

/// <summary>
/// f(a, b) through the full graph: (image, text) pairs stacked into batches. Within one call each distinct image is
/// preprocessed once (in parallel) and each text tokenized once; pairs run in grid order, so an image's tensor is
/// needed only while its pairs are in the current batch.
/// </summary>
internal sealed class FullGraphModel : IMultimodalModel
{
    private readonly GraphRunner _runner;
    private readonly ImagePreprocessor _preprocessor;
    private readonly TextTokenizer _tokenizer;
    private readonly int _image;
    private readonly int _text;
    private readonly int _mask;
    private readonly int _typeIds;

    public FullGraphModel(GraphRunner runner, ImagePreprocessor preprocessor, TextTokenizer tokenizer, IReadOnlyList<string> labels)
    {
        _runner = runner;
        _preprocessor = preprocessor;
        _tokenizer = tokenizer;
        Labels = labels;
        _image = runner.IndexOf(InputRole.Image);
        _text = runner.IndexOf(InputRole.Text);
        _mask = runner.IndexOf(InputRole.AttentionMask);
        _typeIds = runner.IndexOf(InputRole.TokenTypeIds);
    }

    public IReadOnlyList<string> Labels { get; }

    internal GraphRunner Runner => _runner;

    public Task<LogitGrid> EvaluateGridAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        var textCount = texts.Count;
        return Task.Run(
            () =>
            {
                var logits = new float[checked(images.Count * textCount * Labels.Count)];
                Evaluate(images, texts, images.Count * textCount, p => (p / textCount, p % textCount), logits, cancellationToken);
                return new LogitGrid(images.Count, textCount, Labels.Count, logits);
            },
            cancellationToken);
    }

    /// <summary>f(images[i], texts[i]) for each i: count x labels logits.</summary>
    public Task<float[]> EvaluatePairsAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        if (images.Count != texts.Count)
        {
            throw new ArgumentException("One text per image.", nameof(texts));
        }

        return Task.Run(
            () =>
            {
                var logits = new float[checked(images.Count * Labels.Count)];
                Evaluate(images, texts, images.Count, p => (p, p), logits, cancellationToken);
                return logits;
            },
            cancellationToken);
    }

    /// <summary>f(images[imageOf[p]], texts[textOf[p]]) for each pair p, batched like the grid (pairs of one image kept together).</summary>
    public Task<float[]> EvaluatePairsAsync(ImageSet images, IReadOnlyList<string> texts, int[] imageOf, int[] textOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(imageOf);
        ArgumentNullException.ThrowIfNull(textOf);
        if (imageOf.Length != textOf.Length)
        {
            throw new ArgumentException("One text index per image index.", nameof(textOf));
        }

        return Task.Run(
            () =>
            {
                var logits = new float[checked(imageOf.Length * Labels.Count)];
                Evaluate(images, texts, imageOf.Length, p => (imageOf[p], textOf[p]), logits, cancellationToken);
                return logits;
            },
            cancellationToken);
    }

    private void Evaluate(ImageSet images, IReadOnlyList<string> texts, int pairs, Func<int, (int Image, int Text)> pairOf, float[] logits, CancellationToken cancellationToken)
    {
        if (pairs == 0)
        {
            return;
        }

        var (ids, mask) = InputPreparation.Tokenize(_tokenizer, texts, 0, texts.Count);
        var length = _tokenizer.MaxLength;
        var labels = Labels.Count;
        var imageLength = _preprocessor.OutputLength;
        var ready = new Dictionary<int, float[]>();
        var buffers = _runner.Rent();
        try
        {
            for (var first = 0; first < pairs; first += _runner.MaxBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(_runner.MaxBatch, pairs - first);
                var used = new HashSet<int>();
                for (var k = 0; k < count; k++)
                {
                    used.Add(pairOf(first + k).Image);
                }

                foreach (var stale in ready.Keys.Where(i => !used.Contains(i)).ToList())
                {
                    ArrayPool<float>.Shared.Return(ready[stale]);
                    ready.Remove(stale);
                }

                var missing = used.Where(i => !ready.ContainsKey(i)).ToArray();
                var prepared = new float[missing.Length][];
                InputPreparation.For(missing.Length, cancellationToken, m =>
                {
                    prepared[m] = ArrayPool<float>.Shared.Rent(imageLength);
                    InputPreparation.Preprocess(images, missing[m], _preprocessor, prepared[m].AsSpan(0, imageLength));
                });
                for (var m = 0; m < missing.Length; m++)
                {
                    ready[missing[m]] = prepared[m];
                }

                for (var k = 0; k < count; k++)
                {
                    var (image, text) = pairOf(first + k);
                    ready[image].AsSpan(0, imageLength).CopyTo(buffers.FloatRow(_image, k));
                    buffers.WriteInts(_text, k, ids.AsSpan(text * length, length));
                    if (_mask >= 0)
                    {
                        buffers.WriteInts(_mask, k, mask.AsSpan(text * length, length));
                    }

                    if (_typeIds >= 0)
                    {
                        buffers.ClearRow(_typeIds, k);
                    }
                }

                _runner.Run(buffers, count, cancellationToken).CopyTo(logits.AsSpan(first * labels, count * labels));
            }
        }
        finally
        {
            foreach (var array in ready.Values)
            {
                ArrayPool<float>.Shared.Return(array);
            }

            _runner.Return(buffers);
        }
    }
}
