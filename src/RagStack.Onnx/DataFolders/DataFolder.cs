using System.Text.Json;

namespace RagStack.Onnx;

/// <summary>
/// A RagStack data folder and the settings that belong to it rather than to one run: the embedding model its vectors
/// were made with and the precision it ran in, kept in the folder's <c>ragstack.json</c>. Vectors of two models, or of
/// one model in int8 and in fp32, are not to be mixed, so a folder keeps the variant it started with. The CLI and the
/// services open folders through this one type, so they can share one.
/// </summary>
public sealed record DataFolder(string Path, EmbeddingModelKind EmbeddingModel, EmbeddingPrecision EmbeddingPrecision = EmbeddingPrecision.Int8)
{
    private const string FileName = RagStackDataDirectory.SettingsFileName;

    /// <summary>The folder's settings file (<c>ragstack.json</c>): its embedding model, and configuration such as <c>RagStack:Domains</c>.</summary>
    public string SettingsFile => System.IO.Path.Combine(Path, FileName);

    /// <summary>The model and precision of the folder's vectors as one name (<c>ArcticXs-int8</c>).</summary>
    public EmbeddingVariant Embedding => new(EmbeddingModel, EmbeddingPrecision);

    /// <summary>The folder in force: <paramref name="configured"/>, else <c>RAGSTACK_DATA</c>, else the user's local data folder (<c>~/.local/share/ragstack</c>); absolute.</summary>
    public static string Resolve(string? configured) => RagStackDataDirectory.Resolve(configured);

    /// <summary>
    /// Opens the folder, creating it and recording <paramref name="requested"/> and <paramref name="precision"/> (else the
    /// defaults: arctic-embed-xs, int8) on first use. A null request means "whatever the folder holds".
    /// </summary>
    /// <exception cref="InvalidDataException">The settings file is not JSON or names an unknown embedding model or precision.</exception>
    /// <exception cref="InvalidOperationException">The folder holds vectors of another model or precision than requested.</exception>
    public static DataFolder Open(string path, EmbeddingModelKind? requested = null, EmbeddingPrecision? precision = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(path);
        var file = System.IO.Path.Combine(path, FileName);
        if (File.Exists(file))
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(file))
                ?? throw new InvalidDataException($"{file} is empty or not JSON.");

            // A settings file may hold only configuration (domains) when nothing was ingested yet: the defaults then.
            var model = EmbeddingModelKind.ArcticXs;
            if (stored.EmbeddingModel is not null && !Enum.TryParse(stored.EmbeddingModel, ignoreCase: true, out model))
            {
                throw new InvalidDataException($"{file} names an unknown embedding model '{stored.EmbeddingModel}'.");
            }

            // A folder that names its model but no precision was embedded before int8 existed, in fp32.
            var recorded = stored.EmbeddingModel is null ? EmbeddingPrecision.Int8 : EmbeddingPrecision.Fp32;
            if (stored.EmbeddingPrecision is not null && !Enum.TryParse(stored.EmbeddingPrecision, ignoreCase: true, out recorded))
            {
                throw new InvalidDataException($"{file} names an unknown embedding precision '{stored.EmbeddingPrecision}'; it is int8 or fp32.");
            }

            var folder = new DataFolder(path, model, recorded);
            var wanted = new EmbeddingVariant(requested ?? model, precision ?? recorded);
            if (wanted != folder.Embedding)
            {
                throw new InvalidOperationException(
                    $"The data folder {path} holds vectors of {folder.Embedding}; it cannot be searched or extended with {wanted}. " +
                    $"Use another data folder, or --embedding-model {folder.Embedding}.");
            }

            return folder;
        }

        var chosen = new DataFolder(path, requested ?? EmbeddingModelKind.ArcticXs, precision ?? EmbeddingPrecision.Int8);
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new Stored(chosen.EmbeddingModel.ToString(), chosen.EmbeddingPrecision.ToString())));
        File.Move(temp, file, overwrite: true);
        return chosen;
    }

    private sealed record Stored(string? EmbeddingModel, string? EmbeddingPrecision);
}
