namespace DataBuild.Model;

/// <summary>
/// A per-partition declaration (a parameter's value, a memory estimate, a mapped dependency) threw for one node: that
/// node fails with this message, which says what was being evaluated, and a build with -k goes on with
/// everything that does not depend on it.
/// </summary>
public sealed class DeclarationException(string message, Exception inner) : Exception(message, inner);
