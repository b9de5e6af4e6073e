using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dime.Daemon.Protocol;
using Dime.Inference;

namespace Dime.Daemon.Workspace;

/// <summary>A model loaded in this session: its id and what ONNX Runtime made of its manifest.</summary>
internal sealed record ModelEntry(string Id, LoadedModel Loaded);

/// <summary>The models loaded in this session, by id. Loading a manifest that is already loaded returns it.</summary>
internal sealed class ModelRegistry(Func<DeviceOptions> device) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ModelEntry>> _models = new(StringComparer.Ordinal);

    /// <summary>The device the last model was loaded on (null until a model is loaded).</summary>
    public DeviceInfo? LastDevice { get; private set; }

    public ModelEntry Load(string manifestPath)
    {
        var full = Inference.Files.SafeFiles.CheckPath(manifestPath, Inference.Files.FileKind.Manifest.Name);
        var id = "m-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..12];
        var lazy = _models.GetOrAdd(id, _ => new Lazy<ModelEntry>(() => new ModelEntry(id, OnnxModelLoader.Load(full, device()))));
        try
        {
            var entry = lazy.Value;
            LastDevice = entry.Loaded.Device;
            return entry;
        }
        catch
        {
            _models.TryRemove(new KeyValuePair<string, Lazy<ModelEntry>>(id, lazy));
            throw;
        }
    }

    public ModelEntry Get(string modelId) =>
        _models.TryGetValue(modelId, out var lazy) && lazy.IsValueCreated
            ? lazy.Value
            : throw new DaemonException(ErrorCode.ModelNotLoaded, $"No model with id '{modelId}' is loaded; call dime/loadModel first.", modelId);

    public bool Unload(string modelId)
    {
        if (_models.TryRemove(modelId, out var lazy) && lazy.IsValueCreated)
        {
            lazy.Value.Loaded.Dispose();
            return true;
        }

        return false;
    }

    public IReadOnlyList<ModelEntry> All => [.. _models.Values.Where(l => l.IsValueCreated).Select(l => l.Value)];

    public void Dispose()
    {
        foreach (var entry in All)
        {
            entry.Loaded.Dispose();
        }

        _models.Clear();
    }
}
