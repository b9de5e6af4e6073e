using Dime.Engine.Models;
using Dime.Inference.Imaging;
using Dime.Inference.Manifest;
using Dime.Inference.Runtime;
using Dime.Inference.Text;

namespace Dime.Inference.Models;

/// <summary>E1 as an ONNX graph: images preprocessed in parallel into the batch buffer, then encoded.</summary>
internal sealed class OnnxImageEncoder : IImageEncoder
{
    private readonly GraphRunner _runner;
    private readonly ImagePreprocessor _preprocessor;
    private readonly int _image;

    public OnnxImageEncoder(GraphRunner runner, ImagePreprocessor preprocessor)
    {
        _runner = runner;
        _preprocessor = preprocessor;
        _image = runner.IndexOf(InputRole.Image);
    }

    public int FeatureLength => _runner.OutputRowLength;

    internal GraphRunner Runner => _runner;

    public Task EncodeAsync(ImageSet images, int start, int count, Memory<float> features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Task.Run(
            () =>
            {
                var buffers = _runner.Rent();
                try
                {
                    for (var first = 0; first < count; first += _runner.MaxBatch)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var batch = Math.Min(_runner.MaxBatch, count - first);
                        var offset = start + first;
                        InputPreparation.For(batch, cancellationToken, k =>
                            InputPreparation.Preprocess(images, offset + k, _preprocessor, buffers.FloatRow(_image, k)));
                        _runner.Run(buffers, batch, cancellationToken).CopyTo(features.Span.Slice(first * FeatureLength, batch * FeatureLength));
                    }
                }
                finally
                {
                    _runner.Return(buffers);
                }
            },
            cancellationToken);
    }
}

/// <summary>No image encoder: the "features" are the preprocessed image, which the fusion graph takes as it is.</summary>
internal sealed class PreprocessedImageEncoder(ImagePreprocessor preprocessor) : IImageEncoder
{
    public int FeatureLength => preprocessor.OutputLength;

    public Task EncodeAsync(ImageSet images, int start, int count, Memory<float> features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var length = FeatureLength;
        return Task.Run(
            () => InputPreparation.For(count, cancellationToken, k =>
                InputPreparation.Preprocess(images, start + k, preprocessor, features.Span.Slice(k * length, length))),
            cancellationToken);
    }
}

/// <summary>
/// E2, and what the fusion head needs of the text: per text, the text encoder's output (or, without a text encoder,
/// the token ids as floats), followed by the attention mask when the fusion graph takes one.
/// </summary>
internal sealed class TextFeatureEncoder : ITextEncoder
{
    private readonly TextTokenizer _tokenizer;
    private readonly GraphRunner? _runner;

    public TextFeatureEncoder(TextTokenizer tokenizer, GraphRunner? runner, bool carryMask)
    {
        _tokenizer = tokenizer;
        _runner = runner;
        PrefixLength = runner?.OutputRowLength ?? tokenizer.MaxLength;
        MaskOffset = carryMask ? PrefixLength : -1;
        FeatureLength = PrefixLength + (carryMask ? tokenizer.MaxLength : 0);
    }

    public int FeatureLength { get; }

    /// <summary>Values of the encoder output (or token ids) at the start of each feature row.</summary>
    public int PrefixLength { get; }

    /// <summary>Where the attention mask starts in a feature row; -1 when it is not carried.</summary>
    public int MaskOffset { get; }

    public bool CarriesTokens => _runner is null;

    internal GraphRunner? Runner => _runner;

    public Task EncodeAsync(IReadOnlyList<string> texts, int start, int count, Memory<float> features, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Task.Run(() => Encode(texts, start, count, features.Span, cancellationToken), cancellationToken);
    }

    private void Encode(IReadOnlyList<string> texts, int start, int count, Span<float> features, CancellationToken cancellationToken)
    {
        var length = _tokenizer.MaxLength;
        var (ids, mask) = InputPreparation.Tokenize(_tokenizer, texts, start, count);
        for (var i = 0; i < count; i++)
        {
            var row = features.Slice(i * FeatureLength, FeatureLength);
            if (_runner is null)
            {
                for (var t = 0; t < length; t++)
                {
                    row[t] = ids[(i * length) + t];
                }
            }

            if (MaskOffset >= 0)
            {
                for (var t = 0; t < length; t++)
                {
                    row[MaskOffset + t] = mask[(i * length) + t];
                }
            }
        }

        if (_runner is null)
        {
            return;
        }

        var text = _runner.IndexOf(InputRole.Text);
        var maskInput = _runner.IndexOf(InputRole.AttentionMask);
        var typeIds = _runner.IndexOf(InputRole.TokenTypeIds);
        var buffers = _runner.Rent();
        try
        {
            for (var first = 0; first < count; first += _runner.MaxBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = Math.Min(_runner.MaxBatch, count - first);
                for (var k = 0; k < batch; k++)
                {
                    var at = (first + k) * length;
                    buffers.WriteInts(text, k, ids.AsSpan(at, length));
                    if (maskInput >= 0)
                    {
                        buffers.WriteInts(maskInput, k, mask.AsSpan(at, length));
                    }

                    if (typeIds >= 0)
                    {
                        buffers.ClearRow(typeIds, k);
                    }
                }

                var output = _runner.Run(buffers, batch, cancellationToken);
                for (var k = 0; k < batch; k++)
                {
                    output.Slice(k * PrefixLength, PrefixLength).CopyTo(features.Slice((first + k) * FeatureLength, PrefixLength));
                }
            }
        }
        finally
        {
            _runner.Return(buffers);
        }
    }
}

