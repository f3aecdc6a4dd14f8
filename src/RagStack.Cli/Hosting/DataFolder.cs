using System.Text.Json;
using RagStack.Onnx;

namespace RagStack.Cli.Hosting;

/// <summary>
/// Settings that belong to a data folder rather than to one run: the embedding model its vectors were made with.
/// Vectors of two models cannot be compared, so a folder keeps the model it started with.
/// </summary>
internal sealed record DataFolder(string Path, EmbeddingModelKind EmbeddingModel)
{
    private const string FileName = "ragstack.json";

    /// <summary>The folder's settings file (<c>ragstack.json</c>): its embedding model, and configuration such as <c>RagStack:Domains</c>.</summary>
    public string SettingsFile => System.IO.Path.Combine(Path, FileName);

    /// <summary>Reads the folder's settings, writing them on first use; refuses a model other than the folder's.</summary>
    public static DataFolder Open(string path, EmbeddingModelKind? requested)
    {
        Directory.CreateDirectory(path);
        var file = System.IO.Path.Combine(path, FileName);
        if (File.Exists(file))
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(file))
                ?? throw new InvalidDataException($"{file} is empty or not JSON.");
            if (!Enum.TryParse<EmbeddingModelKind>(stored.EmbeddingModel, ignoreCase: true, out var model))
            {
                throw new InvalidDataException($"{file} names an unknown embedding model '{stored.EmbeddingModel}'.");
            }

            if (requested is { } r && r != model)
            {
                throw new InvalidOperationException($"The data folder {path} holds vectors of {model}; it cannot be searched with {r}. Use another --data-dir.");
            }

            return new DataFolder(path, model);
        }

        var chosen = requested ?? EmbeddingModelKind.ArcticXs;
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new Stored(chosen.ToString())));
        File.Move(temp, file, overwrite: true);
        return new DataFolder(path, chosen);
    }

    private sealed record Stored(string EmbeddingModel);
}
