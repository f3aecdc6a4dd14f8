using RagStack.Domains;
using Xunit;

namespace RagStack.Core.Tests.Domains;

public sealed class DomainIndexTests
{
    private static readonly DomainsOptions Domains = new()
    {
        ["Legal"] = new DomainOptions { Index = "contracts" },
        ["garden"] = new DomainOptions(),
    };

    [Fact]
    public void No_domain_and_no_index_reads_default() => Assert.Equal("default", DomainIndex.Resolve(null, null, Domains));

    [Fact]
    public void A_domain_reads_its_configured_index() => Assert.Equal("contracts", DomainIndex.Resolve(null, "legal", Domains));

    [Fact]
    public void A_domain_without_an_index_reads_the_index_named_like_it() => Assert.Equal("garden", DomainIndex.Resolve(null, "GARDEN", Domains));

    [Fact]
    public void The_request_index_wins_over_the_domain() => Assert.Equal("other", DomainIndex.Resolve("other", "legal", Domains));

    [Fact]
    public void An_unknown_domain_throws_naming_the_configured_ones()
    {
        var e = Assert.Throws<UnknownDomainException>(() => DomainIndex.Resolve(null, "medical", Domains));
        Assert.Contains("garden, Legal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_domain_throws_even_when_the_request_names_an_index_as_answering_does() =>
        Assert.Throws<UnknownDomainException>(() => DomainIndex.Resolve("other", "medical", Domains));
}
