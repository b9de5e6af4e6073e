using System.Collections.Concurrent;

namespace Dime.Engine.Models;

/// <summary>
/// f(a, b) = H(E1(a), E2(b)) evaluated the fast way: every distinct image and text is encoded once
/// (encodings of keyed inputs, such as the reference set, are kept between calls) and the cheap fusion
/// head runs on all pairs. This is what makes DIME's (S x N) grids affordable.
/// </summary>
public sealed class SplitModel : IMultimodalModel
{
    private readonly IImageEncoder _imageEncoder;
    private readonly ITextEncoder _textEncoder;
    private readonly IFusionHead _fusion;
    private readonly EncodingCache _imageCache;
    private readonly EncodingCache _textCache;

    public SplitModel(IImageEncoder imageEncoder, ITextEncoder textEncoder, IFusionHead fusion, int cachedEncodings = 4096)
    {
        _imageEncoder = imageEncoder ?? throw new ArgumentNullException(nameof(imageEncoder));
        _textEncoder = textEncoder ?? throw new ArgumentNullException(nameof(textEncoder));
        _fusion = fusion ?? throw new ArgumentNullException(nameof(fusion));
        _imageCache = new EncodingCache(cachedEncodings);
        _textCache = new EncodingCache(cachedEncodings);
    }

    public IReadOnlyList<string> Labels => _fusion.Labels;

    public async Task<LogitGrid> EvaluateGridAsync(ImageSet images, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        var imageFeatures = await EncodeAsync(
            images.Count, _imageEncoder.FeatureLength, images.CacheKey, _imageCache,
            (start, count, dest, ct) => _imageEncoder.EncodeAsync(images, start, count, dest, ct),
            cancellationToken).ConfigureAwait(false);
        var textFeatures = await EncodeAsync(
            texts.Count, _textEncoder.FeatureLength, i => "t:" + texts[i], _textCache,
            (start, count, dest, ct) => _textEncoder.EncodeAsync(texts, start, count, dest, ct),
            cancellationToken).ConfigureAwait(false);
        var logits = new float[checked(images.Count * texts.Count * Labels.Count)];
        await _fusion.FuseGridAsync(imageFeatures, images.Count, textFeatures, texts.Count, logits, cancellationToken).ConfigureAwait(false);
        return new LogitGrid(images.Count, texts.Count, Labels.Count, logits);
    }

    /// <summary>Like the grid: every distinct image and text encoded once, then the fusion head on the pairs asked for.</summary>
    public async Task<float[]> EvaluatePairsAsync(ImageSet images, IReadOnlyList<string> texts, int[] imageOf, int[] textOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(imageOf);
        ArgumentNullException.ThrowIfNull(textOf);
        if (imageOf.Length != textOf.Length)
        {
            throw new ArgumentException("One text index per image index.", nameof(textOf));
        }

        var imageFeatures = await EncodeAsync(
            images.Count, _imageEncoder.FeatureLength, images.CacheKey, _imageCache,
            (start, count, dest, ct) => _imageEncoder.EncodeAsync(images, start, count, dest, ct),
            cancellationToken).ConfigureAwait(false);
        var textFeatures = await EncodeAsync(
            texts.Count, _textEncoder.FeatureLength, i => "t:" + texts[i], _textCache,
            (start, count, dest, ct) => _textEncoder.EncodeAsync(texts, start, count, dest, ct),
            cancellationToken).ConfigureAwait(false);
        var logits = new float[checked(imageOf.Length * Labels.Count)];
        await _fusion.FusePairsAsync(imageFeatures, _imageEncoder.FeatureLength, textFeatures, _textEncoder.FeatureLength, imageOf, textOf, logits, cancellationToken).ConfigureAwait(false);
        return logits;
    }

    /// <summary>Forgets every cached encoding.</summary>
    public void ClearCache()
    {
        _imageCache.Clear();
        _textCache.Clear();
    }

    private delegate Task EncodeRange(int start, int count, Memory<float> destination, CancellationToken cancellationToken);

    /// <summary>
    /// Encodes items [0, count): cached ones are copied, repeats of a key within the call are encoded once and copied,
    /// the others encoded in runs of consecutive indices.
    /// </summary>
    private static async Task<float[]> EncodeAsync(
        int count, int length, Func<int, string?> keyOf, EncodingCache cache, EncodeRange encode, CancellationToken cancellationToken)
    {
        var features = new float[checked(count * length)];
        var missing = new List<int>();
        var repeats = new List<(int Index, int FirstIndex)>();
        var firstWithKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new string?[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = keyOf(i);
            if (keys[i] is { } key && cache.TryGet(key, out var cached))
            {
                cached.CopyTo(features.AsMemory(i * length, length));
            }
            else if (keys[i] is { } repeated && firstWithKey.TryGetValue(repeated, out var first))
            {
                repeats.Add((i, first));
            }
            else
            {
                missing.Add(i);
                if (keys[i] is { } newKey)
                {
                    firstWithKey.Add(newKey, i);
                }
            }
        }

        for (var m = 0; m < missing.Count;)
        {
            var start = missing[m];
            var run = 1;
            while (m + run < missing.Count && missing[m + run] == start + run)
            {
                run++;
            }

            await encode(start, run, features.AsMemory(start * length, run * length), cancellationToken).ConfigureAwait(false);
            m += run;
        }

        foreach (var (index, firstIndex) in repeats)
        {
            features.AsSpan(firstIndex * length, length).CopyTo(features.AsSpan(index * length, length));
        }

        foreach (var i in missing)
        {
            if (keys[i] is { } key)
            {
                cache.Add(key, features.AsSpan(i * length, length).ToArray());
            }
        }

        return features;
    }

    /// <summary>A bounded map from input identity to encoding; when full, it starts over (inputs come in waves).</summary>
    /// <summary>
    /// A bounded map from input identity to encoding. When full, the half used longest ago goes, so inputs that
    /// every call brings (the reference set) stay while one-off perturbed texts come and go.
    /// </summary>
    private sealed class EncodingCache(int capacity)
    {
        private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
        private readonly Lock _evicting = new();
        private long _clock;

        public bool TryGet(string key, out float[] encoding)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                entry.LastUse = Interlocked.Increment(ref _clock);
                encoding = entry.Encoding;
                return true;
            }

            encoding = [];
            return false;
        }

        public void Add(string key, float[] encoding)
        {
            if (_entries.Count >= capacity)
            {
                lock (_evicting)
                {
                    if (_entries.Count >= capacity)
                    {
                        foreach (var old in _entries.OrderBy(e => e.Value.LastUse).Take(Math.Max(1, _entries.Count / 2)).ToList())
                        {
                            _entries.TryRemove(old.Key, out _);
                        }
                    }
                }
            }

            _entries[key] = new Entry(encoding) { LastUse = Interlocked.Increment(ref _clock) };
        }

        public void Clear() => _entries.Clear();

        private sealed class Entry(float[] encoding)
        {
            public float[] Encoding { get; } = encoding;

            public long LastUse { get; set; }
        }
    }
}
