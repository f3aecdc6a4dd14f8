using System.Text.Json;

namespace RagStack.Onnx;

/// <summary>
/// A RagStack data folder and the settings that belong to it rather than to one run: the embedding model its vectors
/// were made with, kept in the folder's <c>ragstack.json</c>. Vectors of two models cannot be compared, so a folder
/// keeps the model it started with. The CLI and the services open folders through this one type, so they can share one.
/// </summary>
public sealed record DataFolder(string Path, EmbeddingModelKind EmbeddingModel)
{
    private const string FileName = RagStackDataDirectory.SettingsFileName;

    /// <summary>The folder's settings file (<c>ragstack.json</c>): its embedding model, and configuration such as <c>RagStack:Domains</c>.</summary>
    public string SettingsFile => System.IO.Path.Combine(Path, FileName);

    /// <summary>The folder in force: <paramref name="configured"/>, else <c>RAGSTACK_DATA</c>, else the user's local data folder (<c>~/.local/share/ragstack</c>); absolute.</summary>
    public static string Resolve(string? configured) => RagStackDataDirectory.Resolve(configured);

    /// <summary>
    /// Opens the folder, creating it and recording <paramref name="requested"/> (else the default model) on first use.
    /// </summary>
    /// <exception cref="InvalidDataException">The settings file is not JSON or names an unknown embedding model.</exception>
    /// <exception cref="InvalidOperationException">The folder holds vectors of another model than <paramref name="requested"/>.</exception>
    public static DataFolder Open(string path, EmbeddingModelKind? requested = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(path);
        var file = System.IO.Path.Combine(path, FileName);
        if (File.Exists(file))
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(file))
                ?? throw new InvalidDataException($"{file} is empty or not JSON.");
            // A settings file may hold only configuration (domains) when nothing was ingested yet: the default model then.
            var model = EmbeddingModelKind.ArcticXs;
            if (stored.EmbeddingModel is not null && !Enum.TryParse(stored.EmbeddingModel, ignoreCase: true, out model))
            {
                throw new InvalidDataException($"{file} names an unknown embedding model '{stored.EmbeddingModel}'.");
            }

            if (requested is { } r && r != model)
            {
                throw new InvalidOperationException($"The data folder {path} holds vectors of {model}; it cannot be searched with {r}. Use another data folder.");
            }

            return new DataFolder(path, model);
        }

        var chosen = requested ?? EmbeddingModelKind.ArcticXs;
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new Stored(chosen.ToString())));
        File.Move(temp, file, overwrite: true);
        return new DataFolder(path, chosen);
    }

    private sealed record Stored(string? EmbeddingModel);
}
