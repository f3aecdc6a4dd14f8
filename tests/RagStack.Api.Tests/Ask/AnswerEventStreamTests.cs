using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Api.Ask;
using RagStack.Generation;

namespace RagStack.Api.Tests.Ask;

public sealed class AnswerEventStreamTests
{
    [Fact]
    public async Task A_failure_after_the_first_token_is_sent_as_an_error_event_with_problem_details()
    {
        var events = await RunAsync(FakeAnswerFailingAfterFirstToken(new ContextWindowExceededException(1500, 1024)));

        Assert.Equal(["token", "error"], events.Select(e => e.Name));
        var problem = JsonDocument.Parse(events[1].Data).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains("1500 tokens", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_failure_is_an_error_event_that_does_not_leak_its_message()
    {
        var events = await RunAsync(FakeAnswerFailingAfterFirstToken(new InvalidOperationException("secret internals")));

        var problem = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.Equal("error", events[^1].Name);
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("secret", events[^1].Data, StringComparison.Ordinal);
    }

    private static async Task<List<ServerSentEvent>> RunAsync(IAsyncEnumerable<AnswerUpdate> updates)
    {
        var services = new ServiceCollection().AddLogging().ConfigureHttpJsonOptions(_ => { }).BuildServiceProvider();
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = body;
        var enumerator = updates.GetAsyncEnumerator();

        await new AnswerEventStream(enumerator, await enumerator.MoveNextAsync()).ExecuteAsync(context);

        Assert.Equal("text/event-stream", context.Response.ContentType);
        var events = new List<ServerSentEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(new MemoryStream(body.ToArray())))
        {
            events.Add(e);
        }

        return events;
    }

    // A generator failing mid-answer cannot be provoked on demand with a real model; this stands in for one.
    private static async IAsyncEnumerable<AnswerUpdate> FakeAnswerFailingAfterFirstToken(Exception failure)
    {
        yield return new AnswerUpdate { Text = "Tomatoes" };
        await Task.Yield();
        throw failure;
    }
}
