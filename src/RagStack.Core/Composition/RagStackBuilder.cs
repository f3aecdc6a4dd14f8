using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RagStack;

/// <summary>The builder <c>AddRagStack(configuration)</c> returns; provider packages extend it.</summary>
internal sealed class RagStackBuilder(IServiceCollection services, IConfiguration configuration) : IRagStackBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;
}
