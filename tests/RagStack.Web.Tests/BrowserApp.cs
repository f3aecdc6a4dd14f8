using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RagStack.Testing;

namespace RagStack.Web.Tests;

/// <summary>
/// The whole web stack for browser tests: RagStack.Api on a fresh data folder and the web app, both on loopback Kestrel,
/// and Debian's Chromium driven by Playwright (headless, a fresh profile, never a downloaded browser). With a generator
/// model the API writes answers with llama.cpp; without, answers are the extractive ones.
/// </summary>
public class BrowserApp : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How long a test waits for something the server does (ingestion, an answer): generous, for a loaded machine.</summary>
    public const float Slow = 120_000;

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly TemporaryFolder _folder = new("ragstack-web-tests-");
    private readonly string? _generatorModel;
    private ServiceProvider? _clientServices;
    private readonly SemaphoreSlim _ensure = new(1, 1);
    private IPlaywright? _playwright;

    public BrowserApp()
        : this(null)
    {
    }

    protected BrowserApp(string? generatorModel) => _generatorModel = generatorModel;

    /// <summary>Why browser tests cannot run here; null when Chromium is installed.</summary>
    public static string? Missing => File.Exists(ChromiumPath) ? null : $"{ChromiumPath} is not installed (apt-get install -y chromium; .ci/run installs it).";

    public ApiHost Api { get; private set; } = null!;

    public WebHost Web { get; private set; } = null!;

    public IBrowserContext Browser { get; private set; } = null!;

    /// <summary>The typed client of the same API, for setting a test up and checking what the server stored.</summary>
    public IRagStackClient Client { get; private set; } = null!;

    /// <summary>Where screenshots of each state go, under the test output.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    protected string DataFolder(string name) => _folder.Path(name);

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        Api = new ApiHost(_folder.Path("data"), _generatorModel);
        _ = Api.BaseUri;
        Web = new WebHost(Api.BaseUri);
        _ = Web.BaseUri;
        _clientServices = new ServiceCollection().AddRagStackClient(Api.BaseUri).BuildServiceProvider();
        Client = _clientServices.GetRequiredService<IRagStackClient>();
        if (Missing is not null)
        {
            return;
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_folder.Path("profile"), new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            BaseURL = Web.BaseUri.AbsoluteUri,
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            ColorScheme = ColorScheme.Light,
        });
        Browser.SetDefaultTimeout(30_000);
    }

    /// <summary>A new tab at <paramref name="path"/>, once Blazor has rendered its heading; dialogs it opens are recorded in <paramref name="dialogs"/>.</summary>
    public async Task<IPage> OpenAsync(string path, List<string>? dialogs = null)
    {
        var page = await Browser.NewPageAsync();
        page.Dialog += async (_, dialog) =>
        {
            dialogs?.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        await page.GotoAsync(path);
        await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        return page;
    }

    /// <summary>Uploads <paramref name="files"/> into <paramref name="index"/> unless it holds them, and waits until they are ready.</summary>
    public async Task EnsureAsync(string index, params DocumentUpload[] files)
    {
        await _ensure.WaitAsync();
        try
        {
            var present = (await Client.ListDocumentsAsync(index)).Select(d => d.Name).ToHashSet();
            var missing = files.Where(f => !present.Contains(f.Name)).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Slow));
            foreach (var receipt in await Client.UploadAsync(index, missing, cancellationToken: timeout.Token))
            {
                var document = await Client.WaitForDocumentAsync(index, receipt.Id, cancellationToken: timeout.Token);
                Assert.True(document.Status == RagStack.Documents.DocumentStatus.Ready, $"{document.Name}: {document.Error}");
            }
        }
        finally
        {
            _ensure.Release();
        }
    }

    /// <summary>Saves a full-page screenshot named <paramref name="name"/> under <see cref="Screenshots"/>.</summary>
    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_clientServices is not null)
        {
            await _clientServices.DisposeAsync();
        }

        await Web.DisposeAsync();
        await Api.DisposeAsync();
        _folder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser";
}
