using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace RagStack.SemanticKernel.Tests;

/// <summary>The automatic function-calling loop: a (scripted) model calls the rag ask function and gets cited sources back.</summary>
[Collection(StacksCollection.Name)]
public sealed class FunctionCallingTests(Stacks stacks)
{
    private const string Question = "How much notice ends the lease?";

    [Theory]
    [InlineData(Stacks.Local)]
    [InlineData(Stacks.Remote)]
    public async Task A_kernel_chat_with_auto_function_choice_calls_rag_ask_and_gets_cited_sources(string stack)
    {
        var model = new FakeToolCallingChatClient("rag_ask");
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(stacks.Client(stack));
        builder.Services.AddRagStackPlugins();
        // As Semantic Kernel's own chat client registrations wrap a model: the kernel runs the functions it calls.
        builder.Services.AddSingleton(new ChatClientBuilder(model).UseKernelFunctionInvocation().Build());
        var kernel = builder.Build();

        var reply = await kernel.InvokePromptAsync<string>(Question, new(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        Assert.Contains("rag_ask", model.OfferedTools);
        Assert.Contains("rag_search", model.OfferedTools);
        Assert.True(model.ToolResult is not null, reply);
        Assert.Contains("three months' written notice", model.ToolResult, StringComparison.Ordinal);
        Assert.Contains("Sources:\n[1] lease.md, Office lease › Termination", model.ToolResult, StringComparison.Ordinal);
        Assert.Contains("[1] lease.md", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_chat_client_calls_the_rag_ask_ai_function_and_gets_cited_sources()
    {
        var model = new FakeToolCallingChatClient("rag_ask");
        using var chat = new ChatClientBuilder(model).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [.. stacks.Client(Stacks.Remote).CreateRagStackFunctions()] };

        var response = await chat.GetResponseAsync(Question, options);

        Assert.Equal(["rag_ask", "rag_ingest_text", "rag_list_documents", "rag_search"], model.OfferedTools.Order(StringComparer.Ordinal));
        Assert.NotNull(model.ToolResult);
        Assert.Contains("Sources:\n[1] lease.md, Office lease › Termination", model.ToolResult, StringComparison.Ordinal);
        Assert.Contains("three months' written notice", response.Text, StringComparison.Ordinal);
    }
}
