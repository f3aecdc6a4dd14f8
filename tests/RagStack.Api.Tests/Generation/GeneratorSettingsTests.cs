using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace RagStack.Api.Tests.Generation;

/// <summary>Generator settings that cannot work stop the service at start, naming the setting.</summary>
public sealed class GeneratorSettingsTests
{
    [Theory]
    [InlineData("RagStack:Model:Path", "Path and RagStack:Model:Endpoint are both set")]
    [InlineData("RagStack:Model:Endpoint", "RagStack:Model:Id is not set")]
    [InlineData("RagStack:Api:MaxConcurrentAsks", "MaxConcurrentAsks must be at least 1")]
    public async Task A_generator_or_queue_setting_that_cannot_work_stops_the_start(string setting, string message)
    {
        var folder = Directory.CreateTempSubdirectory("ragstack-api-generator-");
        var model = Path.Combine(folder.FullName, "model.gguf");
        await File.WriteAllTextAsync(model, "not read: the start stops first");
        var settings = setting switch
        {
            "RagStack:Model:Path" => new Dictionary<string, string> { ["RagStack:Model:Path"] = model, ["RagStack:Model:Endpoint"] = "http://127.0.0.1:9/v1", ["RagStack:Model:Id"] = "m" },
            "RagStack:Model:Endpoint" => new Dictionary<string, string> { ["RagStack:Model:Endpoint"] = "http://127.0.0.1:9/v1" },
            _ => new Dictionary<string, string> { [setting] = "0" },
        };
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("RagStack:DataDirectory", folder.FullName);
                foreach (var (key, value) in settings)
                {
                    b.UseSetting(key, value);
                }
            });

            var e = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
