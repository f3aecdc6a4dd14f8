using System.Collections.Concurrent;
using LLama.Native;
using RagStack.Domains;
using RagStack.LlamaSharp.Scheduling;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Adapters;

/// <summary>
/// The LoRA adapters loaded for one base model, by name. Each is loaded once and applied per request; adapters can be
/// added and removed while requests run (a removed adapter finishes its running requests first).
/// </summary>
public sealed class AdapterRegistry
{
    private readonly SafeLlamaModelHandle _model;
    private readonly string _modelPath;
    // Read only when an adapter is added: a client that never uses adapters does not parse its model's metadata twice.
    private readonly Lazy<GgufFile> _base;
    private readonly Func<string, Task> _remove;
    private readonly ConcurrentDictionary<string, LoraAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _retiring = new(StringComparer.Ordinal);

    internal AdapterRegistry(SafeLlamaModelHandle model, string modelPath, Func<string, Task> remove)
    {
        _model = model;
        _modelPath = modelPath;
        _base = new Lazy<GgufFile>(() => GgufFile.Read(modelPath));
        _remove = remove;
    }

    /// <summary>Names of the adapters requests may use.</summary>
    public IReadOnlyCollection<string> Names => [.. _adapters.Keys.Where(n => !_retiring.ContainsKey(n)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Loads a GGUF LoRA adapter under <paramref name="name"/> after checking that it was made for this base model.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a LoRA adapter, or was made for another base model; the message names the mismatch.</exception>
    public void Add(string name, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (name.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Adapter name '{name}' may not contain '@'.", nameof(name));
        }

        if (_adapters.ContainsKey(name))
        {
            throw new InvalidOperationException($"An adapter named '{name}' is already loaded; remove it first.");
        }

        LoraAdapterCheck.Check(path, _base.Value, _modelPath);
        LoraAdapter adapter;
        try
        {
            adapter = _model.LoadLoraFromFile(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: llama.cpp could not load the adapter ({e.Message}).", e);
        }

        if (!_adapters.TryAdd(name, adapter))
        {
            adapter.Unload();
            throw new InvalidOperationException($"An adapter named '{name}' is already loaded; remove it first.");
        }
    }

    /// <summary>
    /// Loads the adapter of each domain that has one, under the domain's name, so a request in that domain can choose it.
    /// Every file is checked before any is loaded, so a bad one leaves the registry as it was; a domain whose adapter is
    /// already loaded under its name is left as it is. Returns the names of the domains whose adapters were loaded now.
    /// </summary>
    /// <exception cref="DomainAdapterException">A domain's adapter file is missing, is not a LoRA adapter, or was made for another base model; the message starts with the file and names the domain.</exception>
    public IReadOnlyList<string> AddDomains(IReadOnlyDictionary<string, DomainOptions> domains)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var pending = domains
            .Where(d => d.Value?.Adapter is not null && !_adapters.ContainsKey(d.Key))
            .Select(d => (Domain: d.Key, Path: d.Value.Adapter!))
            .OrderBy(d => d.Domain, StringComparer.Ordinal)
            .ToList();
        foreach (var (domain, path) in pending)
        {
            Guard(domain, path, () => LoraAdapterCheck.Check(path, _base.Value, _modelPath));
        }

        foreach (var (domain, path) in pending)
        {
            Guard(domain, path, () => Add(domain, path));
        }

        return [.. pending.Select(d => d.Domain)];
    }

    private static void Guard(string domain, string path, Action load)
    {
        try
        {
            load();
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException or IOException)
        {
            throw new DomainAdapterException(domain, path, e);
        }
    }

    /// <summary>
    /// Takes an adapter out of service: new requests can no longer name it at once; it is unloaded when the requests
    /// already using it have finished.
    /// </summary>
    public async Task RemoveAsync(string name)
    {
        if (!_adapters.ContainsKey(name) || !_retiring.TryAdd(name, 0))
        {
            throw new KeyNotFoundException($"No adapter named '{name}' is loaded.");
        }

        await _remove(name);
    }

    /// <summary>The set a request decodes under.</summary>
    internal AdapterSet Resolve(string name, float scale) =>
        !_retiring.ContainsKey(name) && _adapters.TryGetValue(name, out var adapter)
            ? AdapterSet.Of(name, adapter, scale)
            : throw new KeyNotFoundException($"No adapter named '{name}' is loaded (loaded: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}).");

    /// <summary>Called on the decode loop's thread once no request uses the adapter any more; returns what was unloaded.</summary>
    internal LoraAdapter? Unload(string name)
    {
        if (_adapters.TryRemove(name, out var adapter))
        {
            adapter.Unload();
        }

        _retiring.TryRemove(name, out _);
        return adapter;
    }
}
