using System.Diagnostics;
using RagStack.Answering;
using RagStack.Core.Tests.Support;
using RagStack.Ingestion;
using RagStack.Telemetry;
using Xunit;

namespace RagStack.Core.Tests.Answering;

public sealed class AnswererTelemetryTests
{
    [Fact]
    public async Task A_generated_answer_records_ask_and_generate_spans_with_tokens_and_time_to_first_token()
    {
        var chat = new FakeChatClient(["KV caches keep keys [1]."], new FakeChatTokenCounter(4_096));
        await using var fixture = PipelineFixture.Create(chatClient: chat);
        await foreach (var result in fixture.Ingestor.IngestManyAsync([PipelineFixture.Text("kv.md", "# KV cache\n\nThe KV cache keeps the keys and values of earlier tokens so decoding does not recompute them.")]))
        {
            Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        }

        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RagStackTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        // Other tests ask concurrently; a root activity of this test's own marks the spans that belong to it.
        using var root = new Activity("test").Start();
        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = "What does the KV cache keep?" });
        root.Stop();

        Activity generate, ask;
        lock (stopped)
        {
            var mine = stopped.Where(a => a.TraceId == root.TraceId).ToList();
            generate = Assert.Single(mine, a => a.OperationName == "generate");
            ask = Assert.Single(mine, a => a.OperationName == "ask");
        }

        Assert.Equal(ask.SpanId, generate.ParentSpanId);
        Assert.Equal(answer.Usage!.PromptTokens, generate.GetTagItem("ragstack.prompt_tokens"));
        Assert.Equal(answer.Usage.OutputTokens, generate.GetTagItem("ragstack.output_tokens"));
        Assert.IsType<double>(generate.GetTagItem("ragstack.time_to_first_token_ms"));
        Assert.Equal("Generated", ask.GetTagItem("ragstack.answer.kind"));
    }
}
