using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Domains;
using RagStack.LlamaSharp.Tests.Adapters;
using RagStack.LlamaSharp.Tests.Chat;

namespace RagStack.LlamaSharp.Tests;

/// <summary>The registered chat client loads the configured domains' adapters with its model, under the domains' names.</summary>
public sealed class LlamaServiceCollectionExtensionsTests(SyntheticModelFixture model) : IClassFixture<SyntheticModelFixture>
{
    private string Adapter(string name, int seed)
    {
        var path = Path.Combine(Path.GetDirectoryName(model.ModelPath)!, name);
        if (!File.Exists(path))
        {
            TestLoraAdapters.Write(model.ModelPath, path, seed);
        }

        return path;
    }

    private ServiceProvider Services(Action<DomainsOptions> domains, params (string Key, string Value)[] settings)
    {
        var configuration = TestConfiguration.Empty([("RagStack:Generator:ModelPath", model.ModelPath), .. settings.Select(s => (s.Key, (string?)s.Value))]);
        var services = new ServiceCollection();
        services.AddRagStack(configuration).AddLlamaGenerator(o =>
        {
            o.ContextLength = 256;
            o.MaxParallelRequests = 1;
            o.Threads = 2;
        });
        services.Configure(domains);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_model_and_its_settings_are_bound_from_the_generator_section()
    {
        using var services = Services(_ => { }, ("RagStack:Generator:DraftTokens", "6"));

        var options = services.GetRequiredService<IOptions<LlamaModelOptions>>().Value;

        Assert.Equal(model.ModelPath, options.ModelPath);
        Assert.Equal(6, options.DraftTokens);
        Assert.Equal(256, options.ContextLength);
    }

    [Fact]
    public void A_misspelt_generator_setting_stops_the_load_naming_it()
    {
        using var services = Services(_ => { }, ("RagStack:Generator:DraftToken", "6"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IChatClient>());

        Assert.StartsWith("RagStack:Generator:DraftToken is not a setting; RagStack:Generator has ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_domains_adapter_is_loaded_under_its_name_and_answers_differently_from_the_base()
    {
        using var services = Services(d =>
        {
            d["legal"] = new DomainOptions { Adapter = Adapter("legal.gguf", seed: 1) };
            d["general"] = new DomainOptions { Index = "docs" };
        });

        var client = services.GetRequiredService<LlamaChatClient>();
        var chat = services.GetRequiredService<IChatClient>();
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = 24, StopSequences = [] };
        ChatMessage[] ask = [new(ChatRole.User, "The cat sat on the mat.")];

        Assert.Equal(["legal"], client.Adapters.Names);
        Assert.NotEqual((await chat.GetResponseAsync(ask, greedy)).Text, (await chat.GetResponseAsync(ask, greedy.WithAdapter("legal"))).Text);
    }

    [Fact]
    public void A_bad_domain_adapter_fails_the_client_naming_the_domain_and_file()
    {
        var missing = Path.Combine(Path.GetDirectoryName(model.ModelPath)!, "missing.gguf");
        using var services = Services(d => d["legal"] = new DomainOptions { Adapter = missing });

        var error = Assert.Throws<DomainAdapterException>(() => services.GetRequiredService<IChatClient>());

        Assert.Equal($"{missing}: adapter file not found. (domain 'legal')", error.Message);
        Assert.Equal("legal", error.Domain);
        Assert.Equal(missing, error.AdapterPath);
    }
}
