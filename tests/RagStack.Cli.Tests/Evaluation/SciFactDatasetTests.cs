using RagStack.Cli.Evaluation;

namespace RagStack.Cli.Tests.Evaluation;

public sealed class SciFactDatasetTests
{
    [Fact]
    public void Csv_fields_may_hold_quotes_commas_and_line_breaks()
    {
        var records = SciFactDataset.Csv("id,text\n1,\"a, \"\"quoted\"\"\nline\"\n2,plain\n");

        Assert.Equal(3, records.Count);
        Assert.Equal(["1", "a, \"quoted\"\nline"], records[1]);
        Assert.Equal(["2", "plain"], records[2]);
    }

    [Fact]
    public void Python_list_literals_give_their_strings_with_escapes_resolved()
    {
        var strings = SciFactDataset.PythonStrings("['First sentence.'\n \"It's second.\" 'Tab\\there \\'quoted\\'']").ToList();

        Assert.Equal(["First sentence.", "It's second.", "Tab\there 'quoted'"], strings);
    }

    [SkippableFact]
    public void The_test_split_matches_beirs_qrels()
    {
        var folder = RepositoryFolders.Shared("datasets", "scifact", "scifact.zip") is null ? null : RepositoryFolders.Shared("datasets", "scifact");
        Skip.If(folder is null, "../shared/datasets/scifact not found: the SciFact dataset is absent");

        var dataset = SciFactDataset.Load(folder!);

        Assert.Equal(5183, dataset.Corpus.Count);
        Assert.Equal(300, dataset.Test.Count);
        var qrels = File.ReadLines(Path.Combine(folder!, "qrels.test.txt"))
            .Select(l => l.Split(' '))
            .GroupBy(p => p[0], p => p[2])
            .ToDictionary(g => g.Key, g => g.ToHashSet());
        Assert.Equal(339, dataset.Test.Sum(c => c.Relevant.Count));
        Assert.All(dataset.Test, c => Assert.True(qrels[c.Id].SetEquals(c.Relevant), $"claim {c.Id}"));
        Assert.DoesNotContain(dataset.Corpus, d => d.Abstract.Contains("['", StringComparison.Ordinal));
    }
}
