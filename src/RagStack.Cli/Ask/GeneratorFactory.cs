using Microsoft.Extensions.AI;

namespace RagStack.Cli.Ask;

/// <summary>
/// Makes the chat client that writes answers from <c>--model</c>; null means no generator, so answers are extractive.
/// The caller owns (and disposes) the client it gets.
/// </summary>
internal delegate IChatClient? GeneratorFactory(string? modelPath);

/// <summary>The generators <c>ragstack ask</c> can use.</summary>
internal static class Generators
{
    /// <summary>
    /// The factory <c>ragstack ask</c> uses. This is the seam for local generation: the LLamaSharp client (RagStack.LlamaSharp)
    /// plugs in here by returning its <see cref="IChatClient"/> for a GGUF path (and, once models can be pulled, for the
    /// installed default when no path is given).
    /// </summary>
    public static GeneratorFactory Default { get; } = NotInstalled;

    private static IChatClient? NotInstalled(string? modelPath) =>
        modelPath is null
            ? null
            : throw new GeneratorUnavailableException(modelPath, "this build of ragstack cannot load a generator model yet; leave out --model for an extractive answer");
}

/// <summary>A generator model was asked for but cannot be used; the message says why and what to do.</summary>
internal sealed class GeneratorUnavailableException(string modelPath, string reason) : Exception(reason)
{
    public string ModelPath { get; } = modelPath;
}
