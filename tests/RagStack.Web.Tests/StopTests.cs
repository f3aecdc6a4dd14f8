using System.Diagnostics;
using RagStack.Conversations;
using RagStack.Models.Gguf;
using static Microsoft.Playwright.Assertions;

namespace RagStack.Web.Tests;

/// <summary>The stack with a generator: a small Llama with random weights written by our GGUF writer, run by llama.cpp in the API.</summary>
public sealed class GeneratingBrowserApp : BrowserApp
{
    public GeneratingBrowserApp()
        : base(WriteModel())
    {
    }

    private static string WriteModel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ragstack-web-synthetic-{Guid.NewGuid():N}.gguf");
        // Wide enough to take a few milliseconds a token, with a window for a byte-level prompt and a long answer.
        SyntheticLlama.Write(path, new SyntheticLlamaSpec { Layers = 4, EmbeddingLength = 256, FeedForwardLength = 1024, ContextLength = 4096 });
        return path;
    }
}

/// <summary>Stop in the chat ends the answer on the server: the stored answer is short and marked stopped soon after the click.</summary>
public sealed class StopTests(GeneratingBrowserApp app) : IClassFixture<GeneratingBrowserApp>
{
    [SkippableFact]
    public async Task Stop_ends_generation_on_the_server_and_the_stored_answer_is_marked_stopped()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        await app.EnsureAsync("stops", DocumentUpload.FromText("lighthouse.md", TestDocuments.Lighthouse));
        var page = await app.OpenAsync("?index=stops");
        await Expect(page.Locator(".banner", new() { HasText = "No generator model" })).ToHaveCountAsync(0);

        await page.Locator("#question").FillAsync("What colour is the Quillmere lamp room painted?");
        await page.Locator("#question").PressAsync("Enter");
        var answer = page.Locator("article.answer").Last;
        await Expect(answer.Locator(".answer-body")).Not.ToBeEmptyAsync(new() { Timeout = BrowserApp.Slow });
        await BrowserApp.ScreenshotAsync(page, "chat-streaming");
        var clock = Stopwatch.StartNew();
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await Expect(answer.Locator(".answer-error")).ToHaveTextAsync("Stopped before the answer was finished.");
        var shown = await answer.Locator(".answer-body").InnerTextAsync();
        await BrowserApp.ScreenshotAsync(page, "chat-stopped");

        // The server stores the answer when its generator loop ends: that it appears marked stopped shows the loop ended.
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        ConversationMessage? stored = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && stored is null)
        {
            var messages = (await app.Client.GetConversationAsync(id))!.Messages;
            stored = messages is [_, { Role: ConversationRole.Assistant } last] ? last : null;
            await Task.Delay(100);
        }

        Assert.NotNull(stored);
        Assert.Equal("Stopped before the answer was finished.", stored.Error);
        Assert.Null(stored.Kind);
        // Stored within seconds of the click, not after the whole answer (hundreds of tokens at this model's speed).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stored {clock.Elapsed.TotalSeconds:F1} s after Stop");
        Assert.True(stored.Text.Length <= shown.Length + 200, $"stored {stored.Text.Length} characters, shown {shown.Length}");

        // The generator is free again: the next answer is written in full.
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Regenerate" }).ClickAsync();
        await Expect(page.Locator("article.answer").Last).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow * 2 });
        await Expect(page.Locator("article.answer").Last.Locator(".answer-error")).ToHaveCountAsync(0);
    }
}
