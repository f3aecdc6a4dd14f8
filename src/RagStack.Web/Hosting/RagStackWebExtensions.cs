using Microsoft.Extensions.Options;
using RagStack.Web.Chat;
using RagStack.Web.Components;
using RagStack.Web.Conversations;
using RagStack.Web.Documents;
using RagStack.Web.Markdown;
using RagStack.Web.Viewer;

namespace RagStack.Web.Hosting;

/// <summary>Registers and maps the web app: Blazor with interactive server rendering over the typed RagStack client.</summary>
public static class RagStackWebExtensions
{
    /// <summary>
    /// Adds the web app's services: <see cref="WebAppOptions"/> from <c>RagStack:Web</c> (checked at start), the typed
    /// client of the API at <see cref="WebAppOptions.ApiUrl"/>, the Markdown renderer and the Razor components.
    /// </summary>
    public static WebApplicationBuilder AddRagStackWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Run from a build (dotnet run, the AppHost) in any environment, the assets come from the projects' folders as in
        // Development; a published app has them under wwwroot and this changes nothing.
        builder.WebHost.UseStaticWebAssets();
        var section = builder.Configuration.GetSection(WebAppOptions.Section);
        builder.Services.AddOptions<WebAppOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebAppOptions>, WebAppOptionsValidator>();

        // The client's address is needed to register it; a bad one is refused by the validator above with the setting's name.
        var settings = section.Get<WebAppOptions>() ?? new WebAppOptions();
        if (settings.ApiUrl is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            builder.Services.AddRagStackClient(url, settings.ApiKey);
        }

        builder.Services.AddSingleton<AnswerMarkup>();
        builder.Services.AddSingleton<UploadPolicy>();
        builder.Services.AddScoped<ConversationsState>();
        builder.Services.AddTransient<ChatSession>();
        builder.Services.AddTransient<PortalSession>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>Maps the pages, their static assets and <c>/health</c>.</summary>
    public static WebApplication MapRagStackWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            // The page renders untrusted text (answers, documents): no inline script, no plugin, no framing.
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.XFrameOptions = "DENY";
            context.Response.Headers.ContentSecurityPolicy =
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
            await next();
        });
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapOriginalDownload();
        app.MapHealthChecks("/health");
        return app;
    }
}
