using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RagStack;

/// <summary>How every RagStack options type is registered: bound from its own section, checked once at start.</summary>
public static class RagStackOptionsBuilderExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/> of the builder's configuration, refuses keys in
    /// that section that are no setting of <typeparamref name="TOptions"/> (naming them), and validates the options when
    /// the host starts (<c>ValidateOnStart</c>) with the <see cref="IValidateOptions{TOptions}"/> registered for it. Code
    /// given in <paramref name="configure"/> runs after binding, so it wins over configuration.
    /// </summary>
    public static OptionsBuilder<TOptions> BindRagStackOptions<TOptions>(this IRagStackBuilder builder, string section, Action<TOptions>? configure = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(section);
        var configurationSection = builder.Configuration.GetSection(section);
        var options = builder.Services.AddOptions<TOptions>().Bind(configurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new UnknownSettingsValidator<TOptions>(configurationSection));
        return options.ValidateOnStart();
    }

    /// <summary>
    /// Refuses at start, by name, the keys in <paramref name="section"/> that bind to nothing in <paramref name="shape"/>,
    /// for options that are not bound from their section as they are (e.g. a list of API keys gathered into one options type).
    /// </summary>
    public static OptionsBuilder<TOptions> RefuseUnknownSettings<TOptions>(this IRagStackBuilder builder, string section, Type shape)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new UnknownSettingsValidator<TOptions>(builder.Configuration.GetSection(section), shape));
        return builder.Services.AddOptions<TOptions>().ValidateOnStart();
    }

    /// <summary>
    /// Runs <paramref name="validator"/> on options built outside a container (e.g. <c>EmbeddedStore.OpenAsync(options)</c>)
    /// and throws its failures, so code that is handed options by hand gets the same messages as a host at start.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names each setting and the reason.</exception>
    public static TOptions ThrowIfInvalid<TOptions>(this IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(options);
        var result = validator.Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures) : options;
    }
}
