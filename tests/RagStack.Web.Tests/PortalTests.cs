using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RagStack.Web.Tests;

/// <summary>The portal: uploads with their live status pushed by the API, refusals with their reason, the list's actions.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalTests(BrowserApp app)
{
    [SkippableFact]
    public async Task Uploaded_pdf_and_markdown_reach_ready_live_without_a_reload()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await app.OpenAsync("documents?index=portal-live");
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;

        await page.SetInputFilesAsync("#files", new[]
        {
            new FilePayload { Name = "bridge.pdf", MimeType = "application/pdf", Buffer = TestDocuments.BridgePdf() },
            new FilePayload { Name = "lighthouse.md", MimeType = "text/markdown", Buffer = TestDocuments.Utf8(TestDocuments.Lighthouse) },
        });

        await Expect(page.Locator(".upload", new() { HasText = "bridge.pdf" })).ToContainTextAsync("sent", new() { Timeout = BrowserApp.Slow });
        await BrowserApp.ScreenshotAsync(page, "portal-uploading");
        var bridge = page.Locator("tr[data-document='bridge.pdf'] .badge");
        var lighthouse = page.Locator("tr[data-document='lighthouse.md'] .badge");
        await Expect(bridge).ToHaveAttributeAsync("data-stage", "ready", new() { Timeout = BrowserApp.Slow });
        await Expect(lighthouse).ToHaveAttributeAsync("data-stage", "ready", new() { Timeout = BrowserApp.Slow });
        await Expect(page.Locator("tr[data-document='bridge.pdf'] td").Nth(3)).ToHaveTextAsync("2");
        await BrowserApp.ScreenshotAsync(page, "portal-ready");

        Assert.Equal(0, navigations);
    }

    [SkippableFact]
    public async Task A_file_of_a_type_the_api_does_not_ingest_or_too_large_is_refused_with_its_reason_before_upload()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await app.OpenAsync("documents?index=portal-refused");

        await page.SetInputFilesAsync("#files", new[]
        {
            new FilePayload { Name = "archive.zip", MimeType = "application/zip", Buffer = [0x50, 0x4B, 0x03, 0x04] },
            new FilePayload { Name = "huge.txt", MimeType = "text/plain", Buffer = new byte[2_100_000] },
        });

        await Expect(page.Locator(".upload", new() { HasText = "archive.zip" })).ToContainTextAsync(".zip files are not ingested");
        await Expect(page.Locator(".upload", new() { HasText = "huge.txt" })).ToContainTextAsync("over the 1.9 MB limit");
        await BrowserApp.ScreenshotAsync(page, "portal-refused");
        // Nothing was sent: the index never got a document.
        Assert.Empty(await app.Client.ListDocumentsAsync("portal-refused"));
    }

    [SkippableFact]
    public async Task A_file_the_pipeline_cannot_read_shows_failed_with_its_step_and_reason()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await app.OpenAsync("documents?index=portal-failed");

        await page.SetInputFilesAsync("#files", new FilePayload { Name = "broken.pdf", MimeType = "application/pdf", Buffer = TestDocuments.Utf8("%PDF-1.7 this is not a PDF at all") });

        var row = page.Locator("tr[data-document='broken.pdf']");
        await Expect(row.Locator(".badge")).ToHaveAttributeAsync("data-stage", "failed", new() { Timeout = BrowserApp.Slow });
        await Expect(row.Locator(".failure")).ToContainTextAsync("at ");
        await BrowserApp.ScreenshotAsync(page, "portal-failed");
    }

    [SkippableFact]
    public async Task Delete_asks_for_confirmation_and_reingest_brings_a_document_back_to_ready()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        const string index = "portal-actions";
        await app.Client.UploadAsync(index, [DocumentUpload.FromText("brewery.md", TestDocuments.Brewery), DocumentUpload.FromText("lighthouse.md", TestDocuments.Lighthouse)]);
        var page = await app.OpenAsync($"documents?index={index}");
        var brewery = page.Locator("tr[data-document='brewery.md']");
        await Expect(brewery.Locator(".badge")).ToHaveAttributeAsync("data-stage", "ready", new() { Timeout = BrowserApp.Slow });
        await Expect(page.Locator("tr[data-document='lighthouse.md'] .badge")).ToHaveAttributeAsync("data-stage", "ready", new() { Timeout = BrowserApp.Slow });

        await page.GetByRole(AriaRole.Button, new() { Name = "Re-ingest lighthouse.md" }).ClickAsync();
        await Expect(page.Locator("tr[data-document='lighthouse.md'] .badge")).ToHaveAttributeAsync("data-stage", "ready", new() { Timeout = BrowserApp.Slow });

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete brewery.md" }).ClickAsync();
        await BrowserApp.ScreenshotAsync(page, "portal-confirm-delete");
        await brewery.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(brewery).ToHaveCountAsync(0, new() { Timeout = BrowserApp.Slow });

        Assert.Equal(["lighthouse.md"], (await app.Client.ListDocumentsAsync(index)).Select(d => d.Name));
        // The summary of a ready document: its chunks and the first of them.
        await page.Locator("summary", new() { HasText = "Summary of lighthouse.md" }).ClickAsync();
        await Expect(page.Locator(".preview li").First).ToContainTextAsync("Quillmere");
        await BrowserApp.ScreenshotAsync(page, "portal-summary");

        // State comes from the API: after a reload the list is the same.
        await page.ReloadAsync();
        await Expect(page.Locator("tr[data-document='lighthouse.md'] .badge")).ToHaveAttributeAsync("data-stage", "ready", new() { Timeout = 60_000 });
        await Expect(page.Locator("tr[data-document='brewery.md']")).ToHaveCountAsync(0);
    }
}
