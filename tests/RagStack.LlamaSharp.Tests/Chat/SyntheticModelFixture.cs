using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Tests.Chat;

/// <summary>A tiny Llama with random weights and the built-in vocabulary, written once per test class by our GGUF writer.</summary>
public sealed class SyntheticModelFixture : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public SyntheticModelFixture()
    {
        ModelPath = _folder.Path("synthetic.gguf");
        SyntheticLlama.Write(ModelPath, new SyntheticLlamaSpec { Layers = 2, EmbeddingLength = 64, FeedForwardLength = 128, ContextLength = 1024 });
    }

    public string ModelPath { get; }

    /// <summary>Writes another model into the fixture's folder (for example one with a chat template).</summary>
    internal string Write(string name, SyntheticLlamaSpec spec)
    {
        var path = _folder.Path(name);
        if (!File.Exists(path))
        {
            SyntheticLlama.Write(path, spec);
        }

        return path;
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>The chat client's contract on a model our GGUF writer built: runs on a fresh clone, no ../shared needed.</summary>
public sealed class LlamaChatClientOnSyntheticModelTests(SyntheticModelFixture model) : ChatClientContract, IClassFixture<SyntheticModelFixture>
{
    protected override string ModelPath => model.ModelPath;
}

/// <summary>The chat client's contract on the real pretrained stories260K from ../shared/models.</summary>
public sealed class LlamaChatClientOnStories260KTests : ChatClientContract
{
    protected override string ModelPath
    {
        get
        {
            Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);
            return SharedModels.Stories260K!;
        }
    }
}
