using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace RagStack.Api.Tests.Generation;

/// <summary>Generator settings that cannot work stop the service at start, naming the setting.</summary>
public sealed class GeneratorSettingsTests
{
    [Theory]
    [InlineData("RagStack:Generator:ModelPath", "RagStack:Generator:ModelPath and RagStack:RemoteGenerator:Endpoint are both set")]
    [InlineData("RagStack:RemoteGenerator:Endpoint", "RagStack:RemoteGenerator:Model is not set")]
    [InlineData("RagStack:Api:MaxConcurrentAsks", "RagStack:Api:MaxConcurrentAsks is 0; it must be at least 1")]
    public async Task A_generator_or_queue_setting_that_cannot_work_stops_the_start(string setting, string message)
    {
        var folder = Directory.CreateTempSubdirectory("ragstack-api-generator-");
        var model = Path.Combine(folder.FullName, "model.gguf");
        await File.WriteAllTextAsync(model, "not read: the start stops first");
        var settings = setting switch
        {
            "RagStack:Generator:ModelPath" => new Dictionary<string, string> { ["RagStack:Generator:ModelPath"] = model, ["RagStack:RemoteGenerator:Endpoint"] = "http://127.0.0.1:9/v1", ["RagStack:RemoteGenerator:Model"] = "m" },
            "RagStack:RemoteGenerator:Endpoint" => new Dictionary<string, string> { ["RagStack:RemoteGenerator:Endpoint"] = "http://127.0.0.1:9/v1" },
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

            // Both generators at once is refused while composing; the other settings when their options are validated at start.
            var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            Assert.True(e is OptionsValidationException or InvalidOperationException, e.ToString());
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
