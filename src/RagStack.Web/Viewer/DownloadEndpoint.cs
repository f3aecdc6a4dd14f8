using Microsoft.Net.Http.Headers;

namespace RagStack.Web.Viewer;

/// <summary>
/// The viewer's "download the original": the web app asks the API through the typed client (the browser never talks to
/// the API) and sends the bytes as an attachment, never as a page of this site.
/// </summary>
internal static class DownloadEndpoint
{
    public static IEndpointConventionBuilder MapOriginalDownload(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/documents/{index}/{id}/original", async (string index, string id, IRagStackClient client, HttpContext context) =>
        {
            var original = await client.OpenOriginalAsync(index, id, context.RequestAborted);
            if (original is null)
            {
                return Results.NotFound();
            }

            await using (original)
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.ContentType = "application/octet-stream";
                context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = original.FileName }.ToString();
                await original.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            }

            return Results.Empty;
        });
}
