namespace DataBuild.Model;

/// <summary>Invalid command-line usage (an unknown option, target or parameter value): printed without a stack trace, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
