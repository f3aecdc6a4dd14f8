using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagStack.Models.Catalog;

/// <summary>
/// The generator models installed in a data folder (<c>&lt;data&gt;/models/</c>), with a small registry of where each came from and its hash,
/// and the default model <c>ask</c> uses when it is given none.
/// </summary>
public sealed class ModelStore
{
    private const string RegistryFileName = "models.json";
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly TimeProvider _time;
    private readonly string _registryPath;

    private ModelStore(string modelsDirectory, TimeProvider time)
    {
        ModelsDirectory = modelsDirectory;
        _registryPath = Path.Combine(modelsDirectory, RegistryFileName);
        _time = time;
    }

    /// <summary>The folder the model files live in.</summary>
    public string ModelsDirectory { get; }

    /// <summary>
    /// The model <c>ask</c> uses when it gets no <c>--model</c>: the one chosen with <see cref="SetDefault"/> while it still exists,
    /// else the only installed model, else null.
    /// </summary>
    public string? DefaultModelPath
    {
        get
        {
            if (ReadRegistry().Default is { } chosen && Resolve(chosen) is { } path)
            {
                return path;
            }

            var installed = List();
            return installed.Count == 1 ? installed[0].Path : null;
        }
    }

    /// <summary>Opens the models folder of the data folder <paramref name="dataDirectory"/>, creating it when missing.</summary>
    public static ModelStore Open(string dataDirectory) => Open(dataDirectory, TimeProvider.System);

    internal static ModelStore Open(string dataDirectory, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var folder = Path.Combine(Path.GetFullPath(dataDirectory), "models");
        Directory.CreateDirectory(folder);
        return new ModelStore(folder, time);
    }

