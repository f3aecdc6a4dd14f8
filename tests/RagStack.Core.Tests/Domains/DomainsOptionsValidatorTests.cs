using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Domains;
using RagStack.Testing;
using Xunit;

namespace RagStack.Core.Tests.Domains;

/// <summary>Domains are checked when their options are first read, with messages that name the domain and the setting.</summary>
public sealed class DomainsOptionsValidatorTests
{
    private static DomainsOptions Read(Action<DomainsOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddRagStack(TestConfiguration.Empty()).Services.Configure(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DomainsOptions>>().Value;
    }

    [Fact]
    public void Valid_domains_are_read_with_names_compared_without_case()
    {
        var domains = Read(d => d["Legal"] = new DomainOptions { Adapter = "legal.gguf" });

        Assert.Equal(1f, domains["legal"].AdapterScale);
        Assert.Null(domains["LEGAL"].Index);
    }

    [Fact]
    public void Each_bad_setting_is_reported_with_its_domain()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(d =>
        {
            d["legal"] = new DomainOptions { Adapter = " ", AdapterScale = float.NaN };
            d["a@b"] = new DomainOptions { Index = "" };
        }));

        Assert.Contains(error.Failures, f => f.StartsWith("RagStack:Domains:legal:Adapter is empty", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("RagStack:Domains:legal:AdapterScale is NaN", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("RagStack:Domains:a@b: a domain name may not contain '@'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("RagStack:Domains:a@b:Index is empty", StringComparison.Ordinal));
    }
}
