using DataBuild.Hashing;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// A node's task key and the named components it is hashed from (task identity, command, tools, parameters,
/// input contents, upstream outputs). The components are recorded so a later key mismatch can say what changed.
/// Resources are deliberately not a component: more memory must not rebuild anything.
/// </summary>
public sealed class Signature
{
    public Signature(IReadOnlyList<InputEntry> entries, IReadOnlyDictionary<string, string[]> inputPaths,
        IReadOnlyDictionary<string, string> parameters, string[]? argv)
    {
        var sorted = entries as List<InputEntry> ?? [.. entries];
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        Entries = sorted;
        InputPaths = inputPaths;
        Parameters = parameters;
        Argv = argv;
        var builder = new HashBuilder().Add("databuild-key-v1");
        foreach (var e in sorted) builder.Add(e.Name).Add(e.Hash);
        Key = builder.Build();
    }

    public Hash128 Key { get; }

    /// <summary>The part of the key that comes from declarations alone (see <see cref="SignatureBuilder.DeclaredHash"/>).</summary>
    public Hash128 Declared { get; init; }

    public IReadOnlyList<InputEntry> Entries { get; }

    /// <summary>Resolved input paths by input name (a glob has many).</summary>
    public IReadOnlyDictionary<string, string[]> InputPaths { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The argv with final output paths (the key's view); staging paths are substituted when it runs.</summary>
    public string[]? Argv { get; }
}

/// <summary>An input a node needs does not exist.</summary>
public sealed class MissingInputException(string message) : Exception(message);
