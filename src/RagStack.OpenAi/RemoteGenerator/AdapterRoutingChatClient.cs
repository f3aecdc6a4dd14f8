using System.ClientModel;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using RagStack.Domains;
using RagStack.Generation;

namespace RagStack.OpenAi.RemoteGenerator;

/// <summary>
/// The generator on an OpenAI-compatible server: a request that chooses an adapter (<see cref="AdapterSelection"/>) is
/// sent to the model <c>&lt;id&gt;+&lt;adapter&gt;</c>, the model host's name for its base model through that adapter; any
/// other request to <c>&lt;id&gt;</c>. A scale of 0 is the base model; other scales are the server's to choose.
/// </summary>
internal sealed class AdapterRoutingChatClient(OpenAIClient server, string modelId) : IChatClient
{
    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (model, adapter, sent) = Route(options);
        return Translate(() => ClientFor(model).GetResponseAsync(messages, sent, cancellationToken), model, adapter);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (model, adapter, sent) = Route(options);
        await using var updates = ClientFor(model).GetStreamingResponseAsync(messages, sent, cancellationToken).GetAsyncEnumerator(cancellationToken);
        // The request is sent when the stream is first read: that is where an unknown model is reported.
        if (!await Translate(() => updates.MoveNextAsync().AsTask(), model, adapter))
        {
            yield break;
        }

        do
        {
            yield return updates.Current;
        }
        while (await updates.MoveNextAsync());
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : ClientFor(modelId).GetService(serviceType, serviceKey);

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    private IChatClient ClientFor(string model) => _clients.GetOrAdd(model, m => server.GetChatClient(m).AsIChatClient());

    /// <summary>The model to ask, the adapter it stands for, and the options without our keys (the server would not know them).</summary>
    private (string Model, string? Adapter, ChatOptions? Options) Route(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(AdapterSelection.Adapter, out var value) || value is not string adapter)
        {
            return (modelId, null, options);
        }

        var sent = options.Clone();
        sent.AdditionalProperties!.Remove(AdapterSelection.Adapter);
        sent.AdditionalProperties.Remove(AdapterSelection.AdapterScale);
        var scale = properties.TryGetValue(AdapterSelection.AdapterScale, out var s) && s is float f ? f : 1f;
        return scale == 0 ? (modelId, null, sent) : (AdapterModelIds.Compose(modelId, adapter), adapter, sent);
    }

    /// <summary>A server without the adapter's model is a domain adapter that cannot be used, which callers report as such.</summary>
    private static async Task<T> Translate<T>(Func<Task<T>> call, string model, string? adapter)
    {
        try
        {
            return await call();
        }
        catch (ClientResultException e) when (adapter is not null && e.Status == 404)
        {
            throw new DomainAdapterException(adapter, model, new InvalidOperationException($"the model server does not serve '{model}'; serve the adapter under the domain's name. {e.Message}", e));
        }
        catch (ClientResultException e) when (e.Status == 400 && ErrorOf(e) is ("context_length_exceeded", var message))
        {
            // Without the server's tokenizer the prompt was packed by an estimate; the server counted more. Report it as the
            // in-process model would, so callers answer it as a question that does not fit rather than a failure.
            throw new ContextWindowExceededException(0, 0,
                $"The model server '{model}' refused the prompt as longer than its window: {message} Set RagStack:Answering:ContextLength below the server's window.");
        }
    }

    /// <summary>The <c>code</c> and <c>message</c> of an OpenAI-shaped error body, if it has one.</summary>
    private static (string? Code, string? Message) ErrorOf(ClientResultException e)
    {
        try
        {
            var body = e.GetRawResponse()?.Content.ToString();
            if (body is null)
            {
                return (null, null);
            }

            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.Object
                ? (error.TryGetProperty("code", out var code) ? code.GetString() : null, error.TryGetProperty("message", out var text) ? text.GetString() : null)
                : (null, null);
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, null);
        }
        catch (InvalidOperationException)
        {
            return (null, null);
        }
    }
}
