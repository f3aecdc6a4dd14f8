namespace RagStack.ModelHost.Tests;

public sealed class ModelHostOptionsTests
{
    private static IReadOnlyList<string> Failures(ModelHostOptions options) =>
        new ModelHostOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void The_base_model_id_defaults_to_the_file_name_without_extension()
    {
        var options = new ModelHostOptions();

        Assert.Equal("qwen2.5-0.5b-instruct-q4_k_m", options.BaseModelIdOf(Path.Combine("models", "qwen2.5-0.5b-instruct-q4_k_m.gguf")));
    }

    [Fact]
    public void A_configured_model_id_wins_over_the_file_name()
    {
        var options = new ModelHostOptions { ModelId = "qwen" };

        Assert.Equal("qwen", options.BaseModelIdOf("model.gguf"));
    }

    [Fact]
    public void A_model_id_with_the_adapter_separator_is_refused()
    {
        var failure = Assert.Single(Failures(new ModelHostOptions { ModelId = "qwen+legal" }));

        Assert.Equal("RagStack:ModelHost:ModelId is 'qwen+legal'; it may not contain '+', which separates the model from its adapter.", failure);
    }

    [Fact]
    public void An_adapter_without_a_path_is_refused_by_its_setting_name()
    {
        var options = new ModelHostOptions();
        options.Adapters["legal"] = " ";

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith("RagStack:ModelHost:Adapters:legal is ' '; give the path", failure, StringComparison.Ordinal);
    }
}
