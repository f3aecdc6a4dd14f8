using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Documents;

public sealed class DocumentsApiTests(DocumentsFixture api) : IClassFixture<DocumentsFixture>
{
    private const string Fern = """
        # Fern care

        ## Light

        Boston ferns like bright, indirect light; direct afternoon sun scorches their fronds within days.
        """;

    private const string Kiln = """
        # Kiln firing

        Bisque firing takes the clay to cone 04, about 1,060 degrees Celsius, before any glaze is applied.
        """;

    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    [Fact]
    public async Task Uploaded_files_are_queued_then_ready_with_every_step_done_and_searchable()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);

        var (response, body) = await Uploads.PostAsync(client, "plants", ("fern.md", Fern), ("kiln.txt", Kiln));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var uploaded = body.GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal(["fern.md", "kiln.txt"], uploaded.Select(d => d.GetProperty("name").GetString()));
        Assert.All(uploaded, d => Assert.Equal("queued", d.GetProperty("status").GetString()));
        Assert.Equal("text/markdown", uploaded[0].GetProperty("contentType").GetString());
        foreach (var document in uploaded)
        {
            var done = await Uploads.WaitUntilDoneAsync(client, document.GetProperty("statusUrl").GetString()!);
            Assert.Equal("ready", done.GetProperty("status").GetString());
            Assert.Equal(["extract", "partition", "embed", "index"], done.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
            Assert.All(done.GetProperty("steps").EnumerateArray(), s => Assert.Equal("done", s.GetProperty("status").GetString()));
            Assert.True(done.GetProperty("chunkCount").GetInt32() > 0);
        }

        var (_, search) = await PostAsync(client, "/api/search", new { query = "bisque firing temperature cone", index = "plants", top = 1 });
        Assert.Equal("kiln.txt", search.GetProperty("results")[0].GetProperty("citation").GetProperty("document").GetString());
    }

    [Fact]
    public async Task The_content_url_returns_the_original_bytes_and_the_list_shows_the_document()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);
        var (_, body) = await Uploads.PostAsync(client, "originals", ("fern.md", Fern));
        var document = body.GetProperty("documents")[0];

        using var content = await client.GetAsync(document.GetProperty("contentUrl").GetString());

        content.EnsureSuccessStatusCode();
        Assert.Equal(Encoding.UTF8.GetBytes(Fern), await content.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/markdown", content.Content.Headers.ContentType?.MediaType);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/indexes/originals/documents");
        Assert.Equal(document.GetProperty("id").GetString(), list.GetProperty("documents")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Uploading_the_same_bytes_again_is_unchanged_and_queues_nothing()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);
        var (_, first) = await Uploads.PostAsync(client, "again", ("kiln.txt", Kiln));
        var done = await Uploads.WaitUntilDoneAsync(client, first.GetProperty("documents")[0].GetProperty("statusUrl").GetString()!);

        var (response, second) = await Uploads.PostAsync(client, "again", ("kiln.txt", Kiln));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var again = second.GetProperty("documents")[0];
        Assert.True(again.GetProperty("unchanged").GetBoolean());
        Assert.Equal("ready", again.GetProperty("status").GetString());
        var now = await client.GetFromJsonAsync<JsonElement>(again.GetProperty("statusUrl").GetString());
        Assert.Equal(done.GetProperty("updatedAt").GetString(), now.GetProperty("updatedAt").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_document_its_chunks_and_its_original()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);
        var unique = "Quillwort spores ripen in the third week of the monsoon.";
        var (_, body) = await Uploads.PostAsync(client, "deleting", ("quillwort.md", "# Quillwort\n\n" + unique));
        var statusUrl = body.GetProperty("documents")[0].GetProperty("statusUrl").GetString()!;
        await Uploads.WaitUntilDoneAsync(client, statusUrl);
        var blobsBefore = api.BlobFiles().Count;

        using var deleted = await client.DeleteAsync(statusUrl);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await client.GetAsync(statusUrl);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var content = await client.GetAsync(statusUrl + "/content");
        Assert.Equal(HttpStatusCode.NotFound, content.StatusCode);
        Assert.Equal(blobsBefore - 1, api.BlobFiles().Count);
        var (_, search) = await PostAsync(client, "/api/search", new { query = "quillwort spores monsoon", index = "deleting" });
        Assert.Empty(search.GetProperty("results").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenants_document_is_not_found_and_never_shown()
    {
        var acme = api.Client(DocumentsFixture.AcmeKey);
        var globex = api.Client(DocumentsFixture.GlobexKey);
        var secret = "The acme launch code is heliotrope-seven.";
        var (_, body) = await Uploads.PostAsync(acme, "secrets", ("codes.md", "# Codes\n\n" + secret));
        var statusUrl = body.GetProperty("documents")[0].GetProperty("statusUrl").GetString()!;
        await Uploads.WaitUntilDoneAsync(acme, statusUrl);

        foreach (var url in new[] { statusUrl, statusUrl + "/content" })
        {
            using var response = await globex.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("heliotrope", text, StringComparison.Ordinal);
        }

        using (var delete = await globex.DeleteAsync(statusUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        var list = await globex.GetFromJsonAsync<JsonElement>("/api/indexes/secrets/documents");
        Assert.Empty(list.GetProperty("documents").EnumerateArray());
        var (_, search) = await PostAsync(globex, "/api/search", new { query = "acme launch code heliotrope", index = "secrets" });
        Assert.Empty(search.GetProperty("results").EnumerateArray());
        var (_, own) = await PostAsync(acme, "/api/search", new { query = "acme launch code heliotrope", index = "secrets" });
        Assert.Contains("heliotrope", own.GetProperty("results")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    public async Task Without_a_known_key_every_call_is_unauthorized(string? key)
    {
        var client = api.Client(key);

        var (response, body) = await Uploads.PostAsync(client, "plants", ("fern.md", Fern));
        using var list = await client.GetAsync("/api/indexes/plants/documents");
        var (search, _) = await PostAsync(client, "/api/search", new { query = "fern" });

        AssertProblem(response, body, 401, "API key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, search.StatusCode);
    }

    [Fact]
    public async Task The_x_api_key_header_works_too()
    {
        var client = api.Client(null);
        client.DefaultRequestHeaders.Add("X-Api-Key", DocumentsFixture.GlobexKey);

        using var response = await client.GetAsync("/api/indexes/plants/documents");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("../../etc/passwd", "folder")]
    [InlineData("..\\..\\windows\\win.ini", "folder")]
    [InlineData("notes/fern.md", "folder")]
    [InlineData("bell\u0007.md", "control characters")]
    [InlineData("tab\tname.md", "control characters")]
    [InlineData("..", "not a file name")]
    public async Task A_hostile_file_name_is_refused_and_nothing_is_left_behind(string name, string reason)
    {
        var client = api.Client(DocumentsFixture.AcmeKey);
        var before = api.BlobFiles();

        var (response, body) = await Uploads.SendAsync(client, "hostile", Uploads.Body([("ok.md", Encoding.UTF8.GetBytes(Kiln)), (name, Encoding.UTF8.GetBytes(Fern))]));

        AssertProblem(response, body, 400, reason);
        Assert.DoesNotContain("\u0007", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingLeftAsync(client, "hostile", before);
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_413_and_nothing_is_left_behind()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);
        var before = api.BlobFiles();
        var big = Encoding.UTF8.GetBytes("# Big\n\n" + new string('x', (int)DocumentsFixture.MaxFileBytes));

        var (response, body) = await Uploads.SendAsync(client, "limits", Uploads.Body([("small.md", Encoding.UTF8.GetBytes(Fern)), ("big.md", big)]));

        AssertProblem(response, body, 413, "\"big.md\" is larger than the limit of 0.1 MiB");
        await AssertNothingLeftAsync(client, "limits", before);
    }

    [Fact]
    public async Task A_refused_type_is_415_naming_what_it_is_and_nothing_is_left_behind()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);
        var before = api.BlobFiles();

        var (response, body) = await Uploads.SendAsync(client, "types", Uploads.Body([("fern.md", Encoding.UTF8.GetBytes(Fern)), ("photo.pdf", Png)]));

        AssertProblem(response, body, 415, "\"photo.pdf\": unsupported format (PNG image)");
        await AssertNothingLeftAsync(client, "types", before);
    }

    [Fact]
    public async Task An_upload_cut_off_mid_stream_is_400_and_nothing_is_left_behind()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);
        var before = api.BlobFiles();
        var whole = Uploads.Body([("fern.md", Encoding.UTF8.GetBytes(Fern)), ("kiln.md", Encoding.UTF8.GetBytes(Kiln))], close: false);
        var cut = whole[..(whole.Length - 40)];

        var (response, body) = await Uploads.SendAsync(client, "cut", cut);

        AssertProblem(response, body, 400, "ended before its last file was complete");
        await AssertNothingLeftAsync(client, "cut", before);
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_415_and_a_bad_index_name_is_400()
    {
        var client = api.Client(DocumentsFixture.AcmeKey);

        var (json, jsonBody) = await PostAsync(client, "/api/indexes/plants/documents", new { file = "fern.md" });
        var (badIndex, badIndexBody) = await Uploads.PostAsync(client, "..%2F..", ("fern.md", Fern));
        var (empty, emptyBody) = await Uploads.SendAsync(client, "plants", Uploads.Body([]));

        AssertProblem(json, jsonBody, 415, "multipart/form-data");
        AssertProblem(badIndex, badIndexBody, 400, "an index name is");
        AssertProblem(empty, emptyBody, 400, "no file part");
    }

    private async Task AssertNothingLeftAsync(HttpClient client, string index, IReadOnlyList<string> blobsBefore)
    {
        Assert.Equal(blobsBefore, api.BlobFiles());
        var list = await client.GetFromJsonAsync<JsonElement>($"/api/indexes/{index}/documents");
        Assert.Empty(list.GetProperty("documents").EnumerateArray());
    }
}
