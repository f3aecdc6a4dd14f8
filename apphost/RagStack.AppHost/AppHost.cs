using Microsoft.Extensions.Configuration;
using RagStack.AppHost;

// The whole application on one machine: the model host, the RAG service on top of it, and the web page in front.
var builder = DistributedApplication.CreateBuilder(args);
var repository = RepositoryPaths.FromAppHostDirectory(builder.AppHostDirectory);

var modelPath = builder.AddParameter("model-path", new FixedParameterDefault(repository.DefaultModel))
    .WithDescription("The GGUF model the model host serves; default ../shared/models/stories260K.gguf beside the repository.");
var dataDirectory = builder.AddParameter("data-dir", new FixedParameterDefault(repository.DefaultDataDirectory))
    .WithDescription("The RAG service's data folder (database, indexes, originals); default .ragstack-data in the repository.");

// The API packs sources to its own 4096-token window, counting a remote model's tokens by estimate; a model with a small
// vocabulary (stories260K) spends more tokens than estimated, so the host serves twice that window as headroom.
var contextLength = builder.AddParameter("context-length", new FixedParameterDefault("8192"))
    .WithDescription("Tokens of one request's window on the model host, prompt and reply together.");

// Without a model file there is nothing for a model host to serve: the API then answers extractively (the best passages,
// cited), as the CLI does, and says how to give it a model.
var chosenModel = builder.Configuration["Parameters:model-path"] ?? builder.Configuration["Parameters:model_path"] ?? repository.DefaultModel;
var api = builder.AddProject<Projects.RagStack_Api>("api")
    .WithHttpEndpoint(name: "http")
    .WithExternalHttpEndpoints()
    .WithEnvironment("RagStack__DataDirectory", dataDirectory)
    .WithEnvironment("RagStack__Uploads__SeedFolder", repository.SampleCorpus)
    .WithEnvironment("RagStack__Uploads__SeedIndex", "genai")
    .WithHttpHealthCheck("/health");
if (File.Exists(chosenModel))
{
    var modelhost = builder.AddProject<Projects.RagStack_ModelHost>("modelhost")
        .WithHttpEndpoint(name: "http")
        // The same data folder as the API: both read its ragstack.json, so its settings apply to both alike.
        .WithEnvironment("RagStack__DataDirectory", dataDirectory)
        .WithEnvironment("RagStack__Generator__ModelPath", modelPath)
        .WithEnvironment("RagStack__Generator__ContextLength", contextLength)
        .WithEnvironment("RagStack__ModelHost__ModelId", ModelIds.Served)
        .WithHttpHealthCheck("/health");
    api.WithReference(modelhost)
        .WaitFor(modelhost)
        .WithEnvironment("RagStack__RemoteGenerator__Endpoint", ReferenceExpression.Create($"{modelhost.GetEndpoint("http")}/v1"))
        .WithEnvironment("RagStack__RemoteGenerator__Model", ModelIds.Served);
}
else
{
    StartupMessages.LogAtStart(builder,
        $"No model at {chosenModel}: the model host is not started and answers are extractive (the best passages, cited). " +
        "Give a GGUF model with --Parameters:model-path=/path/model.gguf.");
}

if (builder.Configuration[VectorStoreChoice.Key] is { } store)
{
    VectorStoreChoice.Apply(builder, api, store);
}

var web = builder.AddProject<Projects.RagStack_Web>("web")
    .WithHttpEndpoint(name: "http")
    .WithExternalHttpEndpoints()
    .WithReference(api)
    .WaitFor(api)
    .WithHttpHealthCheck("/health");

StartupMessages.LogWhenReady(builder, web, "The web UI");
StartupMessages.LogWhenReady(builder, api, "The RAG API");

builder.Build().Run();
