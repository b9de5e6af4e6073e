using Dime.Daemon.Protocol;

namespace Dime.Daemon.Workspace;

/// <summary>How the workspace's models, datasets and samples are described on the wire (the records live in Protocol).</summary>
internal static class WireInfo
{
    extension(ModelInfo)
    {
        public static ModelInfo Of(ModelEntry model) => new(
            model.Id,
            model.Loaded.Name,
            model.Loaded.ManifestPath,
            model.Loaded.Labels,
            model.Loaded.Split is not null,
            model.Loaded.ContentHash,
            DeviceInfoDto.Of(model.Loaded.Device),
            model.Loaded.Tokenizer.MaskToken,
            model.Loaded.Warnings.Count == 0 ? null : model.Loaded.Warnings);
    }

    extension(DatasetInfo)
    {
        public static DatasetInfo Of(Dataset dataset) =>
            new(dataset.Id, dataset.Path, dataset.Format, dataset.Samples.Count, dataset.Root, [.. dataset.Warnings.Take(20)]);
    }

    extension(SampleInfo)
    {
        public static SampleInfo Of(Dataset dataset, Sample sample) =>
            new(sample.Index, sample.Id, Path.Combine(dataset.Root, sample.ImagePath), sample.Question, sample.Answer, sample.Line);
    }

    extension(DeviceInfoDto)
    {
        /// <summary>The device of the models: what the last load chose, or what is asked for before any load.</summary>
        public static DeviceInfoDto OfModels(ModelRegistry models, DaemonSettings settings) =>
            models.LastDevice is { } device ? DeviceInfoDto.Of(device) : DeviceInfoDto.NotYetLoaded(settings.Device);
    }
}
