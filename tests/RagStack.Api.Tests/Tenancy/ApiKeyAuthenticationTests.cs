using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Api.Tenancy;

namespace RagStack.Api.Tests.Tenancy;

public sealed class ApiKeyAuthenticationTests
{
    [Fact]
    public async Task Without_keys_a_request_from_another_machine_is_refused()
    {
        var (status, tenant, detail) = await InvokeAsync(new ApiKeysOptions(), IPAddress.Parse("10.1.2.3"), bearer: null);

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        Assert.Null(tenant);
        Assert.Contains("RagStack:ApiKeys", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Without_keys_a_request_from_this_machine_acts_for_the_local_tenant(string address)
    {
        var (status, tenant, _) = await InvokeAsync(new ApiKeysOptions(), IPAddress.Parse(address), bearer: null);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(RequestTenant.Local, tenant);
    }

    [Fact]
    public async Task With_keys_the_key_names_the_tenant_even_from_another_machine()
    {
        var options = new ApiKeysOptions();
        options.Keys.Add(new ApiKey { Key = "k-one", Tenant = "one" });
        options.Keys.Add(new ApiKey { Key = "k-two", Tenant = "two" });

        var (status, tenant, _) = await InvokeAsync(options, IPAddress.Parse("10.1.2.3"), bearer: "k-two");
        var (missing, _, _) = await InvokeAsync(options, IPAddress.Loopback, bearer: null);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("two", tenant);
        Assert.Equal(StatusCodes.Status401Unauthorized, missing);
    }

    [Fact]
    public void Without_keys_a_non_loopback_address_stops_the_start_saying_how_to_serve_other_machines()
    {
        using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", Path.Combine(Path.GetTempPath(), "ragstack-api-exposed-" + Guid.NewGuid().ToString("N")));
            b.UseSetting(WebHostDefaults.ServerUrlsKey, "http://0.0.0.0:5999");
        });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        Assert.Contains("'http://0.0.0.0:5999'", Flatten(error), StringComparison.Ordinal);
        Assert.Contains("RagStack:ApiKeys", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_without_a_tenant_stops_the_start()
    {
        using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", Path.Combine(Path.GetTempPath(), "ragstack-api-keys-" + Guid.NewGuid().ToString("N")));
            b.UseSetting("RagStack:ApiKeys:0:Key", "secret");
        });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        Assert.Contains("RagStack:ApiKeys:0: both Key and Tenant must be set", Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    private static async Task<(int Status, string? Tenant, string Detail)> InvokeAsync(ApiKeysOptions options, IPAddress remote, string? bearer)
    {
        string? seen = null;
        var middleware = new ApiKeyAuthentication(context =>
        {
            seen = RequestTenant.Of(context);
            return Task.CompletedTask;
        }, Options.Create(options));
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = "/api/search";
        context.Connection.RemoteIpAddress = remote;
        context.Response.Body = new MemoryStream();
        if (bearer is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + bearer;
        }

        await middleware.InvokeAsync(context);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var detail = text.Length > 0 ? JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()! : "";
        return (context.Response.StatusCode, seen, detail);
    }
}
