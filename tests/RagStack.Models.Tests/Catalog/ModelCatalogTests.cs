using RagStack.Models.Catalog;
using Xunit;

namespace RagStack.Models.Tests.Catalog;

public sealed class ModelCatalogTests
{
    [Fact]
    public void A_catalogue_name_resolves_to_its_hugging_face_file_and_published_hash()
    {
        var source = ModelCatalog.ResolveSource("Qwen2.5-0.5B-Instruct");

        Assert.Equal("qwen2.5-0.5b-instruct", source.Name);
        Assert.Equal(new Uri("https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf"), source.Url);
        Assert.Equal("qwen2.5-0.5b-instruct-q4_k_m.gguf", source.FileName);
        Assert.Equal(ModelCatalog.Find("qwen2.5-0.5b-instruct")!.Sha256, source.Sha256);
    }

    [Fact]
    public void Every_entry_has_a_unique_name_a_gguf_file_a_licence_and_a_hash_that_is_null_or_well_formed()
    {
        Assert.Equal(ModelCatalog.Models.Count, ModelCatalog.Models.Select(m => m.Name.ToUpperInvariant()).Distinct().Count());
        Assert.All(ModelCatalog.Models, m =>
        {
            Assert.EndsWith(".gguf", m.FileName, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("huggingface.co", m.Url.Host);
            Assert.EndsWith($"/{m.Repository}/resolve/main/{m.FileName}", m.Url.AbsolutePath, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(m.License));
            Assert.True(m.SizeBytes > 0);
            Assert.True(m.Sha256 is null || (m.Sha256.Length == 64 && m.Sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c))), m.Name);
        });
    }

    [Fact]
    public void A_direct_url_is_installed_under_its_file_name_with_the_given_hash()
    {
        var hash = new string('A', 64);

        var source = ModelCatalog.ResolveSource("http://127.0.0.1:8080/files/My%20Model.Q4_K_M.gguf?download=true", hash);

        Assert.Equal("My Model.Q4_K_M", source.Name);
        Assert.Equal("My Model.Q4_K_M.gguf", source.FileName);
        Assert.Equal(new string('a', 64), source.Sha256);
    }

    [Fact]
    public void A_given_hash_replaces_the_catalogues()
    {
        var hash = new string('b', 64);

        Assert.Equal(hash, ModelCatalog.ResolveSource("tinyllama-1.1b-chat", hash).Sha256);
    }

    [Theory]
    [InlineData("no-such-model", "neither a catalogue model nor an http(s) URL")]
    [InlineData("ftp://example.org/model.gguf", "neither a catalogue model nor an http(s) URL")]
    [InlineData("https://example.org/model.bin", "the URL does not name a .gguf file")]
    [InlineData("https://example.org/", "the URL does not name a .gguf file")]
    public void Anything_else_is_refused_with_the_reason(string nameOrUrl, string reason)
    {
        var error = Assert.Throws<ModelNotFoundException>(() => ModelCatalog.ResolveSource(nameOrUrl));

        Assert.Equal(nameOrUrl, error.NameOrPath);
        Assert.StartsWith(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_hash_is_refused()
    {
        Assert.Throws<FormatException>(() => ModelCatalog.ResolveSource("tinyllama-1.1b-chat", "abc123"));
    }
}
