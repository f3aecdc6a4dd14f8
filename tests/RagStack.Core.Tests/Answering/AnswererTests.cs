using Microsoft.Extensions.AI;
using RagStack.Answering;
using RagStack.Core.Tests.Support;
using RagStack.Ingestion;
using Xunit;

namespace RagStack.Core.Tests.Answering;

/// <summary>The ask path on a real embedded store with real ONNX embeddings; only the generator is a fake.</summary>
public sealed class AnswererTests
{
    private const string LoraQuestion = "How many parameters does LoRA train at rank 8 for a 4096-wide projection?";

    private static async Task<PipelineFixture> CorpusAsync(IChatClient? chatClient = null, Action<AnsweringOptions>? answering = null)
    {
        var fixture = PipelineFixture.Create(chatClient: chatClient, answering: answering);
        var requests = new[]
        {
            PipelineFixture.Text("lora.md", "# LoRA\n\nLoRA freezes the base weights and trains two low-rank matrices per projection. At rank 8 a 4096×4096 projection trains 2·4096·8 = 65,536 parameters instead of 16.8 million."),
            PipelineFixture.Text("kv-cache.md", "# KV cache\n\nThe KV cache keeps the keys and values of earlier tokens so decoding does not recompute them. Its size grows with layers, heads, head size and sequence length."),
            PipelineFixture.Text("diffusion.md", "# Latent diffusion\n\nA VAE compresses images into latents, and a U-Net denoises them step by step, guided by a text encoder."),
        };
        await foreach (var result in fixture.Ingestor.IngestManyAsync(requests))
        {
            Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        }

        return fixture;
    }

