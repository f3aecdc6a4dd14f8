using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextToImage;
using RagStack.Imaging;
using RagStack.Testing;
using SkiaSharp;

namespace RagStack.SemanticKernel.Tests;

#pragma warning disable MEAI001, SKEXP0001
/// <summary>The image plugin and the ITextToImageService adapter over the local generator and the shipped shapes-64 model.</summary>
public sealed class ImagePluginTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("ragstack-sk-images-");
    private readonly ServiceProvider _provider;

    public ImagePluginTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRagStack(TestConfiguration.For(_folder.Path("data"), ("RagStack:Images:Steps", "2"))).AddImageGeneration();
        services.AddRagStackImagePlugin();
        _provider = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _folder.Dispose();
    }

    private static (int Width, int Height) SizeOf(ReadOnlySpan<byte> png)
    {
        using var bitmap = SKBitmap.Decode(png);
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public async Task Generate_image_stores_the_png_and_returns_its_uri()
    {
        var kernel = new Kernel();
        var plugin = kernel.Plugins.AddRagStackImages(_provider.GetRequiredService<IImageGenerator>(), _provider.GetRequiredService<ImageStore>());

        var uri = await kernel.InvokeAsync<string>(plugin["generate_image"], new() { ["prompt"] = "a red circle on a blue background", ["steps"] = 2, ["seed"] = 4L, ["width"] = 48, ["height"] = 32 });

        var file = new Uri(uri!).LocalPath;
        Assert.StartsWith(_folder.Path("data"), file, StringComparison.Ordinal);
        Assert.Equal((48, 32), SizeOf(File.ReadAllBytes(file)));
    }

    [Fact]
    public async Task A_kernel_chat_with_auto_function_choice_calls_generate_image_and_gets_a_uri_not_the_bytes()
    {
        var model = new FakeToolCallingChatClient("images_generate_image", "prompt");
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(_provider.GetRequiredService<IImageGenerator>());
        builder.Services.AddSingleton(_provider.GetRequiredService<ImageStore>());
        builder.Services.AddRagStackImagePlugin();
        builder.Services.AddSingleton(new ChatClientBuilder(model).UseKernelFunctionInvocation().Build());
        var kernel = builder.Build();

        var reply = await kernel.InvokePromptAsync<string>("a green square on a yellow background", new(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        Assert.Contains("images_generate_image", model.OfferedTools);
        Assert.NotNull(model.ToolResult);
        var uri = new Uri(model.ToolResult!.Trim('"'));
        Assert.True(File.Exists(uri.LocalPath), model.ToolResult);
        Assert.True(model.ToolResult.Length < 400, "the tool result is an address, not the image");
        Assert.Contains(uri.ToString(), reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_text_to_image_adapter_gives_stored_pngs_of_the_asked_size()
    {
        ITextToImageService service = new ImageGeneratorTextToImageService(_provider.GetRequiredService<IImageGenerator>());
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["width"] = 32, ["height"] = 64, ["seed"] = 2 } };

        var images = await service.GetImageContentsAsync(new Microsoft.SemanticKernel.TextContent("a white star on a black background"), settings);

        var image = Assert.Single(images);
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal((32, 64), SizeOf(File.ReadAllBytes(image.Uri!.LocalPath)));
        var address = await service.GenerateImageAsync("a white star", 64, 64);
        Assert.True(File.Exists(new Uri(address).LocalPath), address);
    }
}
#pragma warning restore MEAI001, SKEXP0001