    /// <summary>Every model in the folder, by name: pulled ones with their record, and GGUF files copied in by hand.</summary>
    public IReadOnlyList<InstalledModel> List()
    {
        var registry = ReadRegistry();
        var models = new List<InstalledModel>();
        foreach (var entry in registry.Models)
        {
            var file = new FileInfo(Path.Combine(ModelsDirectory, entry.File));
            // A registered file deleted by hand is gone: listing it would offer a model that cannot load.
            if (file.Exists)
            {
                models.Add(new InstalledModel(entry.Name, file.FullName, file.Length, entry.Sha256, entry.ChecksumVerified, entry.Source, entry.PulledAt, Registered: true));
            }
        }

        var registeredFiles = registry.Models.Select(m => m.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in new DirectoryInfo(ModelsDirectory).EnumerateFiles("*.gguf"))
        {
            if (!registeredFiles.Contains(file.Name))
            {
                models.Add(new InstalledModel(Path.GetFileNameWithoutExtension(file.Name), file.FullName, file.Length, null, false, null, null, Registered: false));
            }
        }

        return [.. models.OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The model file <paramref name="nameOrPath"/> stands for: an existing file path wins; else an installed model's name or file name; else null.</summary>
    public string? Resolve(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (File.Exists(nameOrPath))
        {
            return Path.GetFullPath(nameOrPath);
        }

        var installed = List();
        return (installed.FirstOrDefault(m => string.Equals(m.Name, nameOrPath, StringComparison.OrdinalIgnoreCase))
            ?? installed.FirstOrDefault(m => string.Equals(Path.GetFileName(m.Path), nameOrPath, StringComparison.OrdinalIgnoreCase)))?.Path;
    }

    /// <summary>Makes <paramref name="nameOrPath"/> (an installed model's name, or a GGUF file anywhere) the default for <c>ask</c>; returns its path.</summary>
    /// <exception cref="ModelNotFoundException">It is neither an installed model nor a file.</exception>
    public string SetDefault(string nameOrPath)
    {
        var path = Resolve(nameOrPath)
            ?? throw new ModelNotFoundException(nameOrPath, "neither an installed model nor a file; see 'ragstack models list', or pull one with 'ragstack models pull <name|url>'.");
        var installed = List().FirstOrDefault(m => m.Path == path);
        var registry = ReadRegistry();
        // Kept by name when it lives in the folder, so the default follows the model if the folder moves; by full path otherwise.
        registry.Default = installed?.Name ?? path;
        WriteRegistry(registry);
        return path;
    }

    /// <summary>How many bytes an interrupted pull of <paramref name="source"/> left to resume from; 0 when there is none.</summary>
    public long PartialDownloadBytes(ModelSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var partial = new FileInfo(ModelDownloader.PartialPath(Path.Combine(ModelsDirectory, source.FileName)));
        return partial.Exists ? partial.Length : 0;
    }

    /// <summary>
    /// Downloads <paramref name="source"/> into the folder (resuming an interrupted pull) and records it; a file already in place
    /// with the expected hash, or registered from the same source, is not downloaded again.
    /// </summary>
    public async Task<ModelPullResult> PullAsync(ModelSource source, ModelDownloader downloader, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(downloader);
        var target = Path.Combine(ModelsDirectory, source.FileName);
        var existing = ReadRegistry().Models.FirstOrDefault(m => m.File == source.FileName);
        if (File.Exists(target))
        {
            if (existing is not null && (source.Sha256 is null || source.Sha256 == existing.Sha256))
            {
                return new ModelPullResult(Find(target), AlreadyInstalled: true, ResumedFrom: 0);
            }

            if (existing is null)
            {
                // Copied in by hand (perhaps from a connected machine, as the offline error suggests): adopt it when its bytes are right.
                var sha256 = await HashFileAsync(target, cancellationToken);
                if (source.Sha256 is null || source.Sha256 == sha256)
                {
                    Register(source, new FileInfo(target), sha256, verified: source.Sha256 is not null);
                    return new ModelPullResult(Find(target), AlreadyInstalled: true, ResumedFrom: 0);
                }
            }
        }

        var result = await downloader.DownloadAsync(source.Url, target, source.Sha256, progress, cancellationToken);
        Register(source, new FileInfo(result.Path), result.Sha256, result.ChecksumVerified);
        return new ModelPullResult(Find(target), AlreadyInstalled: false, result.ResumedFrom);
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private InstalledModel Find(string path) => List().First(m => m.Path == Path.GetFullPath(path));

    private void Register(ModelSource source, FileInfo file, string sha256, bool verified)
    {
        var registry = ReadRegistry();
        registry.Models.RemoveAll(m => m.File == file.Name || string.Equals(m.Name, source.Name, StringComparison.OrdinalIgnoreCase));
        registry.Models.Add(new RegistryEntry
        {
            Name = source.Name,
            File = file.Name,
            Size = file.Length,
            Sha256 = sha256,
            ChecksumVerified = verified,
            Source = source.Url,
            PulledAt = _time.GetUtcNow(),
        });
        WriteRegistry(registry);
    }

    private Registry ReadRegistry()
    {
        if (!File.Exists(_registryPath))
        {
            return new Registry();
        }

        try
        {
            return JsonSerializer.Deserialize<Registry>(File.ReadAllText(_registryPath), JsonOptions) ?? new Registry();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{_registryPath} is not a valid model registry ({ex.Message}); fix it, or delete it to list the model files without their records.", ex);
        }
    }

    private void WriteRegistry(Registry registry)
    {
        // Temp file + move: a crash mid-write leaves the old registry, never half of a new one.
        var temp = Path.Combine(ModelsDirectory, $".{RegistryFileName}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(registry, JsonOptions));
        File.Move(temp, _registryPath, overwrite: true);
    }

    private sealed class Registry
    {
        public string? Default { get; set; }

        public List<RegistryEntry> Models { get; init; } = [];
    }

    private sealed class RegistryEntry
    {
        public required string Name { get; init; }

        public required string File { get; init; }

        public long Size { get; init; }

        public string? Sha256 { get; init; }

        public bool ChecksumVerified { get; init; }

        public Uri? Source { get; init; }

        public DateTimeOffset? PulledAt { get; init; }
    }
}
