using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Tests.Chat;

/// <summary>What loading a model refuses, and how it says so.</summary>
public sealed class LlamaChatClientLoadTests
{
    [Fact]
    public void A_missing_model_file_is_named_in_the_error()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => LlamaChatClient.Load(new LlamaModelOptions { ModelPath = "/nonexistent/model.gguf" }));

        Assert.Equal("RagStack:Generator:ModelPath is '/nonexistent/model.gguf'; no such file; give the path of a GGUF model file.", Assert.Single(error.Failures));
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_refused_with_its_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.gguf");
        File.WriteAllText(path, "this is not a GGUF file");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => LlamaChatClient.Load(new LlamaModelOptions { ModelPath = path }));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void A_draft_with_another_vocabulary_is_refused_with_both_names()
    {
        var vocabulary = SharedModels.LlamaSpmVocabulary;
        Skip.If(vocabulary is null, SharedModels.Missing);
        using var folder = new TemporaryFolder();
        var model = folder.Path("model.gguf");
        var draft = folder.Path("draft.gguf");
        SyntheticLlama.Write(model, new SyntheticLlamaSpec());
        SyntheticLlama.Write(draft, new SyntheticLlamaSpec { VocabularyPath = vocabulary });

        var error = Assert.Throws<InvalidDataException>(() => LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model, DraftModelPath = draft, ContextLength = 128 }));

        Assert.Contains(draft, error.Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary", error.Message, StringComparison.Ordinal);
    }
}
