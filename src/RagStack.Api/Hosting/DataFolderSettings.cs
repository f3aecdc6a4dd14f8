using System.Text.Json;
using RagStack.Onnx;

namespace RagStack.Api.Hosting;

/// <summary>
/// The data folder the service runs on and the embedding model its vectors were made with, kept in the folder's
/// <c>ragstack.json</c> in the CLI's format, so the service and <c>ragstack</c> can share one folder.
/// </summary>
internal sealed record DataFolderSettings(string Path, EmbeddingModelKind EmbeddingModel)
{
    private const string FileName = "ragstack.json";

    /// <summary>The folder's settings file; it may also declare <c>RagStack:Domains</c> (as <c>ragstack domains add</c> writes them).</summary>
    public string SettingsFile => System.IO.Path.Combine(Path, FileName);

    /// <summary>The configured folder, else <c>RAGSTACK_DATA</c>, else the user's local data folder: the CLI's order.</summary>
    public static string Resolve(string? configured)
    {
        var dir = configured is { Length: > 0 } ? configured : Environment.GetEnvironmentVariable("RAGSTACK_DATA");
        if (string.IsNullOrWhiteSpace(dir))
        {
            dir = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "ragstack");
        }

        return System.IO.Path.GetFullPath(dir);
    }

    /// <summary>Reads the folder's embedding model, recording the default on first use.</summary>
    /// <exception cref="InvalidDataException">The settings file is not JSON or names an unknown embedding model.</exception>
    public static DataFolderSettings Open(string path)
    {
        Directory.CreateDirectory(path);
        var file = System.IO.Path.Combine(path, FileName);
        if (File.Exists(file))
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(file))
                ?? throw new InvalidDataException($"{file} is empty or not JSON.");
            if (stored.EmbeddingModel is null)
            {
                return new DataFolderSettings(path, EmbeddingModelKind.ArcticXs);
            }

            return Enum.TryParse<EmbeddingModelKind>(stored.EmbeddingModel, ignoreCase: true, out var model)
                ? new DataFolderSettings(path, model)
                : throw new InvalidDataException($"{file} names an unknown embedding model '{stored.EmbeddingModel}'.");
        }

        var chosen = EmbeddingModelKind.ArcticXs;
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new Stored(chosen.ToString())));
        File.Move(temp, file, overwrite: true);
        return new DataFolderSettings(path, chosen);
    }

    private sealed record Stored(string? EmbeddingModel);
}
