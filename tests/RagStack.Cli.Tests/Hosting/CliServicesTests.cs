using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Cli.Hosting;
using RagStack.LlamaSharp;
using RagStack.Models.Gguf;
using RagStack.Onnx;
using RagStack.Retrieval;

namespace RagStack.Cli.Tests.Hosting;

/// <summary>The CLI composes through <c>AddRagStack(configuration)</c>: the folder's ragstack.json applies, and a bad one stops the command by name.</summary>
public sealed class CliServicesTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ragstack-cli-services-");

    public void Dispose() => _data.Delete(recursive: true);

    private DataFolder Folder(string? settings = null)
    {
        if (settings is not null)
        {
            File.WriteAllText(Path.Combine(_data.FullName, "ragstack.json"), settings);
        }

        return DataFolder.Open(_data.FullName, requested: null);
    }

    [Fact]
    public async Task Without_a_model_there_is_no_generator()
    {
        await using var services = CliServices.Build(Folder());

        Assert.Null(services.GetService<IChatClient>());
    }

    [Fact]
    public async Task Retrieval_settings_come_from_the_folders_ragstack_json()
    {
        await using var services = CliServices.Build(Folder("""{ "RagStack": { "Retrieval": { "Candidates": 7, "Fusion": "ReciprocalRank" } } }"""));

        var options = services.GetRequiredService<IOptions<RetrievalOptions>>().Value;

        Assert.Equal(7, options.Candidates);
        Assert.Equal(FusionMethod.ReciprocalRank, options.Fusion);
    }

    [Fact]
    public void A_misspelt_setting_in_ragstack_json_stops_the_command_naming_the_file_and_the_setting()
    {
        var folder = Folder("""{ "RagStack": { "Retrieval": { "Candidate": 7 } } }""");

        var error = Assert.Throws<CliSettingsException>(() => CliServices.Build(folder));

        Assert.StartsWith($"{folder.SettingsFile}: RagStack:Retrieval:Candidate is not a setting; RagStack:Retrieval has AdaptiveExponent, AdaptiveKeywordWeight, Candidates, ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_llama_cpp_cannot_load_is_a_typed_error_naming_it()
    {
        var path = Path.Combine(_data.FullName, "not-a-model.gguf");
        await File.WriteAllTextAsync(path, "not a model");
        await using var services = CliServices.Build(Folder(), modelPath: path);

        var error = Assert.Throws<InvalidDataException>(() => services.GetService<IChatClient>());

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("could not load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gguf_model_loads_as_the_local_llama_cpp_client_for_one_question_at_a_time()
    {
        var path = Path.Combine(_data.FullName, "synthetic.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec());
        await using var services = CliServices.Build(Folder(), modelPath: path);

        Assert.IsType<LlamaChatClient>(services.GetRequiredService<IChatClient>());
        Assert.Equal(1, services.GetRequiredService<IOptions<LlamaModelOptions>>().Value.MaxParallelRequests);
    }

    [Fact]
    public async Task The_generator_model_named_in_ragstack_json_is_used_when_none_is_given()
    {
        var path = Path.Combine(_data.FullName, "configured.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec());
        await using var services = CliServices.Build(Folder($$"""{ "RagStack": { "Generator": { "ModelPath": "{{path}}" } } }"""), fallbackModelPath: "/nonexistent/default.gguf");

        Assert.IsType<LlamaChatClient>(services.GetRequiredService<IChatClient>());
        Assert.Equal(path, services.GetRequiredService<IOptions<LlamaModelOptions>>().Value.ModelPath);
    }
}
