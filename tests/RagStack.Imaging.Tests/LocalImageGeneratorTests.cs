using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Testing;
using Xunit;

namespace RagStack.Imaging.Tests;

public sealed class LocalImageGeneratorTests
{
    private static ServiceProvider Compose(string data, params (string, string?)[] settings)
    {
        var services = new ServiceCollection();
        new Builder(services, TestConfiguration.For(data, settings)).AddImageGeneration(o =>
        {
            o.ModelPath ??= TestModels.TinySd;
            o.Width = 32;
            o.Height = 32;
            o.Steps = 3;
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Images_are_stored_in_the_data_folder_and_returned_by_uri()
    {
        var data = TestModels.TempFolder();
        await using var provider = Compose(data);
        var generator = provider.GetRequiredService<IImageGenerator>();
        var response = await generator.GenerateImagesAsync("a blue star", new ImageGenerationOptions
        {
            Count = 2,
            AdditionalProperties = new() { [ImageGenerationProperties.Seed] = 5L },
        });
        Assert.Equal(2, response.Contents.Count);
        var uris = response.Contents.OfType<UriContent>().ToArray();
        Assert.Equal(2, uris.Length);
        Assert.All(uris, u => Assert.Equal("image/png", u.MediaType));
        Assert.All(uris, u => Assert.True(File.Exists(u.Uri.LocalPath)));
        Assert.All(uris, u => Assert.StartsWith(Path.Combine(data, "images"), u.Uri.LocalPath, StringComparison.Ordinal));
        Assert.NotEqual(uris[0].Uri, uris[1].Uri);
    }

    [Fact]
    public async Task Data_format_returns_png_bytes_of_the_asked_size_and_reports_progress()
    {
        await using var provider = Compose(TestModels.TempFolder());
        var generator = provider.GetRequiredService<IImageGenerator>();
        var seen = new List<DiffusionProgress>();
        var response = await generator.GenerateImagesAsync("a red square", new ImageGenerationOptions
        {
            ResponseFormat = ImageGenerationResponseFormat.Data,
            ImageSize = new System.Drawing.Size(48, 16),
            AdditionalProperties = new()
            {
                [ImageGenerationProperties.Steps] = 2,
                [ImageGenerationProperties.Progress] = new SyncProgress(seen.Add),
            },
        });
        var data = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal("image/png", data.MediaType);
        var (w, h, _) = PngEncoder.Decode(data.Data.Span);
        Assert.Equal((48, 16), (w, h));
        Assert.Equal([new(1, 1, 1, 2), new DiffusionProgress(1, 1, 2, 2)], seen);
    }

    [Fact]
    public void A_bad_setting_fails_the_start_by_name()
    {
        using var provider = Compose(TestModels.TempFolder(), ("RagStack:Images:GuidanceScale", "99"));
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ImagesOptions>>().Value);
        Assert.Contains("RagStack:Images:GuidanceScale", e.Message, StringComparison.Ordinal);
    }

    private sealed record Builder(IServiceCollection Services, IConfiguration Configuration) : IRagStackBuilder;

    private sealed class SyncProgress(Action<DiffusionProgress> report) : IProgress<DiffusionProgress>
    {
        public void Report(DiffusionProgress value) => report(value);
    }
}
