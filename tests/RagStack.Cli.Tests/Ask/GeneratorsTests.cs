using RagStack.Cli.Ask;

namespace RagStack.Cli.Tests.Ask;

public sealed class GeneratorsTests
{
    [Fact]
    public void Without_a_model_there_is_no_generator()
    {
        Assert.Null(Generators.Default(null));
    }

    [Fact]
    public void A_model_path_this_build_cannot_load_is_a_typed_error_naming_it()
    {
        var error = Assert.Throws<GeneratorUnavailableException>(() => Generators.Default("/models/qwen.gguf"));

        Assert.Equal("/models/qwen.gguf", error.ModelPath);
        Assert.Contains("extractive", error.Message, StringComparison.Ordinal);
    }
}
