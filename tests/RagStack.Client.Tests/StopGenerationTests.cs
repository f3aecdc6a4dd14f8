using Microsoft.Extensions.DependencyInjection;
using RagStack.Conversations;
using RagStack.Models.Gguf;
using RagStack.Testing;
using Xunit.Abstractions;

namespace RagStack.Client.Tests;

/// <summary>
/// Stopping an answer in a conversation (the client cancels its read) stops the model decoding on the server: the answer
/// stored for it ends where the generator stopped, marked stopped, well before the answer the same prompt writes in full.
/// </summary>
public sealed class StopGenerationTests(ITestOutputHelper output)
{
    private const string Index = "stops";

    [Fact]
    public async Task Stopping_an_answer_stops_a_synthetic_llama_decoding_on_the_server()
    {
        using var folder = new TemporaryFolder();
        var model = folder.Path("synthetic.gguf");
        // Wide enough to take a few milliseconds a token on two cores, with a window for a byte-level prompt and a long answer.
        SyntheticLlama.Write(model, new SyntheticLlamaSpec { Layers = 4, EmbeddingLength = 256, FeedForwardLength = 1024, ContextLength = 4096 });

        await AssertStoppingStopsDecodingAsync(model, maxTokens: 400);
    }

    [SkippableFact]
    public async Task Stopping_an_answer_stops_the_shared_tiny_stories_model_decoding_on_the_server()
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);

        // stories260K's next-token scores are close enough that a prompt read from the prefix cache (in other batches than
        // when read afresh) can tip greedy decoding to another word: without the cache, each answer reads the prompt afresh.
        await AssertStoppingStopsDecodingAsync(SharedModels.Stories260K!, maxTokens: 200, prefixCacheEntries: 0);
    }

    private async Task AssertStoppingStopsDecodingAsync(string model, int maxTokens, int? prefixCacheEntries = null)
    {
        var server = ApiServer.WithGenerator(model, prefixCacheEntries);
        await ((IAsyncLifetime)server).InitializeAsync();
        try
        {
            using var services = server.ClientServices();
            var client = services.GetRequiredService<IRagStackClient>();
            var receipt = Assert.Single(await client.UploadAsync(Index, [DocumentUpload.FromText("lease.md", ApiServer.Lease)]));
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await client.WaitForDocumentAsync(Index, receipt.Id, cancellationToken: timeout.Token);
            var conversation = await client.CreateConversationAsync(index: Index);
            var question = new ConversationQuestion { Question = "How much notice ends the lease?", Top = 1, MaxOutputTokens = maxTokens, Temperature = 0 };

            // The whole answer first: greedy decoding writes the same tokens for the same prompt, so it is the yardstick.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var whole = await ConversationClientTests.AskAsync(client, conversation.Id, question);
            var wholeTime = clock.Elapsed;
            var full = Assert.IsType<ConversationCompleted>(whole[^1]).Answer;
            Assert.Equal(Answering.AnswerKind.Generated, full.Kind);
            var fullTokens = whole.OfType<ConversationToken>().Count();
            Assert.True(fullTokens >= 20, $"The model wrote only {fullTokens} pieces, too few to show where a stop cuts it.");

            using var stop = new CancellationTokenSource();
            var received = 0;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var update in client.AskInConversationStreamingAsync(conversation.Id, question with { Mode = ConversationAskMode.Regenerate }, stop.Token))
                {
                    if (update is ConversationToken)
                    {
                        received++;
                        await stop.CancelAsync();
                    }
                }
            });

            // The server stores the answer when its generator loop ends: that it appears, marked stopped and short, shows the loop ended early.
            clock.Restart();
            using var stored = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var stopped = await StoredAnswerAsync(client, conversation.Id, full.Id, stored.Token);
            output.WriteLine($"whole answer: {fullTokens} pieces, {full.Text.Length} characters in {wholeTime.TotalMilliseconds:F0} ms; stopped after {received} pieces, stored {clock.Elapsed.TotalMilliseconds:F0} ms later with {stopped.Text.Length} characters");
            Assert.Equal("Stopped before the answer was finished.", stopped.Error);
            Assert.Null(stopped.Kind);
            Assert.True(stopped.Text.Length < full.Text.Length / 2, $"stopped after {stopped.Text.Length} characters of {full.Text.Length} ({received} pieces read)");
            Assert.StartsWith(stopped.Text.Trim(), full.Text, StringComparison.Ordinal);

            // The generator is free again and writes the same answer in full.
            var again = await ConversationClientTests.AskAsync(client, conversation.Id, question with { Mode = ConversationAskMode.Regenerate });
            Assert.Equal(full.Text, Assert.IsType<ConversationCompleted>(again[^1]).Answer.Text);
        }
        finally
        {
            await ((IAsyncLifetime)server).DisposeAsync();
        }
    }

    private static async Task<ConversationMessage> StoredAnswerAsync(IRagStackClient client, string conversationId, string replacedId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var messages = (await client.GetConversationAsync(conversationId, cancellationToken))!.Messages;
            if (messages is [_, { Role: ConversationRole.Assistant } answer] && answer.Id != replacedId)
            {
                return answer;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }
}
