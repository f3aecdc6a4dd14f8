using OpenAI;
using OpenAI.Models;
using System.ClientModel;

namespace RagStack.ModelHost.Tests;

/// <summary>What the host serves follows its configuration, and a bad setting fails the start, not the first request.</summary>
[Collection(ModelHostCollection.Name)]
public sealed class ModelHostStartupTests(ModelHostFixture host)
{
    [Fact]
    public async Task A_configured_model_id_names_the_base_model_and_prefixes_its_adapters()
    {
        await using var app = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["RagStack:Generator:ModelPath"] = host.ModelPath,
            ["RagStack:ModelHost:ModelId"] = "tiny-llama",
            ["RagStack:Generator:ContextLength"] = "128",
            ["RagStack:ModelHost:Adapters:contracts"] = host.AdapterPath,
        });
        var client = new OpenAIModelClient(new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(TestHost.AddressOf(app), "/v1") });

        OpenAIModelCollection models = await client.GetModelsAsync();

        Assert.Equal(["tiny-llama", "tiny-llama+contracts", "snowflake-arctic-embed-xs"], models.Select(m => m.Id));
    }

    [Fact]
    public async Task A_missing_adapter_file_fails_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["RagStack:Generator:ModelPath"] = host.ModelPath,
            ["RagStack:Generator:ContextLength"] = "128",
            ["RagStack:ModelHost:Adapters:medical"] = Path.Combine(Path.GetTempPath(), "no-such-adapter.gguf"),
        }));

        Assert.StartsWith("RagStack:ModelHost:Adapters:medical: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_path_fails_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestHost.StartAsync(new Dictionary<string, string?>()));

        Assert.Contains("RagStack:Generator:ModelPath is not set", error.Message, StringComparison.Ordinal);
    }
}
