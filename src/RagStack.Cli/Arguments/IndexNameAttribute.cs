using RagStack.Documents;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Arguments;

/// <summary>
/// Checks an <c>--index</c> option against <see cref="IndexName"/>'s rule, the one the API applies, so a name the service
/// would refuse is refused here too, before anything is read or written.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class IndexNameAttribute() : ParameterValidationAttribute(IndexName.Rule)
{
    public override ValidationResult Validate(CommandParameterContext context) =>
        context.Value is not string name || IndexName.Problem(name) is not { } problem
            ? ValidationResult.Success()
            : ValidationResult.Error($"--index {problem}.");
}
