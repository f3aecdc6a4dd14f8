using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Generation;
using RagStack.Models.Gguf;

namespace RagStack.Api.Tests.Ask;

public sealed class GeneratorStartupTests : IDisposable
{
    private readonly TemporaryFolder _dataFolder = new("ragstack-api-startup-");

    public void Dispose()
    {
        _dataFolder.Dispose();
    }

    [Fact]
    public void A_domain_adapter_that_cannot_load_stops_the_start_naming_the_file_and_the_domain()
    {
        Directory.CreateDirectory(_dataFolder.FullName);
        var model = Path.Combine(_dataFolder.FullName, "synthetic.gguf");
        SyntheticLlama.Write(model, new SyntheticLlamaSpec { Layers = 1, EmbeddingLength = 32, FeedForwardLength = 64, ContextLength = 256 });
        var adapter = Path.Combine(_dataFolder.FullName, "missing-legal.gguf");
        using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", _dataFolder.FullName);
            b.UseSetting("RagStack:Generator:ModelPath", model);
            b.UseSetting("RagStack:Domains:legal:Adapter", adapter);
        });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains(adapter, messages, StringComparison.Ordinal);
        Assert.Contains("(domain 'legal')", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void The_in_process_model_gets_the_configured_window()
    {
        Directory.CreateDirectory(_dataFolder.FullName);
        var model = Path.Combine(_dataFolder.FullName, "synthetic.gguf");
        SyntheticLlama.Write(model, new SyntheticLlamaSpec { Layers = 1, EmbeddingLength = 32, FeedForwardLength = 64, ContextLength = 1024 });
        using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", _dataFolder.FullName);
            b.UseSetting("RagStack:Generator:ModelPath", model);
            b.UseSetting("RagStack:Generator:ContextLength", "512");
        });

        Assert.Equal(512, api.Services.GetRequiredService<IChatTokenCounter>().ContextLength);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
