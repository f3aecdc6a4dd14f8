using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Core.Tests.Support;
using RagStack.Documents;
using RagStack.Extraction;
using RagStack.Retrieval;
using RagStack.Testing;
using Xunit;

namespace RagStack.Core.Tests.Composition;

/// <summary>What <c>AddRagStack(configuration)</c> composes: settings from configuration and the folder, checked by name; users' extractors.</summary>
public sealed class RagStackBuilderTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-builder-");

    public void Dispose() => _folder.Delete(recursive: true);

    private ServiceProvider Compose(params (string Key, string? Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddRagStack(TestConfiguration.For(_folder.FullName, settings));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_data_folders_ragstack_json_is_read_and_the_hosts_configuration_wins_over_it()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "ragstack.json"), """{ "RagStack": { "Retrieval": { "Candidates": 9, "FusionK": 12 } } }""");
        using var services = Compose(("RagStack:Retrieval:FusionK", "30"));

        var options = services.GetRequiredService<IOptions<RetrievalOptions>>().Value;

        Assert.Equal(9, options.Candidates);
        Assert.Equal(30, options.FusionK);
    }

    [Theory]
    [InlineData("RagStack:Retreival:Candidates", "RagStack:Retreival is not a RagStack setting; the sections are RagStack:DataDirectory, ")]
    [InlineData("RagStack:Storage:Embeded:Bm25B", "RagStack:Storage:Embeded is not a RagStack setting; ")]
    public void A_key_under_RagStack_in_no_section_is_refused_by_name(string key, string message)
    {
        using var services = Compose((key, "1"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RagStackOptions>>().Value);

        Assert.StartsWith(message, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RagStack:Retrieval:Candidate", "RagStack:Retrieval:Candidate is not a setting; RagStack:Retrieval has AdaptiveExponent, AdaptiveKeywordWeight, Candidates, DenseWeight, EvidenceCeiling, EvidenceFloor, Fusion, FusionK, KeywordWeight, Rerank, RerankCandidates.")]
    [InlineData("RagStack:Ingestion:Chunking:MaxToken", "RagStack:Ingestion:Chunking:MaxToken is not a setting; RagStack:Ingestion:Chunking has HeaderTokens, MaxTokens, OverlapTokens, PackTokens.")]
    [InlineData("RagStack:Domains:legal:Adaptor", "RagStack:Domains:legal:Adaptor is not a setting; RagStack:Domains:legal has Adapter, AdapterScale, Index, SystemPrompt.")]
    public void A_misspelt_setting_inside_a_section_is_refused_naming_it_and_what_exists_there(string key, string message)
    {
        using var services = Compose((key, "1"));

        var failures = new List<string>();
        foreach (var read in new Action[]
        {
            () => _ = services.GetRequiredService<IOptions<RetrievalOptions>>().Value,
            () => _ = services.GetRequiredService<IOptions<RagStack.Ingestion.IngestionOptions>>().Value,
            () => _ = services.GetRequiredService<IOptions<RagStack.Domains.DomainsOptions>>().Value,
        })
        {
            try
            {
                read();
            }
            catch (OptionsValidationException e)
            {
                failures.AddRange(e.Failures);
            }
        }

        Assert.Equal([message], failures);
    }

    [Fact]
    public void A_setting_out_of_range_is_refused_naming_the_setting_its_value_and_the_rule()
    {
        using var services = Compose(("RagStack:Retrieval:Candidates", "0"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RetrievalOptions>>().Value);

        Assert.Equal("RagStack:Retrieval:Candidates is 0; it must be at least 1.", Assert.Single(error.Failures));
    }

    [Fact]
    public void An_evidence_floor_above_its_ceiling_is_refused_naming_both()
    {
        using var services = Compose(("RagStack:Retrieval:EvidenceFloor", "0.6"), ("RagStack:Retrieval:EvidenceCeiling", "0.5"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RetrievalOptions>>().Value);

        Assert.Equal("RagStack:Retrieval: EvidenceFloor (0.6) may not be above EvidenceCeiling (0.5).", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_users_extractor_is_used_for_its_format_before_the_built_in_ones()
    {
        await using var pipeline = PipelineFixture.Create(compose: rag => rag.AddExtractor<SemicolonTableExtractor>());

        var result = await pipeline.Ingestor.IngestAsync(PipelineFixture.Text("crops.csv", "crop;month\ntomato;May\nbean;June\n"));

        Assert.Equal(RagStack.Ingestion.IngestOutcome.Ingested, result.Outcome);
        Assert.Equal(SemicolonTableExtractor.MediaType, result.Document!.ContentType);
        var chunks = await pipeline.Chunks.GetDocumentChunksAsync("local", "default", result.Document.Id);
        Assert.Contains("crop: tomato, month: May", chunks.Single().Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_users_extractor_the_same_file_is_plain_text()
    {
        await using var pipeline = PipelineFixture.Create();

        var result = await pipeline.Ingestor.IngestAsync(PipelineFixture.Text("crops.csv", "crop;month\ntomato;May\nbean;June\n"));

        Assert.Equal("text/plain", result.Document!.ContentType);
    }

    /// <summary>A user's extractor for a format RagStack does not read: semicolon-separated tables, each row as "column: value" pairs.</summary>
    private sealed class SemicolonTableExtractor : IDocumentExtractor
    {
        public const string MediaType = "text/x-semicolon-table";

        public string ContentType => MediaType;

        public bool CanExtract(ReadOnlySpan<byte> head, string? fileName) =>
            fileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true && head.IndexOf((byte)';') >= 0;

        public Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default)
        {
            var lines = Encoding.UTF8.GetString(content.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var header = lines[0].Split(';');
            var rows = lines.Skip(1).Select(line => new ExtractedBlock(string.Join(", ", header.Zip(line.Split(';'), (column, value) => $"{column}: {value}"))));
            return Task.FromResult(new ExtractedDocument(MediaType, [.. rows]));
        }
    }
}
