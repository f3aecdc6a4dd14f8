using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace RagStack;

/// <summary>
/// Fails the start for each key in an options type's section that binds to nothing (<c>RagStack:Domains:legal:Adaptor</c>),
/// naming it and the settings that exist there, instead of letting the binder ignore it.
/// </summary>
internal sealed class UnknownSettingsValidator<TOptions>(IConfigurationSection section, Type? shape = null) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = UnknownSettings.In(section, shape ?? typeof(TOptions)).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Walks a configuration section beside the type it binds to and reports the keys the binder would ignore.</summary>
internal static class UnknownSettings
{
    public static IEnumerable<string> In(IConfigurationSection section, Type type)
    {
        if (IsScalar(type))
        {
            foreach (var child in section.GetChildren())
            {
                yield return $"{child.Path} is not a setting: {section.Path} takes a single value.";
            }

            yield break;
        }

        if ((ElementOf(type, typeof(IDictionary<,>)) ?? ElementOf(type, typeof(IEnumerable<>))) is { } entryType)
        {
            // Dictionary keys are names (domains, adapters) and list keys are indices: every child is an entry.
            foreach (var child in section.GetChildren())
            {
                foreach (var failure in In(child, entryType))
                {
                    yield return failure;
                }
            }

            yield break;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || !IsScalar(p.PropertyType)))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                yield return $"{child.Path} is not a setting; {section.Path} has {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}.";
                continue;
            }

            foreach (var failure in In(child, property.PropertyType))
            {
                yield return failure;
            }
        }
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);
    }

    /// <summary>The last type argument of <paramref name="generic"/> when <paramref name="type"/> implements it (string keys only for dictionaries).</summary>
    private static Type? ElementOf(Type type, Type generic)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var match = (type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type : null)
            ?? type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);
        if (match is null)
        {
            return null;
        }

        var arguments = match.GetGenericArguments();
        return arguments[^1] is var element && (arguments.Length == 1 || arguments[0] == typeof(string)) ? element : null;
    }
}
