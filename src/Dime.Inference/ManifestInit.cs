using Dime.Engine.Errors;
using Dime.Inference.Files;
using Dime.Inference.Manifest;

namespace Dime.Inference;

/// <summary>The manifest DIME derived from a Hugging Face export folder, as written for the user to read and edit.</summary>
/// <param name="Path">Where it was written (or would be).</param>
/// <param name="Json">Its text.</param>
/// <param name="Warnings">What DIME cannot honour exactly (also listed with the loaded model's warnings).</param>
public sealed record InitializedManifest(string Path, string Json, IReadOnlyList<string> Warnings);

/// <summary><c>init-manifest</c>: writes manifest.json for a Hugging Face export folder (Manifest/HuggingFaceExport.cs).</summary>
public static class ManifestInit
{
    /// <param name="folder">The export folder (model.onnx, config.json, tokenizer.json, preprocessor_config.json).</param>
    /// <param name="overwrite">Replace an existing manifest.json; otherwise one is never overwritten.</param>
    /// <param name="write">False: derive and return the text only.</param>
    /// <exception cref="DimeException">InvalidArgument when manifest.json exists; ModelNotFound, ManifestInvalid or NotAnOnnxModel from the derivation.</exception>
    public static InitializedManifest Run(string folder, bool overwrite = false, bool write = true)
    {
        var path = SafeFiles.CheckPath(folder, "folder");
        if (!Directory.Exists(path))
        {
            throw new DimeException(ErrorKind.ModelNotFound, $"{SafeFiles.Quote(path)} is not a folder; init-manifest reads a Hugging Face export folder.", "folder");
        }

        var target = System.IO.Path.Combine(path, "manifest.json");
        if (write && File.Exists(target) && !overwrite)
        {
            throw new DimeException(ErrorKind.InvalidArgument, $"{SafeFiles.Quote(target)} exists; DIME does not overwrite a manifest (pass --force to replace it).", "folder");
        }

        var derived = HuggingFaceExport.Derive(path);
        var json = derived.ToJson();

        // what is written must load: the derived text goes through the manifest reader before it is saved
        ManifestReader.ReadDerived(path, derived);
        if (write)
        {
            File.WriteAllText(target, json);
        }

        return new InitializedManifest(target, json, derived.Warnings);
    }
}
