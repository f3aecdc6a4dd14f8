using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RagStack.Api.Tests.Documents;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Probe;

/// <summary>
/// The outside probe's cases, as a hostile tester sent them, on real Kestrel and a real data folder: each was once
/// answered wrongly (a 500, an internal type name, a forged log line, a disguised file name) or is kept answered rightly.
/// </summary>
[Collection(ProbeCollection.Name)]
public sealed class HostileRequestTests(ProbeFixture api)
{
    private const string Fern = "# Fern care\n\nBoston ferns like bright, indirect light.\n";

    [Theory]
    [InlineData("dense,keyword")]
    [InlineData("hybrid,dense")]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("-1")]
    public async Task A_search_mode_that_is_not_one_of_its_names_is_400_naming_the_modes(string mode)
    {
        var (response, body) = await PostAsync(api.Client(), "/api/search", new { query = "ferns", index = "docs", mode });

        AssertProblem(response, body, 400, "mode");
        Assert.Contains("hybrid, dense, keyword", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> HostileIndexNames => new()
    {
        "../x",
        new string('a', 10_000),
        "a\0b",
        "docs\ncrit: forged line",
        "docs\r\ncrit: forged line",
        " docs",
        "-docs",
    };

    [Theory]
    [MemberData(nameof(HostileIndexNames))]
    public async Task A_hostile_index_name_is_400_on_search_and_ask_without_being_echoed_or_logged(string index)
    {
        var client = api.Client();

        var (search, searchBody) = await PostAsync(client, "/api/search", new { query = "ferns", index });
        var (ask, askBody) = await PostAsync(client, "/api/ask", new { question = "How do ferns like their light?", index });

        AssertProblem(search, searchBody, 400, "an index name is 1 to 64 letters");
        AssertProblem(ask, askBody, 400, "an index name is 1 to 64 letters");
        foreach (var detail in new[] { searchBody, askBody }.Select(b => b.GetProperty("detail").GetString()!))
        {
            Assert.True(detail.Length < 400, $"the detail is {detail.Length} characters long");
            Assert.DoesNotContain('\n', detail);
            Assert.DoesNotContain('\0', detail);
        }

        Assert.DoesNotContain(api.Log.Lines, line => line.StartsWith("crit:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("docs\ncrit: forged line")]
    public async Task A_hostile_chat_model_is_400_in_openai_shape_naming_model(string model)
    {
        using var response = await api.Client().PostAsJsonAsync("/v1/chat/completions", new
        {
            model,
            messages = new[] { new { role = "user", content = "How do ferns like their light?" } },
        });

        var error = await OpenAiErrorOf(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("an index name is", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(api.Log.Lines, line => line.StartsWith("crit:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("%2e%2e%2fx")]
    [InlineData("a b")]
    public async Task A_hostile_index_header_is_400_naming_the_header(string index)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "default", messages = new[] { new { role = "user", content = "ferns?" } } }),
        };
        request.Headers.Add("X-RagStack-Index", index);

        using var response = await api.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("X-RagStack-Index", (await OpenAiErrorOf(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_index_name_over_the_limit_is_refused_by_every_documents_route()
    {
        var client = api.Client();
        var index = new string('a', 300);

        using var list = await client.GetAsync($"/api/indexes/{index}/documents");
        using var get = await client.GetAsync($"/api/indexes/{index}/documents/some-id");
        var (upload, uploadBody) = await Uploads.PostAsync(client, index, ("fern.md", Fern));

        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        AssertProblem(upload, uploadBody, 400, "an index name is");
        Assert.True((await list.Content.ReadAsStringAsync()).Length < 600);
    }

    [Theory]
    [InlineData("invoice\u202Egpj.md", "202E")]
    [InlineData("invoice\u200B.md", "200B")]
    [InlineData("\uFEFFinvoice.md", "FEFF")]
    [InlineData("invoice\u2066.md", "2066")]
    [InlineData("invoice\u3164.md", "3164")]
    [InlineData("invoice\u00A0.md", "00A0")]
    public async Task A_file_name_with_an_invisible_or_bidirectional_character_is_refused_and_nothing_is_listed(string name, string code)
    {
        var client = api.Client();

        var (response, body) = await Uploads.SendAsync(client, "invisible", Uploads.Body([(name, Encoding.UTF8.GetBytes(Fern))]));

        await AssertRefusedWithNothingListedAsync(response, body, "invisible", $"U+{code}");
        var detail = body.GetProperty("detail").GetString()!;
        Assert.DoesNotContain(name, detail, StringComparison.Ordinal);
        Assert.Contains($"\\u{code.ToLowerInvariant()}", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_name_twice_in_one_upload_is_refused_and_nothing_is_listed()
    {
        var client = api.Client();

        var (response, body) = await Uploads.PostAsync(client, "twice", ("fern.md", Fern), ("fern.md", Fern + "More.\n"));

        await AssertRefusedWithNothingListedAsync(response, body, "twice", "\"fern.md\" appears twice in the upload");
    }

    [Fact]
    public async Task More_files_than_an_upload_may_hold_are_refused_and_nothing_is_listed()
    {
        var client = api.Client();
        var files = Enumerable.Range(0, 101).Select(i => ($"note-{i}.md", Encoding.UTF8.GetBytes($"# Note {i}\n\nFerns, note {i}.\n")));

        var (response, body) = await Uploads.SendAsync(client, "many", Uploads.Body(files));

        await AssertRefusedWithNothingListedAsync(response, body, "many", "at most 100 files");
    }

    [Fact]
    public async Task The_original_is_sent_with_nosniff_and_a_safely_encoded_file_name()
    {
        var client = api.Client();
        var body = Uploads.Body([("résumé ✓.md", Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"))]);
        var (upload, uploaded) = await Uploads.SendAsync(client, "originals", body);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);

        using var content = await client.GetAsync(uploaded.GetProperty("documents")[0].GetProperty("contentUrl").GetString());

        content.EnsureSuccessStatusCode();
        Assert.Equal("nosniff", content.Headers.GetValues("X-Content-Type-Options").Single());
        var disposition = content.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.All(content.Content.Headers.GetValues("Content-Disposition").Single(), c => Assert.InRange(c, ' ', '~'));
        Assert.NotNull(disposition.FileNameStar);
    }

    [Fact]
    public async Task An_unknown_domain_is_404_on_search_and_ask_alike_when_an_index_is_given()
    {
        var client = api.Client();

        var (search, searchBody) = await PostAsync(client, "/api/search", new { query = "ferns", index = "docs", domain = "medical" });
        var (ask, askBody) = await PostAsync(client, "/api/ask", new { question = "ferns?", index = "docs", domain = "medical" });

        AssertProblem(search, searchBody, 404, "No domain named 'medical'");
        AssertProblem(ask, askBody, 404, "No domain named 'medical'");
    }

    [Fact]
    public async Task A_key_in_the_query_string_is_refused_and_never_written_to_the_log()
    {
        const string Secret = "sk-probe-secret-in-the-url";
        using var client = api.Client(withKey: false);

        var (response, body) = await PostAsync(client, $"/api/search?api_key={Secret}", new { query = "ferns" });
        using var v1 = await client.GetAsync($"/v1/models?key={Secret}");

        AssertProblem(response, body, 401, "not read from the query string");
        Assert.Equal(HttpStatusCode.Unauthorized, v1.StatusCode);
        Assert.Contains(api.Log.Lines, line => line.Contains("/api/search", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Log.Lines, line => line.Contains(Secret, StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string, string> BadBodies => new()
    {
        // path, body, what the detail must say, what it must not
        { "/api/search", """{"query":"x","tags":"x"}""", "'tags' must be a list of strings", "System." },
        { "/api/search", """{"query":"x","top":"five"}""", "'top' must be a whole number", "System." },
        { "/api/ask", "[]", "a JSON object with the fields question (a string)", "RagStack." },
        { "/api/ask", "", "The request body is empty", "Implicit body" },
        { "/api/ask", "{\"question\": ", "not valid JSON", "System." },
        { "/api/search", "\"x\"", "a JSON object with the fields query (a string)", "SearchBody" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_400_saying_which_field_and_what_is_expected_in_the_apis_words(string path, string json, string says, string never)
    {
        using var response = await api.Client().PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        AssertProblem(response, body, 400, says);
        Assert.DoesNotContain(never, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_saying_to_send_json()
    {
        using var response = await api.Client().PostAsync("/api/search", new StringContent("query=ferns", Encoding.UTF8, "text/plain"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Contains("\"detail\"", StringComparison.Ordinal), text);
        var body = JsonDocument.Parse(text).RootElement;

        AssertProblem(response, body, 415, "Content-Type: application/json");
    }

    [Theory]
    [InlineData("""{"model":"default","messages":[{"role":"user","content":"x"}],"max_tokens":"many"}""", "'max_tokens' must be a whole number", "max_tokens")]
    [InlineData("""{"model":"default","messages":"hello"}""", "'messages' must be a list of objects with the fields role, content", "messages")]
    public async Task A_bad_chat_body_is_400_in_openai_shape_without_type_names(string json, string says, string param)
    {
        using var response = await api.Client().PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

        var error = await OpenAiErrorOf(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_embeddings_input_too_long_is_400_without_the_internal_parameter_name()
    {
        var client = api.Client();
        using var models = await client.GetFromJsonAsync<JsonDocument>("/v1/models");
        var embeddingModel = models!.RootElement.GetProperty("data").EnumerateArray().Last().GetProperty("id").GetString();

        using var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = embeddingModel, input = string.Join(' ', Enumerable.Repeat("fern", 3000)) });

        var error = await OpenAiErrorOf(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("(Parameter", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("input", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_incomplete_upload_is_400_in_the_apis_words()
    {
        var whole = Uploads.Body([("fern.md", Encoding.UTF8.GetBytes(Fern))], close: false);

        var (response, body) = await Uploads.SendAsync(api.Client(), "cut", whole[..(whole.Length - 10)]);

        AssertProblem(response, body, 400, "ended before its last file was complete");
        Assert.DoesNotContain("Unexpected end of Stream", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("' OR 1=1 --")]
    [InlineData("\"; DROP TABLE documents; --")]
    [InlineData("title:* OR (fern AND NOT \"")]
    [InlineData("*?~^[]{}\\/")]
    public async Task Query_syntax_and_sql_in_a_query_are_searched_as_words_not_run(string query)
    {
        var client = api.Client();

        var (keyword, keywordBody) = await PostAsync(client, "/api/search", new { query, mode = "keyword" });
        var (hybrid, _) = await PostAsync(client, "/api/search", new { query });

        Assert.Equal(HttpStatusCode.OK, keyword.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hybrid.StatusCode);
        Assert.Equal(JsonValueKind.Array, keywordBody.GetProperty("results").ValueKind);
    }

    [Theory]
    [InlineData("' OR '1'='1")]
    [InlineData("..%2F..%2Fsettings.json")]
    public async Task A_hostile_document_id_is_not_found_and_reveals_nothing(string id)
    {
        using var response = await api.Client().GetAsync($"/api/indexes/default/documents/{id}/content");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(api.DataDirectory, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Basic cHJvYmU6cHJvYmU=")]
    [InlineData("Bearer ")]
    [InlineData("Bearer probe-key-0123456789x")]
    [InlineData("bearer PROBE-KEY-0123456789")]
    public async Task A_malformed_or_near_miss_authorization_is_401(string authorization)
    {
        using var client = api.Client(withKey: false);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.GetAsync("/api/indexes/default/documents");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task AssertRefusedWithNothingListedAsync(HttpResponseMessage response, JsonElement body, string index, string detail)
    {
        AssertProblem(response, body, 400, detail);
        var listed = await api.Client().GetFromJsonAsync<JsonElement>($"/api/indexes/{index}/documents");
        Assert.Empty(listed.GetProperty("documents").EnumerateArray());
    }

    private static async Task<JsonElement> OpenAiErrorOf(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }
}
