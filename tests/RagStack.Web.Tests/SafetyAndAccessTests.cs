using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RagStack.Web.Tests;

/// <summary>Hostile document text renders inert everywhere; axe-core finds no serious or critical violation; 390 px and dark themes work.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SafetyAndAccessTests(BrowserApp app)
{
    private const string Index = "hostile";

    [SkippableFact]
    public async Task Script_image_handlers_and_javascript_links_in_a_document_render_inert_in_chat_viewer_and_portal()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        await app.EnsureAsync(Index, DocumentUpload.FromText("zebrafish.txt", TestDocuments.Hostile));
        var dialogs = new List<string>();

        var page = await app.OpenAsync($"?index={Index}", dialogs);
        await page.Locator("#question").FillAsync("How long is the zebrafish nap after feeding, and what does the tank log show?");
        await page.Locator("#question").PressAsync("Enter");
        var answer = page.Locator("article.answer").Last;
        await Expect(answer).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow });
        // The payload is in the answer, as text.
        await Expect(answer.Locator(".answer-body")).ToContainTextAsync("onerror");
        await BrowserApp.ScreenshotAsync(page, "xss-chat");
        await AssertInertAsync(page, dialogs, "the chat");
        // The answer's links (the Markdown one included) never carry a javascript: address.
        await answer.Locator(".cite-chip").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/documents/hostile/"));
        await Expect(page.Locator(".document-text")).ToContainTextAsync("<script>window.__xss=1");
        await BrowserApp.ScreenshotAsync(page, "xss-viewer");
        await AssertInertAsync(page, dialogs, "the viewer");

        var portal = await app.OpenAsync($"documents?index={Index}", dialogs);
        await portal.Locator("summary", new() { HasText = "Summary of zebrafish.txt" }).ClickAsync();
        await Expect(portal.Locator(".preview")).ToContainTextAsync("<img src=x onerror=");
        await BrowserApp.ScreenshotAsync(portal, "xss-portal");
        await AssertInertAsync(portal, dialogs, "the portal");
    }

    private static async Task AssertInertAsync(IPage page, List<string> dialogs, string where)
    {
        await page.WaitForTimeoutAsync(300);
        Assert.True(dialogs.Count == 0, $"{where} opened a dialog: {string.Join(", ", dialogs)}");
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.Equal(0, await page.Locator("main script, main img[src='x'], main [onerror], main iframe, main object").CountAsync());
        Assert.Equal(0, await page.Locator("a[href^='javascript:' i], a[href^='data:' i]").CountAsync());
    }

    [SkippableFact]
    public async Task Axe_finds_no_serious_or_critical_violation_on_any_page_light_and_dark()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        await app.EnsureAsync("axe", DocumentUpload.FromText("lighthouse.md", TestDocuments.Lighthouse));
        var page = await app.OpenAsync("?index=axe");
        await page.Locator("#question").FillAsync("What colour is the Quillmere lamp room painted?");
        await page.Locator("#question").PressAsync("Enter");
        await Expect(page.Locator("article.answer").Last).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow });
        var conversation = page.Url;
        var viewer = await page.Locator("article.answer .cite-chip").First.GetAttributeAsync("href");

        var failures = new List<string>();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            foreach (var (name, path) in new[] { ("chat", conversation), ("portal", app.Web.BaseUri + "documents?index=axe"), ("viewer", app.Web.BaseUri + viewer) })
            {
                await page.GotoAsync(path);
                await Expect(page.Locator("main h1")).ToBeVisibleAsync(new() { Timeout = 60_000 });
                await Expect(page.Locator("main [role=status]:has-text('Loading')")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
                await BrowserApp.ScreenshotAsync(page, $"axe-{name}-{scheme.ToString().ToLowerInvariant()}");
                var result = await page.RunAxe();
                failures.AddRange(result.Violations
                    .Where(v => v.Impact is "serious" or "critical")
                    .Select(v => $"{name} ({scheme}): {v.Id} ({v.Impact}) {v.Help} at {string.Join(" | ", v.Nodes.Select(n => n.Html).Take(3))}"));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public async Task At_390_px_every_page_fits_the_width_the_menu_opens_and_axe_passes()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        await app.EnsureAsync("narrow", DocumentUpload.FromText("lighthouse.md", TestDocuments.Lighthouse));
        var page = await app.OpenAsync("?index=narrow");
        await page.SetViewportSizeAsync(390, 844);
        await page.Locator("#question").FillAsync("What colour is the Quillmere lamp room painted?");
        await page.Locator("#question").PressAsync("Enter");
        await Expect(page.Locator("article.answer").Last).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow });
        var viewer = await page.Locator("article.answer .cite-chip").First.GetAttributeAsync("href");
        await BrowserApp.ScreenshotAsync(page, "narrow-chat");

        await Expect(page.Locator("#sidebar")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        await Expect(page.Locator("#sidebar")).ToBeVisibleAsync();
        await Expect(page.Locator(".conversation-items li").First).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "narrow-menu");
        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();

        var failures = new List<string>();
        foreach (var (name, path) in new[] { ("chat", page.Url), ("portal", app.Web.BaseUri + "documents?index=narrow"), ("viewer", app.Web.BaseUri + viewer) })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("main h1")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("main [role=status]:has-text('Loading')")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
            await BrowserApp.ScreenshotAsync(page, $"narrow-{name}");
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (width > 390)
            {
                failures.Add($"{name} is {width} px wide");
            }

            var result = await page.RunAxe();
            failures.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{name}: {v.Id} {v.Help}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
