using System.Runtime.CompilerServices;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;
using RagStack.Generation;
using RagStack.LlamaSharp.Adapters;
using RagStack.LlamaSharp.Chat;
using RagStack.LlamaSharp.Scheduling;

namespace RagStack.LlamaSharp;

/// <summary>
/// An <see cref="IChatClient"/> over a local GGUF model run by llama.cpp (LLamaSharp). One loaded model serves every
/// concurrent request through a shared decode loop; prompts that start alike reuse each other's evaluated prefix.
/// </summary>
public sealed class LlamaChatClient : IChatClient, IChatTokenCounter
{
    private readonly LLamaWeights _weights;
    private readonly SafeLLamaContextHandle _context;
    private readonly LLamaWeights? _draftWeights;
    private readonly SafeLLamaContextHandle? _draftContext;
    private readonly DecodeScheduler _scheduler;
    private readonly ChatPromptFormatter _formatter;
    private readonly PromptTokenizer _tokenizer;
    private readonly LlamaModelOptions _options;
    private readonly ChatClientMetadata _metadata;

    private LlamaChatClient(LlamaModelOptions options, LLamaWeights weights, SafeLLamaContextHandle context, int contextLength, LLamaWeights? draftWeights, SafeLLamaContextHandle? draftContext)
    {
        _options = options;
        _weights = weights;
        _context = context;
        _draftWeights = draftWeights;
        _draftContext = draftContext;
        ContextLength = contextLength;
        _formatter = ChatPromptFormatter.Create(weights.NativeHandle, options.ModelPath, options.ChatTemplate);
        _tokenizer = new PromptTokenizer(weights.NativeHandle);
        var draft = draftContext is null ? null : new DraftModel(draftContext, options.DraftTokens, options.BatchSize);
        DecodeScheduler? scheduler = null;
        Adapters = new AdapterRegistry(weights.NativeHandle, options.ModelPath, name => scheduler!.RemoveAdapterAsync(name));
        _scheduler = scheduler = new DecodeScheduler(weights.NativeHandle, context, options.MaxParallelRequests, options.PrefixCacheEntries, options.BatchSize, (int)context.ContextSize, draft, Adapters.Unload);
        var name = Path.GetFileNameWithoutExtension(options.ModelPath);
        _metadata = new ChatClientMetadata("llama.cpp", new Uri(Path.GetFullPath(options.ModelPath)), name);
    }

    /// <inheritdoc />
    public int ContextLength { get; }

    /// <summary>
    /// The LoRA adapters loaded for this model. A request chooses one with <see cref="AdapterSelection.WithAdapter"/>
    /// (the <see cref="AdapterSelection.Adapter"/> and <see cref="AdapterSelection.AdapterScale"/> keys in
    /// <see cref="ChatOptions.AdditionalProperties"/>).
    /// </summary>
    public AdapterRegistry Adapters { get; }

    /// <summary>Which chat template formats prompts (the model's own, a built-in one, or the plain-text transcript).</summary>
    public string ChatTemplate => _formatter.Description;

    /// <summary>Prompt tokens evaluated since load, after prefix reuse; shows how much evaluation the prefix cache saved.</summary>
    public long EvaluatedPromptTokens => _scheduler.EvaluatedPromptTokens;

    /// <summary>Draft tokens proposed and accepted since load (speculative decoding; both 0 without a draft model).</summary>
    public (long Proposed, long Accepted) DraftStatistics => (_scheduler.DraftedTokens, _scheduler.AcceptedTokens);

