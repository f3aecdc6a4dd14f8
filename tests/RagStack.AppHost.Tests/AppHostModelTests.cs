using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace RagStack.AppHost.Tests;

/// <summary>The application model the AppHost builds, read without starting anything.</summary>
public sealed class AppHostModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_app_has_the_model_host_the_api_and_the_web_and_no_container_by_default()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagStack_AppHost>(timeout.Token);

        // The model host runs when there is a model to serve: the shared small model by default.
        string[] expected = SharedModels.Stories260K is null ? ["api", "web"] : ["api", "modelhost", "web"];
        Assert.Equal(expected, builder.Resources.OfType<ProjectResource>().Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Empty(builder.Resources.OfType<ContainerResource>());
    }

    [Fact]
    public async Task Without_a_model_file_there_is_no_model_host_and_the_api_is_not_pointed_at_one()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagStack_AppHost>(
            ["--Parameters:model-path=/no/such/model.gguf"], timeout.Token);

        Assert.Equal(["api", "web"], builder.Resources.OfType<ProjectResource>().Select(r => r.Name).Order(StringComparer.Ordinal));
        var api = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "api");
        Assert.Empty(api.Annotations.OfType<WaitAnnotation>());
    }

    [Fact]
    public async Task Asking_for_qdrant_without_a_healthy_container_runtime_keeps_the_embedded_store()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagStack_AppHost>(
            ["--RagStack:VectorStore=qdrant", "--ASPIRE_CONTAINER_RUNTIME=ragstack-no-such-runtime"], timeout.Token);

        Assert.Empty(builder.Resources.OfType<ContainerResource>());
        Assert.Contains(builder.Resources, r => r.Name == "api");
    }

    [SkippableFact]
    public async Task Asking_for_qdrant_with_a_runtime_that_answers_adds_the_qdrant_container()
    {
        // /bin/true stands in for a healthy docker: it answers 'info' with exit code 0, and nothing is started here.
        Skip.IfNot(File.Exists("/bin/true"), "/bin/true is absent (not a Unix machine)");
        using var timeout = new CancellationTokenSource(Timeout);
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagStack_AppHost>(
            ["--RagStack:VectorStore=qdrant", "--ASPIRE_CONTAINER_RUNTIME=/bin/true"], timeout.Token);

        var qdrant = Assert.Single(builder.Resources.OfType<ContainerResource>());
        Assert.Equal("qdrant", qdrant.Name);
        Assert.Contains(qdrant.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "grpc" && e.TargetPort == 6334);
        // The API is told to use it, with its gRPC endpoint, and waits for it: the values as a deployment would write them.
        var api = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "api");
        var environment = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), api, []);
        foreach (var callback in api.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(environment);
        }

        Assert.Equal("qdrant", environment.EnvironmentVariables["RagStack__VectorStore"]);
        var endpoint = Assert.IsType<EndpointReference>(environment.EnvironmentVariables["RagStack__Qdrant__Endpoint"]);
        Assert.Equal(("grpc", "qdrant"), (endpoint.EndpointName, endpoint.Resource.Name));
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource == qdrant);
    }

    [SkippableFact]
    public async Task The_model_path_defaults_to_the_shared_small_model_and_a_parameter_replaces_it()
    {
        var shared = SharedModels.Stories260K;
        Skip.If(shared is null, SharedModels.Missing);
        using var timeout = new CancellationTokenSource(Timeout);
        await using var defaulted = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagStack_AppHost>(timeout.Token);
        await using var replaced = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagStack_AppHost>(
            ["--Parameters:model-path=/models/other.gguf"], timeout.Token);

        Assert.Equal(shared, await ModelPathAsync(defaulted, timeout.Token));
        Assert.Equal("/models/other.gguf", await ModelPathAsync(replaced, timeout.Token));
    }

    private static async Task<string?> ModelPathAsync(IDistributedApplicationTestingBuilder builder, CancellationToken cancellationToken) =>
        await builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "model-path").GetValueAsync(cancellationToken);
}
