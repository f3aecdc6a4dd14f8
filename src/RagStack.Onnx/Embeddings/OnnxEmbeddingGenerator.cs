using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using RagStack.Embeddings;
using RagStack.Onnx.Quantization;

namespace RagStack.Onnx;

/// <summary>
/// Embeds text with a sentence-transformer run in-process by ONNX Runtime. Inputs are sorted by token count and embedded in
/// batches padded only to their longest member; vectors come back in input order, L2-normalised. Nothing is truncated: a
/// document may hold <see cref="MaxTokens"/> tokens, a search query that many minus the query prefix's tokens.
/// </summary>
internal sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>, ITokenCounter
{
    private const string ProviderName = "onnx";
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly EmbeddingModelCard _card;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly string _queryPrefix;
    private readonly int _queryPrefixTokens;
    private readonly int _batchSize;
    private int _disposed;

    public OnnxEmbeddingGenerator(OnnxEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _card = EmbeddingModelCard.For(options.Model);
        _batchSize = options.EffectiveBatchSize;
        using (var vocabulary = new StreamReader(_card.OpenResource("vocab.txt")))
        {
            _tokenizer = WordPieceTokenizer.Load(vocabulary);
        }

        _queryPrefix = options.EffectiveQueryPrefix;
        _queryPrefixTokens = _tokenizer.CountTokens(_queryPrefix);
        if (_queryPrefixTokens >= MaxTokens)
        {
            throw new ArgumentException($"The query prefix is {_queryPrefixTokens} tokens; {options.Model} reads at most {MaxTokens}.", nameof(options));
        }

        _sessionOptions = OnnxSessionOptions.Create(options.IntraOpThreads);
        try
        {
            var model = _card.ReadResource("model.onnx");
            _session = new InferenceSession(options.Precision == EmbeddingPrecision.Int8 ? DynamicInt8Quantizer.Quantize(model) : model, _sessionOptions);
        }
        catch
        {
            _sessionOptions.Dispose();
            throw;
        }

        // Both precisions keep the published model's id: clients of /v1/embeddings name the model, not its arithmetic. The
        // data folder records the precision, which is where mixing is refused.
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, _card.ModelId, EmbeddingModelCard.Dimensions);
    }

    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <inheritdoc />
    public int MaxTokens => _card.Window - 2;

    internal WordPieceTokenizer Tokenizer => _tokenizer;

    /// <inheritdoc />
    public int CountTokens(string text) => _tokenizer.CountTokens(text);

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Inference is CPU-bound and runs on the caller's thread; every failure still arrives through the task.
        try
        {
            return Task.FromResult(Generate(values, options, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or ObjectDisposedException or OnnxRuntimeException)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(e);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Dispose();
            _sessionOptions.Dispose();
        }
    }

    private GeneratedEmbeddings<Embedding<float>> Generate(IEnumerable<string> values, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (options?.Dimensions is { } dimensions && dimensions != EmbeddingModelCard.Dimensions)
        {
            throw new ArgumentException($"{_card.ModelId} makes {EmbeddingModelCard.Dimensions}-dimensional vectors, not {dimensions}.", nameof(options));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var tokens = Tokenize(values as IReadOnlyList<string> ?? [.. values], EmbeddingPurpose.IsQuery(options));

        // Similar lengths share a batch, so little compute goes to padding.
        var order = Enumerable.Range(0, tokens.Length).OrderBy(i => tokens[i].Length).ToArray();
        var vectors = new float[tokens.Length][];
        using (var runOptions = new RunOptions())
        using (cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions))
        {
            for (var start = 0; start < order.Length; start += _batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start));
                try
                {
                    EmbedBatch(batch, tokens, vectors, runOptions);
                }
                catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                {
                    // The registration above stopped the run midway.
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        long tokenCount = 0;
        for (var i = 0; i < vectors.Length; i++)
        {
            embeddings.Add(new Embedding<float>(vectors[i]) { ModelId = _card.ModelId });
            tokenCount += tokens[i].Length + 2;
        }

        embeddings.Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount };
        return embeddings;
    }

    /// <summary>Every input's ids without [CLS]/[SEP]; queries carry the prefix. Checks all lengths before any inference runs.</summary>
    private int[][] Tokenize(IReadOnlyList<string> texts, bool queries)
    {
        var tokens = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"Input {i} is null.", nameof(texts));
            var ids = _tokenizer.Encode(queries ? _queryPrefix + text : text);
            if (ids.Length > MaxTokens)
            {
                throw queries
                    ? new ArgumentException(
                        $"Input {i} is {ids.Length - _queryPrefixTokens} tokens long; {_card.ModelId} reads queries of at most " +
                        $"{MaxTokens - _queryPrefixTokens} tokens ({MaxTokens} less {_queryPrefixTokens} for the query prefix). Shorten the query.",
                        "values")
                    : new ArgumentException(
                        $"Input {i} is {ids.Length} tokens long; {_card.ModelId} reads at most {MaxTokens}. " +
                        "Split it into smaller chunks (count with ITokenCounter) rather than losing its end.",
                        "values");
            }

            tokens[i] = ids;
        }

        return tokens;
    }

    private void EmbedBatch(ReadOnlySpan<int> batch, int[][] tokens, float[][] vectors, RunOptions runOptions)
    {
        var sequence = 0;
        foreach (var index in batch)
        {
            sequence = Math.Max(sequence, tokens[index].Length + 2);
        }

        // Fresh buffers per batch: concurrent calls share the session, never their tensors.
        var inputIds = new long[batch.Length * sequence];
        var attentionMask = new long[inputIds.Length];
        var tokenTypes = new long[inputIds.Length];
        if (_tokenizer.PadId != 0)
        {
            Array.Fill(inputIds, _tokenizer.PadId);
        }

        for (var row = 0; row < batch.Length; row++)
        {
            var ids = tokens[batch[row]];
            var offset = row * sequence;
            inputIds[offset] = _tokenizer.ClsId;
            for (var j = 0; j < ids.Length; j++)
            {
                inputIds[offset + 1 + j] = ids[j];
            }

            inputIds[offset + 1 + ids.Length] = _tokenizer.SepId;
            attentionMask.AsSpan(offset, ids.Length + 2).Fill(1);
        }

        long[] shape = [batch.Length, sequence];
        using var inputIdsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var attentionMaskValue = OrtValue.CreateTensorValueFromMemory(attentionMask, shape);
        using var tokenTypesValue = OrtValue.CreateTensorValueFromMemory(tokenTypes, shape);
        using var outputs = _session.Run(runOptions, InputNames, [inputIdsValue, attentionMaskValue, tokenTypesValue], OutputNames);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var rowSize = sequence * EmbeddingModelCard.Dimensions;
        for (var row = 0; row < batch.Length; row++)
        {
            var index = batch[row];
            vectors[index] = Pool(hidden.Slice(row * rowSize, rowSize), tokens[index].Length + 2);
        }
    }

    /// <summary>One sentence vector from a row of token states; only the first <paramref name="attended"/> tokens are real.</summary>
    private float[] Pool(ReadOnlySpan<float> states, int attended)
    {
        const int Dimensions = EmbeddingModelCard.Dimensions;
        var vector = new float[Dimensions];
        if (_card.Pooling == EmbeddingPooling.Cls)
        {
            states[..Dimensions].CopyTo(vector);
        }
        else
        {
            for (var token = 0; token < attended; token++)
            {
                TensorPrimitives.Add(vector, states.Slice(token * Dimensions, Dimensions), vector);
            }

            TensorPrimitives.Divide(vector, attended, vector);
        }

        TensorPrimitives.Divide(vector, MathF.Max(TensorPrimitives.Norm<float>(vector), 1e-12f), vector);
        return vector;
    }
}
