using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using RagStack.LlamaSharp;
using RagStack.OpenAi.RemoteGenerator;

namespace RagStack.ModelHost.Models;

/// <summary>
/// The model ids this host answers to: the base model, and <c>base+adapter</c> for each loaded LoRA adapter. Loads the
/// configured adapters when the host starts.
/// </summary>
internal sealed class ServedModels(LlamaChatClient client, IOptions<ModelHostOptions> options, IOptions<LlamaModelOptions> model, TimeProvider clock, ILogger<ServedModels> logger) : IHostedService
{
    /// <summary>The id of the base model.</summary>
    public string BaseId { get; } = options.Value.BaseModelIdOf(model.Value.ModelPath);

    /// <summary>When the host loaded the model and its adapters, as Unix seconds (the models' <c>created</c>).</summary>
    public long LoadedAt { get; private set; }

    /// <summary>The client every request is answered by.</summary>
    public IChatClient Client => client;

    /// <summary>Every id a request may name, the base model first.</summary>
    public IReadOnlyList<string> Ids => [BaseId, .. client.Adapters.Names.Select(name => AdapterModelIds.Compose(BaseId, name))];

    /// <summary>Finds the adapter a model id names: null for the base model; false when no loaded model has that id.</summary>
    public bool TryResolve(string model, out string? adapter)
    {
        adapter = null;
        if (string.Equals(model, BaseId, StringComparison.Ordinal))
        {
            return true;
        }

        var prefix = AdapterModelIds.Compose(BaseId, "");
        if (!model.StartsWith(prefix, StringComparison.Ordinal) || !client.Adapters.Names.Contains(model[prefix.Length..]))
        {
            return false;
        }

        adapter = model[prefix.Length..];
        return true;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, path) in options.Value.Adapters.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            try
            {
                client.Adapters.Add(name, path);
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or IOException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"{ModelHostOptions.Section}:Adapters:{name}: {e.Message}", e);
            }
        }

        LoadedAt = clock.GetUtcNow().ToUnixTimeSeconds();
        ModelHostLog.Serving(logger, string.Join(", ", Ids), model.Value.ModelPath, client.ChatTemplate, client.ContextLength);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
