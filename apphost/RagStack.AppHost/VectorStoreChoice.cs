using System.Diagnostics;

namespace RagStack.AppHost;

/// <summary>
/// The RAG service's vector store: embedded by default; Qdrant in a container only when <c>RagStack:VectorStore</c> is
/// <c>qdrant</c> and a container runtime answers, since a container resource cannot start on a machine without one.
/// </summary>
internal static class VectorStoreChoice
{
    /// <summary>The AppHost setting that asks for a vector store (<c>--RagStack:VectorStore=qdrant</c>).</summary>
    public const string Key = "RagStack:VectorStore";

    private const string Qdrant = "qdrant";

    public static void Apply(IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api, string store)
    {
        if (!store.Equals(Qdrant, StringComparison.OrdinalIgnoreCase))
        {
            StartupMessages.LogAtStart(builder, $"{Key} is '{store}'; only 'qdrant' is known, so the API stays on its embedded store.");
            return;
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? builder.Configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        if (FindHealthyRuntime(runtime is { Length: > 0 } ? [runtime] : ["docker", "podman"]) is null)
        {
            StartupMessages.LogAtStart(builder, $"{Key} asks for Qdrant, but no container runtime (docker or podman) answers 'info'; the API stays on its embedded store.");
            return;
        }

        var qdrant = builder.AddContainer(Qdrant, "qdrant/qdrant")
            .WithHttpEndpoint(targetPort: 6333, name: "http")
            .WithEndpoint(targetPort: 6334, name: "grpc", scheme: "http")
            .WithHttpHealthCheck("/readyz");
        api.WithEnvironment("RagStack__VectorStore", Qdrant)
            .WithEnvironment("RagStack__Qdrant__Endpoint", qdrant.GetEndpoint("grpc"))
            .WaitFor(qdrant);
    }

    /// <summary>The first runtime whose <c>info</c> succeeds within a few seconds, or null.</summary>
    private static string? FindHealthyRuntime(IEnumerable<string> runtimes)
    {
        foreach (var runtime in runtimes)
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null)
                {
                    continue;
                }

                // Drained so a chatty runtime cannot block on a full pipe; what it says does not matter, its exit code does.
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }

                if (process.ExitCode == 0)
                {
                    return runtime;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed: try the next one.
            }
        }

        return null;
    }
}
