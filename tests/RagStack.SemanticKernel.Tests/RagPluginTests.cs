using Microsoft.SemanticKernel;

namespace RagStack.SemanticKernel.Tests;

/// <summary>Each kernel function invoked through a real kernel, over the in-process stack and over the typed client.</summary>
[Collection(StacksCollection.Name)]
public sealed class RagPluginTests(Stacks stacks)
{
    [Theory]
    [InlineData(Stacks.Local)]
    [InlineData(Stacks.Remote)]
    public async Task Search_returns_numbered_passages_with_their_document_and_section(string stack)
    {
        var result = await stacks.Kernel(stack).InvokeAsync<string>(RagPlugin.DefaultName, "search", new() { ["query"] = "how much notice ends the lease", ["top"] = 2 });

        Assert.NotNull(result);
        Assert.StartsWith("[1] lease.md, Office lease › Termination\n", result, StringComparison.Ordinal);
        Assert.True(result.Contains("three months' written notice", StringComparison.Ordinal), result);
        Assert.DoesNotContain("[3]", result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Stacks.Local)]
    [InlineData(Stacks.Remote)]
    public async Task Ask_returns_the_answer_with_the_sources_its_citations_point_at(string stack)
    {
        var result = await stacks.Kernel(stack).InvokeAsync<string>(RagPlugin.DefaultName, "ask", new() { ["question"] = "When is the rent paid?" });

        var (answer, sources) = SplitAtSources(result);
        Assert.Contains("first working day", answer, StringComparison.Ordinal);
        Assert.Contains("[1]", answer, StringComparison.Ordinal);
        Assert.StartsWith("[1] lease.md, Office lease › Rent\n", sources, StringComparison.Ordinal);
        Assert.Contains("Rent is paid monthly in advance", sources, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Stacks.Local)]
    [InlineData(Stacks.Remote)]
    public async Task Ingested_text_is_listed_ready_and_found_by_search(string stack)
    {
        var kernel = stacks.Kernel(stack);
        var index = "notes-" + stack;

        var saved = await kernel.InvokeAsync<string>(RagPlugin.DefaultName, "ingest_text", new()
        {
            ["title"] = "boiler",
            ["text"] = "# Boiler\n\nThe boiler is serviced every October by the landlord's engineer.",
            ["index"] = index,
        });
        var listed = await kernel.InvokeAsync<string>(RagPlugin.DefaultName, "list_documents", new() { ["index"] = index });
        var found = await kernel.InvokeAsync<string>(RagPlugin.DefaultName, "search", new() { ["query"] = "when is the boiler serviced", ["index"] = index });

        Assert.StartsWith($"Saved 'boiler.md' in index '{index}'", saved, StringComparison.Ordinal);
        Assert.Contains("searchable now", saved, StringComparison.Ordinal);
        Assert.Contains("- boiler.md (id ", listed, StringComparison.Ordinal);
        Assert.Contains(": ready, 1 passages", listed, StringComparison.Ordinal);
        Assert.StartsWith("[1] boiler.md, Boiler\n", found, StringComparison.Ordinal);
        Assert.Contains("every October", found, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Stacks.Local)]
    [InlineData(Stacks.Remote)]
    public async Task Listing_an_empty_index_says_it_has_no_documents(string stack)
    {
        var result = await stacks.Kernel(stack).InvokeAsync<string>(RagPlugin.DefaultName, "list_documents", new() { ["index"] = "empty" });

        Assert.Equal("Index 'empty' has no documents.", result);
    }

    [Fact]
    public void Every_function_and_parameter_is_described_for_function_calling()
    {
        var plugin = stacks.Kernel(Stacks.Local).Plugins[RagPlugin.DefaultName];

        Assert.Equal(["ask", "ingest_text", "list_documents", "search"], plugin.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var function in plugin)
        {
            Assert.True(function.Description.Length > 80, $"{function.Name}: '{function.Description}'");
            Assert.All(function.Metadata.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{function.Name}.{p.Name} has no description"));
        }

        Assert.True(plugin["ask"].Metadata.Parameters.Single(p => p.Name == "question").IsRequired);
        Assert.False(plugin["ask"].Metadata.Parameters.Single(p => p.Name == "index").IsRequired);
    }

    private static (string Answer, string Sources) SplitAtSources(string? result)
    {
        Assert.NotNull(result);
        var at = result.IndexOf("\n\nSources:\n", StringComparison.Ordinal);
        Assert.True(at > 0, $"No sources list in: {result}");
        return (result[..at], result[(at + "\n\nSources:\n".Length)..]);
    }
}
