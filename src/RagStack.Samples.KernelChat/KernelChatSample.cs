using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using RagStack.SemanticKernel;

namespace RagStack.Samples.KernelChat;

/// <summary>
/// A user's own kernel calling a remote RagStack: the RAG plugin invoked directly, then a chat model that calls it by
/// itself (automatic function calling) and answers with its citations.
/// </summary>
public static class KernelChatSample
{
    /// <summary>Runs the sample with <c>--api … --question … [--chat-endpoint …/v1 --chat-model …]</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        try
        {
            await RunAsync(KernelChatSettings.Parse(args), Console.Out, CancellationToken.None);
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or RagStack.Client.RagStackApiException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>Asks <see cref="KernelChatSettings.Question"/> both ways and writes each answer to <paramref name="output"/>.</summary>
    public static async Task RunAsync(KernelChatSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);

        // The three lines that give a kernel RagStack: the client of the API, the plugin over it, and the kernel.
        var builder = Kernel.CreateBuilder();
        builder.Services.AddRagStackClient(settings.Api, settings.ApiKey);
        builder.Services.AddRagStackPlugins();
        if (settings.ChatEndpoint is { } endpoint)
        {
            // The endpoint overload is marked experimental; it is the one that reaches a server other than OpenAI's.
#pragma warning disable SKEXP0010
            builder.AddOpenAIChatCompletion(settings.ChatModel, endpoint, settings.ChatKey ?? "none");
#pragma warning restore SKEXP0010
        }

        var kernel = builder.Build();

        var answer = await kernel.InvokeAsync<string>(RagPlugin.DefaultName, "ask", new() { ["question"] = settings.Question }, cancellationToken);
        await output.WriteLineAsync("== rag.ask, invoked directly ==");
        await output.WriteLineAsync(answer);

        if (settings.ChatEndpoint is null)
        {
            await output.WriteLineAsync("(no --chat-endpoint given: the function-calling loop is skipped)");
            return;
        }

        var history = new ChatHistory("You answer questions about the user's documents. Call rag-ask to answer them, and keep its [n] citations and document names in your reply.");
        history.AddUserMessage(settings.Question);
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var reply = await chat.GetChatMessageContentAsync(
            history, new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel, cancellationToken);
        await output.WriteLineAsync($"== {settings.ChatModel} at {settings.ChatEndpoint}, with automatic function calling ==");
        await output.WriteLineAsync(reply.Content);
    }
}
