using System.Text.Json.Nodes;
using RagStack.LlamaSharp.Tests.Adapters;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Domains;

/// <summary><c>ragstack domains …</c> and <c>ragstack ask --domain</c> run as a user runs them, on a real data folder.</summary>
public sealed class DomainsCommandsTests
{
    [Fact]
    public async Task Domains_set_list_and_remove_round_trip_through_ragstack_json_keeping_other_settings()
    {
        using var cli = new CliProcess();
        var adapter = Path.Combine(cli.DataDir, "legal.gguf");
        await File.WriteAllBytesAsync(adapter, [1, 2, 3]);

        await cli.JsonAsync("domains", "set", "legal", "--index", "contracts", "--adapter", adapter, "--scale", "0.75", "--system-prompt", "Use legal terms.");
        await cli.JsonAsync("domains", "set", "support");
        await cli.JsonAsync("domains", "set", "legal", "--scale", "0.5");
        var listed = await cli.JsonAsync("domains", "list");

        Assert.Equal(["legal", "support"], listed.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        var legal = listed[0];
        Assert.Equal("contracts", legal.GetProperty("index").GetString());
        Assert.Equal(adapter, legal.GetProperty("adapter").GetString());
        Assert.Equal(0.5, legal.GetProperty("adapterScale").GetDouble());
        Assert.Equal("Use legal terms.", legal.GetProperty("systemPrompt").GetString());
        Assert.Equal("support", listed[1].GetProperty("index").GetString());

        await cli.JsonAsync("domains", "remove", "legal");
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(cli.DataDir, "ragstack.json")))!;
        Assert.Equal("ArcticXs", file["EmbeddingModel"]!.GetValue<string>());
        Assert.Equal(["support"], file["RagStack"]!["Domains"]!.AsObject().Select(d => d.Key));
        Assert.False(File.Exists(Path.Combine(cli.DataDir, "ragstack.json.tmp")));

