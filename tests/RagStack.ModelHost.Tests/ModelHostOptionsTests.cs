namespace RagStack.ModelHost.Tests;

public sealed class ModelHostOptionsTests
{
    [Fact]
    public void The_base_model_id_defaults_to_the_file_name_without_extension()
    {
        var options = new ModelHostOptions { ModelPath = Path.Combine("models", "qwen2.5-0.5b-instruct-q4_k_m.gguf") };

        Assert.Equal("qwen2.5-0.5b-instruct-q4_k_m", options.BaseModelId);
    }

    [Fact]
    public void A_configured_model_id_wins_over_the_file_name()
    {
        var options = new ModelHostOptions { ModelPath = "model.gguf", ModelId = "qwen" };

        Assert.Equal("qwen", options.BaseModelId);
    }

    [Fact]
    public void A_model_id_with_the_adapter_separator_is_refused()
    {
        var options = new ModelHostOptions { ModelPath = "model.gguf", ModelId = "qwen+legal" };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("may not contain '+'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_adapter_without_a_path_is_refused_by_its_setting_name()
    {
        var options = new ModelHostOptions { ModelPath = "model.gguf" };
        options.Adapters["legal"] = " ";

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("RagStack:ModelHost:Adapters:legal has no path", error.Message, StringComparison.Ordinal);
    }
}