/// <summary>H as an ONNX graph: all (image, text) pairs of two encoded sets, in batches of pairs.</summary>
internal sealed class OnnxFusionHead : IFusionHead
{
    private const int ParallelFillFrom = 256;
    private readonly GraphRunner _runner;
    private readonly int _imageLength;
    private readonly TextFeatureEncoder _text;
    private readonly int _imageInput;
    private readonly int _textInput;
    private readonly int _maskInput;
    private readonly int _typeIdsInput;

    public OnnxFusionHead(GraphRunner runner, IReadOnlyList<string> labels, int imageFeatureLength, TextFeatureEncoder text)
    {
        _runner = runner;
        Labels = labels;
        _imageLength = imageFeatureLength;
        _text = text;
        _imageInput = runner.IndexOf(InputRole.Image);
        _textInput = runner.IndexOf(InputRole.Text);
        _maskInput = runner.IndexOf(InputRole.AttentionMask);
        _typeIdsInput = runner.IndexOf(InputRole.TokenTypeIds);
    }

    public IReadOnlyList<string> Labels { get; }

    internal GraphRunner Runner => _runner;

    public Task FuseGridAsync(ReadOnlyMemory<float> imageFeatures, int images, ReadOnlyMemory<float> textFeatures, int texts, Memory<float> logits, CancellationToken cancellationToken) =>
        Task.Run(() => Fuse(imageFeatures, textFeatures, images * texts, p => (p / texts, p % texts), logits, cancellationToken), cancellationToken);

    /// <summary>H(imageFeatures[i], textFeatures[i]) for each i.</summary>
    public Task FusePairsAsync(ReadOnlyMemory<float> imageFeatures, ReadOnlyMemory<float> textFeatures, int count, Memory<float> logits, CancellationToken cancellationToken) =>
        Task.Run(() => Fuse(imageFeatures, textFeatures, count, p => (p, p), logits, cancellationToken), cancellationToken);

    /// <summary>H(image imageOf[p], text textOf[p]) for each pair p, batched like the grid.</summary>
    public Task FusePairsAsync(ReadOnlyMemory<float> imageFeatures, int imageLength, ReadOnlyMemory<float> textFeatures, int textLength, int[] imageOf, int[] textOf, Memory<float> logits, CancellationToken cancellationToken) =>
        Task.Run(() => Fuse(imageFeatures, textFeatures, imageOf.Length, p => (imageOf[p], textOf[p]), logits, cancellationToken), cancellationToken);

    private void Fuse(ReadOnlyMemory<float> imageFeatures, ReadOnlyMemory<float> textFeatures, int pairs, Func<int, (int Image, int Text)> pairOf, Memory<float> logits, CancellationToken cancellationToken)
    {
        var labels = Labels.Count;
        var buffers = _runner.Rent();
        try
        {
            for (var first = 0; first < pairs; first += _runner.MaxBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(_runner.MaxBatch, pairs - first);
                var start = first;
                if (count >= ParallelFillFrom)
                {
                    InputPreparation.For(count, cancellationToken, k => Fill(buffers, k, pairOf(start + k), imageFeatures.Span, textFeatures.Span));
                }
                else
                {
                    for (var k = 0; k < count; k++)
                    {
                        Fill(buffers, k, pairOf(start + k), imageFeatures.Span, textFeatures.Span);
                    }
                }

                _runner.Run(buffers, count, cancellationToken).CopyTo(logits.Span.Slice(first * labels, count * labels));
            }
        }
        finally
        {
            _runner.Return(buffers);
        }
    }

    private void Fill(BatchBuffers buffers, int row, (int Image, int Text) pair, ReadOnlySpan<float> imageFeatures, ReadOnlySpan<float> textFeatures)
    {
        imageFeatures.Slice(pair.Image * _imageLength, _imageLength).CopyTo(buffers.FloatRow(_imageInput, row));
        var text = textFeatures.Slice(pair.Text * _text.FeatureLength, _text.FeatureLength);
        if (_text.CarriesTokens)
        {
            buffers.WriteWholeNumbers(_textInput, row, text[.._text.PrefixLength]);
        }
        else
        {
            text[.._text.PrefixLength].CopyTo(buffers.FloatRow(_textInput, row));
        }

        if (_maskInput >= 0)
        {
            buffers.WriteWholeNumbers(_maskInput, row, text.Slice(_text.MaskOffset, text.Length - _text.MaskOffset));
        }

        if (_typeIdsInput >= 0)
        {
            buffers.ClearRow(_typeIdsInput, row);
        }
    }
}
