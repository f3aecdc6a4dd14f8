using Xunit;
using RagStack.Ingestion;

namespace RagStack.Core.Tests.Ingestion;

public sealed class SourceFilesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ragstack-sources-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Write(string relative, string text = "x")
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_folder_is_walked_recursively_and_documents_are_named_by_their_relative_path()
    {
        Write("a.md");
        Write("sub/b.pdf");

        var files = SourceFiles.Expand([_root.FullName], out var missing);

        Assert.Empty(missing);
        Assert.Equal(["a.md", "sub/b.pdf"], files.Select(f => f.Name));
    }

    [Fact]
    public void Hidden_files_and_what_ragstackignore_lists_are_skipped()
    {
        Write("keep.txt");
        Write(".hidden.txt");
        Write(".git/config");
        Write("questions.jsonl");
        Write("sources/draft.txt");
        Write(SourceFiles.IgnoreFileName, "# not documents\nquestions.jsonl\nsources/\n");

        var files = SourceFiles.Expand([_root.FullName], out _);

        Assert.Equal(["keep.txt"], files.Select(f => f.Name));
    }

    [Fact]
    public void A_glob_matches_below_its_fixed_prefix()
    {
        Write("docs/one.pdf");
        Write("docs/deep/two.pdf");
        Write("docs/three.md");

        var files = SourceFiles.Expand([Path.Combine(_root.FullName, "docs/**/*.pdf")], out _);

        Assert.Equal(["deep/two.pdf", "one.pdf"], files.Select(f => f.Name));
    }

    [Fact]
    public void Paths_that_do_not_exist_are_reported_and_the_rest_still_expand()
    {
        var real = Write("real.txt");

        var files = SourceFiles.Expand([real, Path.Combine(_root.FullName, "nope.txt"), Path.Combine(_root.FullName, "*.none")], out var missing);

        Assert.Single(files);
        Assert.Equal(2, missing.Count);
    }

    [Fact]
    public void The_same_file_named_twice_is_ingested_once()
    {
        var real = Write("twice.txt");

        var files = SourceFiles.Expand([real, _root.FullName], out _);

        Assert.Single(files);
    }
}
