using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using RagStack.LlamaSharp.Chat;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Tests.Chat;

/// <summary>Which chat template a model's prompts get: its own (from GGUF metadata), a named built-in, or the transcript.</summary>
public sealed class ChatPromptFormatterTests(SyntheticModelFixture model) : IClassFixture<SyntheticModelFixture>
{
    /// <summary>ChatML as a Jinja template, the form a GGUF file carries it in.</summary>
    internal const string ChatMlJinja =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static readonly ChatMessage[] Conversation = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")];

    private static string Format(string path, string? templateOverride = null)
    {
        LlamaNative.EnsureLoaded();
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
        var formatter = ChatPromptFormatter.Create(weights.NativeHandle, path, templateOverride);
        return formatter.Description + "|" + formatter.Format(Conversation);
    }

    [Fact]
    public void A_model_without_a_template_gets_the_documented_transcript()
    {
        var (description, prompt) = Split(Format(model.ModelPath));

        Assert.StartsWith("transcript", description, StringComparison.Ordinal);
        Assert.Equal("System: Be brief.\n\nUser: Hi\n\nAssistant:", prompt);
    }

    [Fact]
    public void A_model_with_a_template_in_its_metadata_gets_its_own_template()
    {
        var path = model.Write("chatml.gguf", new SyntheticLlamaSpec { ChatTemplate = ChatMlJinja });

        var (description, prompt) = Split(Format(path));

        Assert.Contains("model's own", description, StringComparison.Ordinal);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void A_template_llama_cpp_cannot_apply_falls_back_to_the_transcript_at_load()
    {
        var path = model.Write("odd-template.gguf", new SyntheticLlamaSpec { ChatTemplate = "{{ something llama.cpp has never seen }}" });

        var (description, prompt) = Split(Format(path));

        Assert.Contains("does not support", description, StringComparison.Ordinal);
        Assert.EndsWith("Assistant:", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_in_template_can_be_chosen_by_name()
    {
        var (description, prompt) = Split(Format(model.ModelPath, "llama3"));

        Assert.Contains("llama3", description, StringComparison.Ordinal);
        Assert.Contains("<|start_header_id|>user<|end_header_id|>", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_counts_prompt_tokens_with_the_template_applied()
    {
        var path = model.Write("chatml.gguf", new SyntheticLlamaSpec { ChatTemplate = ChatMlJinja });
        using var client = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = path, ContextLength = 256 });

        var counted = client.CountPromptTokens(Conversation);

        var templated = client.CountTokens("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        Assert.True(counted >= templated, $"{counted} prompt tokens counted with template {client.ChatTemplate}, but the templated text alone is {templated}");
        Assert.True(counted > client.CountTokens("Be brief.") + client.CountTokens("Hi") + 10);
    }

    private static (string Description, string Prompt) Split(string formatted)
    {
        var bar = formatted.IndexOf('|', StringComparison.Ordinal);
        return (formatted[..bar], formatted[(bar + 1)..]);
    }
}
