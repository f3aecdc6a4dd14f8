using System.Text.Json;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Search;

[Collection(ApiCollection.Name)]
public sealed class SearchApiTests(ApiFixture api)
{
    [Fact]
    public async Task Search_returns_the_ingested_document_with_its_citation()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "how often should tomato plants be watered", top = 3 });

        response.EnsureSuccessStatusCode();
        Assert.Equal("default", body.GetProperty("index").GetString());
        var best = body.GetProperty("results")[0];
        Assert.Equal(1, best.GetProperty("rank").GetInt32());
        Assert.True(best.GetProperty("score").GetDouble() > 0);
        Assert.Contains("deep watering", best.GetProperty("text").GetString(), StringComparison.Ordinal);
        var citation = best.GetProperty("citation");
        Assert.Equal(ApiFixture.GardeningDocument, citation.GetProperty("document").GetString());
        Assert.False(string.IsNullOrEmpty(citation.GetProperty("documentId").GetString()));
        Assert.Contains("Growing tomatoes", citation.GetProperty("section").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, citation.GetProperty("page").ValueKind);
        Assert.True(citation.GetProperty("end").GetInt32() > citation.GetProperty("start").GetInt32());
    }

    [Theory]
    [InlineData("keyword")]
    [InlineData("Dense")]
    [InlineData("hybrid")]
    public async Task Every_mode_finds_the_document(string mode)
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "pinch out side shoots of tomatoes", mode });

        response.EnsureSuccessStatusCode();
        Assert.Equal(ApiFixture.GardeningDocument, body.GetProperty("results")[0].GetProperty("citation").GetProperty("document").GetString());
    }

    [Fact]
    public async Task A_domain_searches_its_index()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "notice to end the lease", domain = "LEGAL" });

        response.EnsureSuccessStatusCode();
        Assert.Equal(ApiFixture.LegalIndex, body.GetProperty("index").GetString());
        var results = body.GetProperty("results");
        Assert.NotEqual(0, results.GetArrayLength());
        Assert.All(results.EnumerateArray(), r => Assert.Equal(ApiFixture.ContractDocument, r.GetProperty("citation").GetProperty("document").GetString()));
    }

    [Fact]
    public async Task An_index_with_no_documents_gives_no_results()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "tomatoes", index = "never-ingested" });

        response.EnsureSuccessStatusCode();
        Assert.Equal("never-ingested", body.GetProperty("index").GetString());
        Assert.Equal(0, body.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task An_empty_query_is_a_bad_request()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "  " });

        AssertProblem(response, body, 400, "The query is empty");
    }

    [Fact]
    public async Task An_unknown_mode_is_a_bad_request_naming_the_modes()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "tomatoes", mode = "fuzzy" });

        AssertProblem(response, body, 400, "hybrid, dense, keyword");
    }

    [Fact]
    public async Task Top_out_of_range_is_a_bad_request()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "tomatoes", top = 0 });

        AssertProblem(response, body, 400, "top must be between 1 and 1000");
    }

    [Fact]
    public async Task An_unknown_domain_is_not_found_and_names_the_configured_domains()
    {
        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query = "tomatoes", domain = "medical" });

        AssertProblem(response, body, 404, "configured: garden, legal");
    }

    [Fact]
    public async Task A_query_longer_than_the_embedding_model_reads_is_a_bad_request_saying_to_shorten_it()
    {
        var query = string.Join(' ', Enumerable.Repeat("tomato watering schedule", 600));

        var (response, body) = await PostAsync(api.CreateClient(), "/api/search", new { query });

        AssertProblem(response, body, 400, "Shorten the query.");
        Assert.DoesNotContain("(Parameter", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