        var (exitCode, _, error) = await cli.RunAsync("domains", "remove", "legal");
        Assert.Equal(1, exitCode);
        Assert.Contains("no domain named 'legal'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Domains_come_from_the_environment_too_and_bad_settings_are_refused_by_name()
    {
        using var cli = new CliProcess();
        cli.Environment["RagStack__Domains__ops__Index"] = "runbooks";

        var listed = await cli.JsonAsync("domains", "list");
        Assert.Equal("runbooks", Assert.Single(listed.EnumerateArray()).GetProperty("index").GetString());

        var (exitCode, _, error) = await cli.RunAsync("domains", "set", "ops", "--scale", "9");
        Assert.Equal(1, exitCode);
        Assert.Contains("RagStack:Domains:ops:AdapterScale is 9", error, StringComparison.Ordinal);

        cli.Environment["RagStack__Domains__ops__Adaptor"] = "x.gguf";
        (exitCode, _, error) = await cli.RunAsync("domains", "list");
        Assert.Equal(1, exitCode);
        Assert.Contains("RagStack:Domains:ops:Adaptor is not a setting; RagStack:Domains:ops has Adapter, AdapterScale, Index, SystemPrompt.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_with_a_domain_and_no_model_answers_extractively_from_the_domains_index()
    {
        using var cli = new CliProcess();
        var contracts = Path.Combine(cli.DataDir, "in", "contracts");
        var other = Path.Combine(cli.DataDir, "in", "other");
        Directory.CreateDirectory(contracts);
        Directory.CreateDirectory(other);
        await File.WriteAllTextAsync(Path.Combine(contracts, "lease.md"), "# Lease\n\nThe tenant may end the lease with three months' notice in writing.");
        await File.WriteAllTextAsync(Path.Combine(other, "notice.md"), "# Notice\n\nA lease ends with three months' notice in writing from the tenant, says the other index.");
        await cli.JsonAsync("ingest", contracts, "--index", "contracts");
        await cli.JsonAsync("ingest", other);
        var adapter = Path.Combine(cli.DataDir, "legal.gguf");
        await File.WriteAllBytesAsync(adapter, [1, 2, 3]);
        await cli.JsonAsync("domains", "set", "legal", "--index", "contracts", "--adapter", adapter);

        var json = await cli.JsonAsync("ask", "How much notice must the tenant give to end the lease?", "--domain", "legal");

        Assert.Equal("extractive", json.GetProperty("kind").GetString());
        Assert.Equal("contracts", json.GetProperty("index").GetString());
        Assert.Equal("legal", json.GetProperty("domain").GetString());
        Assert.False(json.TryGetProperty("adapter", out _));
        Assert.All(json.GetProperty("sources").EnumerateArray(), s => Assert.Equal("lease.md", s.GetProperty("document").GetString()));

        var (exitCode, output, _) = await cli.RunAsync("ask", "How much notice must the tenant give to end the lease?", "--domain", "legal");
        Assert.Equal(0, exitCode);
        Assert.Contains("Domain: legal (index contracts); adapter: not used (no generator)", output, StringComparison.Ordinal);

        (exitCode, _, var error) = await cli.RunAsync("ask", "notice?", "--domain", "legall");
        Assert.Equal(1, exitCode);
        Assert.Equal("error: legall: No domain named 'legall' is configured (configured: legal).", error.Trim());
    }

    [Fact]
    public async Task Ask_with_a_domain_whose_adapter_is_missing_or_for_another_model_prints_one_error_naming_file_and_domain()
    {
        using var cli = new CliProcess();
        var model = Path.Combine(cli.DataDir, "synthetic.gguf");
        SyntheticLlama.Write(model, new SyntheticLlamaSpec { ContextLength = 1024 });
        var foreign = Path.Combine(cli.DataDir, "foreign.gguf");
        TestLoraAdapters.Write(foreign, new SyntheticLlamaSpec { EmbeddingLength = 128, FeedForwardLength = 256 }, seed: 3);
        await cli.JsonAsync("domains", "set", "legal", "--adapter", foreign);
        var moved = Path.Combine(cli.DataDir, "moved.gguf");
        cli.Environment["RagStack__Domains__gone__Adapter"] = moved;

        var (exitCode, output, error) = await cli.RunAsync("ask", "What is in the contract?", "--domain", "legal", "--model", model);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith($"error: {foreign}: ", line, StringComparison.Ordinal);
        Assert.Contains("another base model", line, StringComparison.Ordinal);
        Assert.EndsWith("(domain 'legal')", line, StringComparison.Ordinal);

        (exitCode, _, error) = await cli.RunAsync("ask", "What is in the contract?", "--domain", "gone", "--model", model);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {moved}: adapter file not found. (domain 'gone')", error.Trim());
    }

    [Fact]
    public async Task Ask_with_a_model_reports_the_domain_and_the_adapter_that_answered_and_adapter_overrides_it_for_one_question()
    {
        using var cli = new CliProcess();
        var spec = new SyntheticLlamaSpec { ContextLength = 2048 };
        var model = Path.Combine(cli.DataDir, "synthetic.gguf");
        SyntheticLlama.Write(model, spec);
        var legal = Path.Combine(cli.DataDir, "legal.gguf");
        var draft = Path.Combine(cli.DataDir, "draft.gguf");
        TestLoraAdapters.Write(legal, spec, seed: 1);
        TestLoraAdapters.Write(draft, spec, seed: 2);
        var contracts = Path.Combine(cli.DataDir, "in");
        Directory.CreateDirectory(contracts);
        await File.WriteAllTextAsync(Path.Combine(contracts, "lease.md"), "# Lease\n\nThe tenant may end the lease with three months' notice in writing.");
        await cli.JsonAsync("ingest", contracts, "--index", "contracts");
        await cli.JsonAsync("domains", "set", "legal", "--index", "contracts", "--adapter", legal, "--scale", "0.5");
        const string question = "How much notice must the tenant give to end the lease?";

        var json = await cli.JsonAsync("ask", question, "--domain", "legal", "--model", model, "--max-tokens", "8");
        var (exitCode, output, error) = await cli.RunAsync("ask", question, "--domain", "legal", "--model", model, "--max-tokens", "8", "--no-stream");
        var oneOff = await cli.JsonAsync("ask", question, "--domain", "legal", "--model", model, "--max-tokens", "8", "--adapter", draft, "--adapter-scale", "0.25");

        Assert.Equal("generated", json.GetProperty("kind").GetString());
        Assert.Equal("legal", json.GetProperty("domain").GetString());
        Assert.Equal("contracts", json.GetProperty("index").GetString());
        var adapter = json.GetProperty("adapter");
        Assert.Equal("legal", adapter.GetProperty("name").GetString());
        Assert.Equal(0.5, adapter.GetProperty("scale").GetDouble());
        Assert.Equal(legal, adapter.GetProperty("file").GetString());
        Assert.True(exitCode == 0, error);
        Assert.Contains($"Domain: legal (index contracts); adapter: legal ×0.5 ({legal})", output, StringComparison.Ordinal);
        var overridden = oneOff.GetProperty("adapter");
        Assert.Equal("ask", overridden.GetProperty("name").GetString());
        Assert.Equal(0.25, overridden.GetProperty("scale").GetDouble());
        Assert.Equal(draft, overridden.GetProperty("file").GetString());
    }
}
