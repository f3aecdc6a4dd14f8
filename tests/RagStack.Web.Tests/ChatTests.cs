using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RagStack.Conversations;
using static Microsoft.Playwright.Assertions;

namespace RagStack.Web.Tests;

/// <summary>The chat without a generator model: streamed, cited extractive answers, citation chips into the viewer, follow-ups, conversations.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatTests(BrowserApp app)
{
    private const string Index = "chat";

    private async Task<IPage> ChatAsync(string path = "")
    {
        await app.EnsureAsync(Index, DocumentUpload.FromText("lighthouse.md", TestDocuments.Lighthouse), DocumentUpload.FromText("brewery.md", TestDocuments.Brewery));
        var page = await app.OpenAsync(path.Length == 0 ? $"?index={Index}" : path);
        await Expect(page.Locator("#target")).ToHaveValueAsync($"index:{Index}");
        return page;
    }

    private static async Task AskAsync(IPage page, string question)
    {
        var answers = await page.Locator("article.answer").CountAsync();
        await page.Locator("#question").FillAsync(question);
        await page.Locator("#question").PressAsync("Enter");
        await Expect(page.Locator("article.answer")).ToHaveCountAsync(answers + 1);
        await Expect(page.Locator("article.answer").Last).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow });
    }

    [SkippableFact]
    public async Task An_answer_streams_in_with_citation_chips_whose_passage_shows_on_focus_and_opens_highlighted_in_the_viewer()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await ChatAsync();
        await Expect(page.Locator(".banner", new() { HasText = "No generator model is installed" })).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "chat-empty");

        await AskAsync(page, "What colour is the Quillmere lamp room painted?");

        var answer = page.Locator("article.answer").Last;
        await Expect(answer.Locator(".answer-body")).ToContainTextAsync("saffron yellow");
        var chip = answer.Locator(".cite-chip").First;
        await Expect(chip).ToBeVisibleAsync();
        await Expect(answer.Locator(".sources li").First).ToContainTextAsync("lighthouse.md");

        await chip.FocusAsync();
        var popover = answer.Locator(".cite-pop").First;
        await Expect(popover).ToBeVisibleAsync();
        await Expect(popover).ToContainTextAsync("lighthouse.md");
        await Expect(popover).ToContainTextAsync("saffron yellow");
        await BrowserApp.ScreenshotAsync(page, "chat-citation-popover");

        await chip.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/documents/chat/"));
        var passage = page.Locator("mark#passage");
        await Expect(passage).ToBeVisibleAsync();
        await Expect(passage).ToBeInViewportAsync();
        var highlighted = string.Concat(await page.Locator(".document-text mark").AllTextContentsAsync());
        Assert.Contains("saffron yellow", highlighted, StringComparison.Ordinal);
        await Expect(page.Locator("main h1")).ToHaveTextAsync("lighthouse.md");
        await Expect(page.Locator(".document-text [role=heading]").First).ToContainTextAsync("The Quillmere lighthouse");
        await BrowserApp.ScreenshotAsync(page, "viewer-passage");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the original" }).ClickAsync());
        var path = await download.PathAsync();
        Assert.Equal(TestDocuments.Lighthouse, await File.ReadAllTextAsync(path));
    }

    [SkippableFact]
    public async Task The_retrieval_step_shows_and_a_follow_up_finds_the_right_document_through_the_rewritten_query()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await ChatAsync();

        await AskAsync(page, "What colour is the Quillmere lamp room painted?");
        await AskAsync(page, "And how many litres does it take?");

        var answer = page.Locator("article.answer").Last;
        await Expect(answer.Locator(".sources li").First).ToContainTextAsync("lighthouse.md");
        await Expect(answer.Locator(".answer-body")).ToContainTextAsync("forty-two litres");
        await answer.Locator(".searched-for summary").ClickAsync();
        await Expect(answer.Locator(".searched-for p")).ToContainTextAsync("quillmere", new() { IgnoreCase = true });
        await BrowserApp.ScreenshotAsync(page, "chat-follow-up");
    }

    [SkippableFact]
    public async Task A_conversation_survives_a_reload_and_can_be_renamed_searched_and_deleted_in_the_sidebar()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await ChatAsync();
        await AskAsync(page, "How often does the Quillmere lamp turn?");
        await Expect(page).ToHaveURLAsync(new Regex("/c/[^/]+$"));
        var url = page.Url;

        await page.ReloadAsync();
        await Expect(page.Locator("article.answer .answer-body")).ToContainTextAsync("nine seconds", new() { Timeout = 60_000 });
        Assert.Equal(url, page.Url);
        var id = url[(url.LastIndexOf('/') + 1)..];
        var item = page.Locator(".conversation-items li", new() { Has = page.Locator($"a[href='c/{id}']") });
        await Expect(item).ToContainTextAsync("How often does the Quillmere lamp turn?");

        await item.GetByRole(AriaRole.Button, new() { NameRegex = new("^Rename") }).ClickAsync();
        await page.Locator($"#rename-{id}").FillAsync("Lamp timing");
        await page.Locator($"#rename-{id}").PressAsync("Enter");
        await Expect(page.Locator($".conversation-items a[href='c/{id}']")).ToHaveTextAsync("Lamp timing");

        await page.Locator("#conversation-search").FillAsync("lamp tim");
        await Expect(page.Locator(".conversation-items li")).ToHaveCountAsync(1);
        await BrowserApp.ScreenshotAsync(page, "sidebar-search");
        await page.Locator("#conversation-search").FillAsync("");

        Assert.Equal("Lamp timing", (await app.Client.GetConversationAsync(id))!.Summary.Title);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete Lamp timing" }).ClickAsync();
        await page.Locator(".conversation-items .confirm").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.Locator($".conversation-items a[href='c/{id}']")).ToHaveCountAsync(0);
        await Expect(page).Not.ToHaveURLAsync(new Regex("/c/"));
        Assert.Null(await app.Client.GetConversationAsync(id));
    }

    [SkippableFact]
    public async Task Regenerate_and_edit_and_resend_replace_the_last_turn()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await ChatAsync();
        await AskAsync(page, "How far out to sea can the lamp be seen?");
        await Expect(page).ToHaveURLAsync(new Regex("/c/[^/]+$"));
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        await page.GetByRole(AriaRole.Button, new() { Name = "Regenerate" }).ClickAsync();
        await Expect(page.Locator("article.answer").Last).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow });
        await Expect(page.Locator("article.answer")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit last question" }).ClickAsync();
        await Expect(page.Locator("#question")).ToHaveValueAsync("How far out to sea can the lamp be seen?");
        await page.Locator("#question").FillAsync("How many barrels fill a vat at Harrowgate?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();
        // The old answer is still on the page, not busy, until the new turn replaces it: wait for the new question first.
        await Expect(page.Locator(".turn.question")).ToHaveTextAsync("How many barrels fill a vat at Harrowgate?");
        await Expect(page.Locator("article.answer")).ToHaveCountAsync(1, new() { Timeout = BrowserApp.Slow });
        await Expect(page.Locator("article.answer").Last).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow });

        await Expect(page.Locator(".turn.question")).ToHaveCountAsync(1);
        var stored = (await app.Client.GetConversationAsync(id))!.Messages;
        for (var tries = 0; tries < 100 && stored is not [_, { Role: ConversationRole.Assistant }]; tries++)
        {
            // The page shows the answer as it streams; the service stores it when it is finished.
            await Task.Delay(100);
            stored = (await app.Client.GetConversationAsync(id))!.Messages;
        }

        Assert.Equal([ConversationRole.User, ConversationRole.Assistant], stored.Select(m => m.Role));
        Assert.Contains("brewery.md", stored[1].Sources.Select(s => s.Citation.DocumentName));
    }

    [SkippableFact]
    public async Task The_draw_action_shows_the_picture_inline_and_it_stays_after_a_reload()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await ChatAsync();
        await page.Locator("#question").FillAsync("a green square on a yellow background");

        await page.GetByRole(AriaRole.Button, new() { Name = "Draw" }).ClickAsync();

        var picture = page.Locator("article.answer img.answer-image");
        await Expect(picture).ToHaveCountAsync(1, new() { Timeout = BrowserApp.Slow });
        await Expect(picture).ToHaveAttributeAsync("alt", "a green square on a yellow background");
        Assert.Equal(64, await picture.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0"));
        await Expect(page.Locator(".turn.question")).ToHaveTextAsync("/image a green square on a yellow background");
        await BrowserApp.ScreenshotAsync(page, "chat-image");

        await page.ReloadAsync();
        await Expect(page.Locator("article.answer img.answer-image")).ToHaveCountAsync(1, new() { Timeout = BrowserApp.Slow });
    }

    [SkippableFact]
    public async Task A_deleted_document_is_no_longer_cited()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        const string index = "chat-deleted";
        await app.EnsureAsync(index, DocumentUpload.FromText("ferry.md", "# Ferry\n\nThe Brannock ferry leaves the harbour at seventeen minutes past every hour."),
            DocumentUpload.FromText("lighthouse.md", TestDocuments.Lighthouse));
        var page = await app.OpenAsync($"?index={index}");
        await AskAsync(page, "When does the Brannock ferry leave the harbour?");
        await Expect(page.Locator("article.answer .sources")).ToContainTextAsync("ferry.md");

        var ferry = (await app.Client.ListDocumentsAsync(index)).Single(d => d.Name == "ferry.md");
        var portal = await app.OpenAsync($"documents?index={index}");
        await portal.GetByRole(AriaRole.Button, new() { Name = "Delete ferry.md" }).ClickAsync();
        await portal.Locator("tr[data-document='ferry.md']").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(portal.Locator("tr[data-document='ferry.md']")).ToHaveCountAsync(0, new() { Timeout = BrowserApp.Slow });
        await portal.CloseAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "New chat" }).ClickAsync();
        await AskAsync(page, "When does the Brannock ferry leave the harbour?");
        var answer = page.Locator("article.answer").Last;
        await Expect(answer).Not.ToContainTextAsync("ferry.md");
        await Expect(answer.Locator($"a[href*='{ferry.Id}']")).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task A_problem_from_the_api_shows_in_the_conversation_with_its_detail()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await ChatAsync();
        await AskAsync(page, "What colour is the Quillmere lamp room painted?");
        await Expect(page).ToHaveURLAsync(new Regex("/c/[^/]+$"));
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        // Deleted elsewhere (another tab, the CLI): the next question is refused by the API with a 404 problem.
        Assert.True(await app.Client.DeleteConversationAsync(id));
        await AskAsync(page, "And how many litres?");

        await Expect(page.Locator("article.answer").Last.Locator(".answer-error")).ToContainTextAsync("There is no conversation");
        await BrowserApp.ScreenshotAsync(page, "chat-problem");
    }

    [SkippableFact]
    public async Task The_chat_is_usable_with_the_keyboard_alone_with_visible_focus()
    {
        Skip.If(BrowserApp.Missing is not null, BrowserApp.Missing);
        var page = await ChatAsync();

        // The skip link is the first thing focusable, and it shows when focused.
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('a[href], button, input, select, textarea')?.classList.contains('skip-link') === true"));
        await page.Locator(".skip-link").FocusAsync();
        await Expect(page.Locator(".skip-link")).ToBeInViewportAsync();
        await page.Locator("#question").FocusAsync();
        await page.Keyboard.TypeAsync("What colour is the Quillmere lamp room painted?");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("article.answer").Last).ToHaveAttributeAsync("aria-busy", "false", new() { Timeout = BrowserApp.Slow });

        // Tab reaches a citation chip; its outline shows and its popover opens.
        var chip = page.Locator("article.answer .cite-chip").First;
        for (var i = 0; i < 40 && !await chip.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Shift+Tab");
        }

        await Expect(chip).ToBeFocusedAsync();
        var outline = await chip.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle");
        Assert.Equal("solid", outline);
        await Expect(page.Locator("article.answer .cite-pop").First).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "chat-keyboard-focus");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/documents/chat/"));
        await Expect(page.Locator("mark#passage")).ToBeVisibleAsync();
    }
}