    /// <summary>Loads the model and starts its decode loop.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range, or the model file does not exist.</exception>
    /// <exception cref="InvalidDataException">llama.cpp could not load the file as a model.</exception>
    public static LlamaChatClient Load(LlamaModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        new LlamaModelOptionsValidator().ThrowIfInvalid(options);
        LlamaNative.EnsureLoaded();
        var weights = LoadWeights(options.ModelPath);
        LLamaWeights? draftWeights = null;
        var contexts = new List<SafeLLamaContextHandle>();
        try
        {
            var window = options.ContextLength > 0 ? options.ContextLength : Math.Min(weights.ContextSize, LlamaModelOptions.DefaultContextCap);
            var parameters = ContextParameters(options, window);
            contexts.Add(SafeLLamaContextHandle.Create(weights.NativeHandle, parameters));
            if (options.DraftModelPath is { } draftPath)
            {
                draftWeights = LoadWeights(draftPath);
                if (draftWeights.NativeHandle.Vocab.Count != weights.NativeHandle.Vocab.Count)
                {
                    throw new InvalidDataException($"{draftPath}: the draft model has {draftWeights.NativeHandle.Vocab.Count} tokens in its vocabulary and {options.ModelPath} has {weights.NativeHandle.Vocab.Count}; a draft must share the model's vocabulary.");
                }

                contexts.Add(SafeLLamaContextHandle.Create(draftWeights.NativeHandle, parameters));
            }

            return new LlamaChatClient(options, weights, contexts[0], window, draftWeights, contexts.Count > 1 ? contexts[1] : null);
        }
        catch
        {
            contexts.ForEach(c => c.Dispose());
            draftWeights?.Dispose();
            weights.Dispose();
            throw;
        }
    }

    private static LLamaWeights LoadWeights(string path)
    {
        try
        {
            return LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
        }
        catch (Exception e) when (e is LLama.Exceptions.LoadWeightsFailedException or LLama.Exceptions.RuntimeError)
        {
            throw new InvalidDataException($"{path}: llama.cpp could not load the model ({e.Message}).", e);
        }
    }

