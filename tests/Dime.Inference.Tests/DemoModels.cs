namespace Dime.Inference.Tests;

/// <summary>The two demo models, loaded once on the CPU for the tests that share them.</summary>
public sealed class DemoModels : IDisposable
{
    public DemoModels()
    {
        Clean = OnnxModelLoader.Load(TestPaths.DemoManifest("clean"), DeviceOptions.Cpu);
        Biased = OnnxModelLoader.Load(TestPaths.DemoManifest("biased"), DeviceOptions.Cpu);
    }

    public LoadedModel Clean { get; }

    public LoadedModel Biased { get; }

    public LoadedModel this[string name] => name == "clean" ? Clean : Biased;

    public void Dispose()
    {
        Clean.Dispose();
        Biased.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DemoCollection : ICollectionFixture<DemoModels>
{
    public const string Name = "demo models";
}