    [Fact]
    public async Task Without_a_generator_the_answer_is_the_best_passages_cited()
    {
        await using var fixture = await CorpusAsync();

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = LoraQuestion });

        Assert.Equal(AnswerKind.Extractive, answer.Kind);
        var first = answer.Text.Split('\n')[0];
        Assert.Equal("At rank 8 a 4096×4096 projection trains 2·4096·8 = 65,536 parameters instead of 16.8 million. [1]", first);
        Assert.Equal("lora.md", answer.Sources[0].Citation.DocumentName);
        Assert.Equal("LoRA", answer.Sources[0].Citation.Section);
        Assert.Equal(Enumerable.Range(1, answer.Sources.Count), answer.Sources.Select(s => s.Number));
        Assert.All(answer.Sources, s => Assert.Contains($"[{s.Number}]", answer.Text, StringComparison.Ordinal));
        Assert.Contains("ragstack models pull", answer.Notice, StringComparison.Ordinal);
        Assert.True(answer.Relevance > 0.56);
        // Each source carries its own closeness to the question; the best one is the answer's relevance.
        Assert.All(answer.Sources, s => Assert.InRange(s.Relevance!.Value, 0.0, answer.Relevance!.Value + 1e-9));
        Assert.True(answer.Sources[0].Relevance > 0.56);
    }

    [Fact]
    public async Task Each_quoted_sentence_is_highlighted_in_its_passage_at_its_exact_offset()
    {
        await using var fixture = await CorpusAsync();

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = LoraQuestion });

        var lines = answer.Text.Split('\n');
        Assert.InRange(lines.Length, 1, 3);
        var quoted = answer.Sources.SelectMany(s => s.Highlights.Select(h => s.Snippet.Substring(h.Start, h.Length))).ToList();
        Assert.Equal(lines.Length, quoted.Count);
        Assert.All(lines, line => Assert.Contains(quoted, q => line.StartsWith(q, StringComparison.Ordinal)));
        var lora = answer.Sources.Single(s => s.Citation.DocumentName == "lora.md");
        Assert.Equal(lora.Citation.End - lora.Citation.Start, lora.Snippet.Length);
    }

    [Fact]
    public async Task With_no_sentences_asked_for_the_extractive_answer_quotes_whole_passages()
    {
        await using var fixture = await CorpusAsync(answering: o => o.ExtractiveSentences = 0);

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = LoraQuestion });

        Assert.StartsWith("[1] ", answer.Text, StringComparison.Ordinal);
        Assert.Contains("LoRA freezes the base weights and trains two low-rank matrices per projection. At rank 8", answer.Text.Split("\n\n")[0], StringComparison.Ordinal);
        Assert.All(answer.Sources, s => Assert.Empty(s.Highlights));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public async Task A_generator_is_handed_the_neighbours_of_a_matched_paragraph_as_one_cited_source(int neighbours, bool widened)
    {
        var chat = new FakeChatClient(["Fifty-five minutes [1]."]);
        await using var fixture = PipelineFixture.Create(ingestion: o => o.Chunking.PackTokens = 8, chatClient: chat, answering: o => o.ContextNeighbours = neighbours);
        var text = "# Ferry\n\n## Sailings\n\n" +
            "The boat leaves the island harbour three times every day, early, at noon and in the evening, all year round.\n\n" +
            "The crossing to the mainland takes fifty-five minutes when the sea is calm and the wind is light.\n\n" +
            "Tickets are sold on board by the purser, and bicycles travel free of charge on every sailing.";
        await foreach (var result in fixture.Ingestor.IngestManyAsync([PipelineFixture.Text("ferry.md", text)]))
        {
            Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        }

        await fixture.Answerer.AskAsync(new AskRequest { Question = "How long does the crossing to the mainland take?", Top = 1 });

        var prompt = Assert.Single(chat.Requests)[^1].Text;
        Assert.Contains("fifty-five minutes", prompt, StringComparison.Ordinal);
        Assert.Equal(widened, prompt.Contains("three times every day", StringComparison.Ordinal));
        Assert.Equal(widened, prompt.Contains("bicycles travel free", StringComparison.Ordinal));
        Assert.True(System.Text.RegularExpressions.Regex.Matches(prompt, "=== SOURCE \\[").Count == 1, prompt);
    }

    [Fact]
    public async Task An_off_topic_question_is_answered_with_no_relevant_context_and_no_model_call()
    {
        var chat = new FakeChatClient(["Lima [1]."]);
        await using var fixture = await CorpusAsync(chat);

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = "What is the capital of Peru?" });

        Assert.Equal(AnswerKind.NoRelevantContext, answer.Kind);
        Assert.Empty(answer.Sources);
        Assert.Contains("do not contain", answer.Text, StringComparison.Ordinal);
        Assert.Empty(chat.Requests);
        Assert.True(answer.Relevance < 0.56);
    }

    [Fact]
    public async Task An_empty_index_is_no_relevant_context()
    {
        await using var fixture = PipelineFixture.Create();

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = LoraQuestion });

        Assert.Equal(AnswerKind.NoRelevantContext, answer.Kind);
        Assert.Null(answer.Relevance);
    }

    [Fact]
    public async Task A_generated_answer_streams_with_citations_resolved_and_lists_only_cited_sources()
    {
        var chat = new FakeChatClient(["LoRA trains 65,536 ", "parameters [", "1] and no", "thing else [9]", "."], new FakeChatTokenCounter(4_096))
        {
            Usage = new UsageDetails { InputTokenCount = 321, OutputTokenCount = 12 },
        };
        await using var fixture = await CorpusAsync(chat);

        var updates = new List<AnswerUpdate>();
        await foreach (var update in fixture.Answerer.AskStreamingAsync(new AskRequest { Question = LoraQuestion, MaxOutputTokens = 200, Temperature = 0.1f }))
        {
            updates.Add(update);
        }

        var answer = Assert.Single(updates, u => u.Completed is not null).Completed!;
        Assert.Same(answer, updates[^1].Completed);
        Assert.Equal("LoRA trains 65,536 parameters [1] and nothing else.", answer.Text);
        Assert.Equal(answer.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(AnswerKind.Generated, answer.Kind);
        var source = Assert.Single(answer.Sources);
        Assert.Equal((1, "lora.md"), (source.Number, source.Citation.DocumentName));
        Assert.Contains("65,536", source.Snippet, StringComparison.Ordinal);
        Assert.Equal(new AnswerUsage(321, 12, 4_096), answer.Usage);
        Assert.NotNull(answer.Timings.TimeToFirstToken);

        var sent = Assert.Single(chat.Requests);
        Assert.Contains("=== SOURCE [1] lora.md, LoRA ===", sent[^1].Text, StringComparison.Ordinal);
        Assert.EndsWith(LoraQuestion, sent[^1].Text, StringComparison.Ordinal);
        Assert.Equal(200, chat.Options[0]!.MaxOutputTokens);
        Assert.Equal(0.1f, chat.Options[0]!.Temperature);
    }

    [Fact]
    public async Task A_client_without_a_tokenizer_is_packed_to_the_configured_window_by_estimate()
    {
        var chat = new FakeChatClient(["Rank 8 gives 65,536 [1]."]);
        await using var fixture = await CorpusAsync(chat, o => o.ContextLength = 1_000);

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = LoraQuestion });

        Assert.Equal(AnswerKind.Generated, answer.Kind);
        Assert.Equal(1_000, answer.Usage!.ContextLength);
        Assert.True(answer.Usage.PromptTokens + chat.Options[0]!.MaxOutputTokens <= 1_000);
    }

    [Fact]
    public async Task Cancelling_a_streamed_answer_stops_it()
    {
        var chat = new FakeChatClient(["LoRA ", "trains ", "65,536 [1]."], new FakeChatTokenCounter(4_096)) { HangAfter = 1 };
        await using var fixture = await CorpusAsync(chat);
        using var cancellation = new CancellationTokenSource();
        var received = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in fixture.Answerer.AskStreamingAsync(new AskRequest { Question = LoraQuestion }, cancellation.Token))
            {
                if (update.Text.Length == 0)
                {
                    // The retrieval update comes before the first token.
                    continue;
                }

                received.Add(update.Text);
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal(["LoRA"], received);
    }

    [Fact]
    public async Task Bad_requests_fail_at_the_call_with_a_typed_error()
    {
        await using var fixture = PipelineFixture.Create();

        Assert.Throws<ArgumentException>(() => fixture.Answerer.AskStreamingAsync(new AskRequest { Question = "  " }));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Answerer.AskStreamingAsync(new AskRequest { Question = "q", Top = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Answerer.AskStreamingAsync(new AskRequest { Question = "q", MaxOutputTokens = 0 }));
        await Assert.ThrowsAsync<ArgumentNullException>(() => fixture.Answerer.AskAsync(null!));
    }
}
