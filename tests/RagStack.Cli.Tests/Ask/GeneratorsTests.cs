using RagStack.Cli.Ask;
using RagStack.LlamaSharp;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Ask;

public sealed class GeneratorsTests
{
    [Fact]
    public void Without_a_model_there_is_no_generator()
    {
        Assert.Null(Generators.Default(null));
    }

    [Fact]
    public void A_file_llama_cpp_cannot_load_is_a_typed_error_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.gguf");
        File.WriteAllText(path, "not a model");
        try
        {
            var error = Assert.Throws<GeneratorUnavailableException>(() => Generators.Default(path));

            Assert.Equal(path, error.ModelPath);
            Assert.Contains("could not load", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_gguf_model_loads_as_the_local_llama_cpp_client()
    {
        var path = Path.Combine(Path.GetTempPath(), $"synthetic-{Guid.NewGuid():N}.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec());
        try
        {
            using var client = Generators.Default(path);

            Assert.IsType<LlamaChatClient>(client);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