    /// <summary>One unified KV cache with room for every parallel request's window, shared by prefix and kept sequences.</summary>
    private static LLamaContextParams ContextParameters(LlamaModelOptions options, int window)
    {
        var parameters = LLamaContextParams.Default();
        parameters.n_ctx = (uint)(window * options.MaxParallelRequests);
        parameters.n_batch = (uint)options.BatchSize;
        parameters.n_ubatch = (uint)options.BatchSize;
        parameters.n_seq_max = (uint)(options.MaxParallelRequests + options.PrefixCacheEntries);
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        parameters.n_threads = threads;
        parameters.n_threads_batch = threads;
        parameters.kv_unified = true;
        return parameters;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = CreateRequest(messages, options, cancellationToken);
        using var activity = LlamaTelemetry.ActivitySource.StartActivity("llama.generate");
        activity?.SetTag("gen_ai.system", "llama.cpp");
        activity?.SetTag("gen_ai.request.model", _metadata.DefaultModelId);
        _scheduler.Submit(request);
        var responseId = Guid.NewGuid().ToString("N");
        var modelId = _metadata.DefaultModelId;
        await foreach (var item in request.Events.Reader.ReadAllAsync(cancellationToken))
        {
            switch (item)
            {
                case GeneratedText text:
                    yield return new ChatResponseUpdate(ChatRole.Assistant, text.Text) { ResponseId = responseId, ModelId = modelId };
                    break;
                case GenerationFinished done:
                    Record(activity, done);
                    yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails
                    {
                        InputTokenCount = done.PromptTokens,
                        CachedInputTokenCount = done.CachedPromptTokens,
                        OutputTokenCount = done.GeneratedTokens,
                        TotalTokenCount = done.PromptTokens + done.GeneratedTokens,
                    })])
                    {
                        ResponseId = responseId,
                        ModelId = modelId,
                        FinishReason = done.Reason == GenerationFinish.Stop ? ChatFinishReason.Stop : ChatFinishReason.Length,
                        AdditionalProperties = new AdditionalPropertiesDictionary
                        {
                            ["time_to_first_token_ms"] = done.TimeToFirstToken.TotalMilliseconds,
                            ["total_ms"] = done.Total.TotalMilliseconds,
                        },
                    };
                    break;
            }
        }
    }

    private static void Record(System.Diagnostics.Activity? activity, GenerationFinished done)
    {
        var decodeSeconds = (done.Total - done.TimeToFirstToken).TotalSeconds;
        LlamaTelemetry.Tokens.Add(done.PromptTokens - done.CachedPromptTokens, new KeyValuePair<string, object?>("kind", "prompt"));
        LlamaTelemetry.Tokens.Add(done.CachedPromptTokens, new KeyValuePair<string, object?>("kind", "prompt_reused"));
        LlamaTelemetry.Tokens.Add(done.GeneratedTokens, new KeyValuePair<string, object?>("kind", "generated"));
        LlamaTelemetry.TimeToFirstToken.Record(done.TimeToFirstToken.TotalMilliseconds);
        if (done.GeneratedTokens > 1 && decodeSeconds > 0)
        {
            LlamaTelemetry.DecodeRate.Record((done.GeneratedTokens - 1) / decodeSeconds);
        }

        activity?.SetTag("gen_ai.usage.input_tokens", done.PromptTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", done.GeneratedTokens);
        activity?.SetTag("ragstack.prompt_tokens_reused", done.CachedPromptTokens);
        activity?.SetTag("ragstack.time_to_first_token_ms", done.TimeToFirstToken.TotalMilliseconds);
        activity?.SetTag("gen_ai.response.finish_reasons", done.Reason == GenerationFinish.Stop ? "stop" : "length");
    }

    /// <inheritdoc />
    public int CountTokens(string text) => _weights.NativeHandle.Tokenize(text, false, false, Encoding.UTF8).Length;

    /// <inheritdoc />
    public int CountPromptTokens(IEnumerable<ChatMessage> messages) => TokenizePrompt(messages).Length;

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc />
    public void Dispose()
    {
        _scheduler.Dispose();
        _context.Dispose();
        _draftContext?.Dispose();
        _draftWeights?.Dispose();
        _weights.Dispose();
    }

    private GenerationRequest CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var all = options?.Instructions is { Length: > 0 } instructions
            ? messages.Prepend(new ChatMessage(ChatRole.System, instructions))
            : messages;
        var prompt = TokenizePrompt(all);
        if (prompt.Length == 0)
        {
            throw new ArgumentException("The prompt is empty.", nameof(messages));
        }

        var room = ContextLength - prompt.Length;
        if (room <= 0)
        {
            throw new ContextWindowExceededException(prompt.Length, ContextLength);
        }

        if (options?.MaxOutputTokens is <= 0)
        {
            throw new ArgumentException("MaxOutputTokens must be positive.", nameof(options));
        }

        var maxTokens = Math.Min(options?.MaxOutputTokens ?? room, room);
        var sampling = new SamplingSettings(
            options?.Temperature ?? _options.DefaultTemperature,
            options?.TopP ?? 0.95f,
            options?.TopK ?? 40,
            options?.Seed is { } seed ? unchecked((uint)seed) : (uint)Random.Shared.Next(),
            options?.FrequencyPenalty ?? 0,
            options?.PresencePenalty ?? 0);
        var stops = (options?.StopSequences ?? []).Where(s => s.Length > 0).ToList();
        if (_formatter.UsesTranscript)
        {
            stops.AddRange(ChatPromptFormatter.TranscriptStops);
        }

        return new GenerationRequest(prompt, maxTokens, sampling, stops, cancellationToken, ChooseAdapters(options));
    }

    private AdapterSet ChooseAdapters(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(AdapterSelection.Adapter, out var value) || value is null)
        {
            return AdapterSet.None;
        }

        var name = value as string ?? throw new ArgumentException($"{AdapterSelection.Adapter} must be an adapter name.", nameof(options));
        var scale = properties.TryGetValue(AdapterSelection.AdapterScale, out var s) && s is not null
            ? Convert.ToSingle(s, System.Globalization.CultureInfo.InvariantCulture)
            : 1f;
        return name.Length == 0 ? AdapterSet.None : Adapters.Resolve(name, scale);
    }

    /// <summary>The prompt's tokens: the template's markers as control tokens, every message's text as text.</summary>
    internal LLamaToken[] TokenizePrompt(IEnumerable<ChatMessage> messages) => _tokenizer.Tokenize(_formatter.FormatParts(messages));
}
