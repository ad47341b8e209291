using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>Computes a node's <see cref="Signature"/> from its declaration, its inputs' contents and its upstream nodes' output hashes.</summary>
public sealed class SignatureBuilder(FileHasher hasher, ToolIdentity tools, IReadOnlyDictionary<string, string?> environment, ContainerEngines? containers = null)
{
    // The task identity is the same for every partition of a target: hash it once, not once per node.
    private readonly PerReference<TargetSpec, InputEntry> _taskEntries = new();

    public Signature Build(Node node, IReadOnlyList<Node> allNodes)
    {
        var target = node.Target;
        var task = TaskEntry(target);
        var layout = LayoutOf(target);
        var entries = new List<InputEntry>(target.Inputs.Count + target.Dependencies.Count + 2) { task };
        // A target whose declarations do not vary by partition evaluates them once, not once per node.
        var shared = DeclaredPerTarget(target) ? SharedDeclared(target) : null;
        var declared = shared is null ? new HashBuilder().Add(task.Name).Add(task.Hash) : null;
        var inputPaths = layout.PathNames.Length == 0 ? NamedValues<string[]>.Empty : new NamedValues<string[]>(layout.PathNames, new string[layout.PathNames.Length][]);
        var parameters = layout.TextNames.Length == 0 ? NamedValues<string>.Empty : new NamedValues<string>(layout.TextNames, new string[layout.TextNames.Length]);
        for (var i = 0; i < target.Inputs.Count; i++)
        {
            var input = target.Inputs[i];
            switch (input.Kind)
            {
                case InputKind.File:
                {
                    var path = PathTemplate.Expand(input.Template!, node.Partition, target.Name);
                    var hash = hasher.Hash(path) ?? throw new MissingInputException(
                        $"{node.Name}: input '{input.Name}' does not exist: {path}. If another target makes it, declare it as that target's output and add DependsOn.");
                    entries.Add(new($"file:{path}", hash, ""));
                    inputPaths.Set(layout.Slots[i], [path]);
                    break;
                }
                case InputKind.Glob:
                {
                    var pattern = PathTemplate.Expand(input.Template!, node.Partition, target.Name);
                    var paths = hasher.FileSystem.Glob(pattern).ToArray();
                    entries.Add(new($"glob:{pattern}", Hash128.Of(string.Join("\n", paths)), $"{paths.Length} files"));
                    foreach (var p in paths) entries.Add(new($"file:{p}", hasher.Hash(p) ?? Hash128.Empty, ""));
                    inputPaths.Set(layout.Slots[i], paths);
                    break;
                }
                default:
                {
                    var (entry, text) = shared is not null ? (shared.Entries[i]!, shared.Texts[i]) : DeclaredEntry(input, node.Partition);
                    entries.Add(entry);
                    declared?.Add(entry.Name).Add(entry.Hash);
                    if (text is not null) parameters.Set(layout.Slots[i], text);
                    break;
                }
            }
        }
        for (var d = 0; d < target.Dependencies.Count; d++)
        {
            var builder = new HashBuilder();
            var upstream = node.Dependencies[d];
            foreach (var index in upstream) builder.Add(allNodes[index].Name).Add(allNodes[index].OutputHash);
            entries.Add(new("upstream:" + target.Dependencies[d].Target, builder.Build(), ""));
        }
        string[]? argv = null;
        if (target.Task is ArgvTaskSpec)
        {
            argv = ExpandArgv(node, allNodes, inputPaths, parameters, outputPath: null);
            entries.Add(new("command", Hash128.OfParts(argv, '\0'), Shorten(string.Join(' ', argv), 200)));
        }
        return new Signature(entries, inputPaths, parameters, argv) { Declared = shared?.Hash ?? declared!.Build() };
    }

    /// <summary>
    /// Where each input of a target puts its value: the names of its path inputs and of its parameters and configs (the
    /// texts a task sees), in declaration order, and each input's slot among them. A later input of the same name
    /// replaces an earlier one's value, as it always has.
    /// </summary>
    private sealed record Layout(string[] PathNames, string[] TextNames, int[] Slots);

    private readonly PerReference<TargetSpec, Layout> _layouts = new();

    private Layout LayoutOf(TargetSpec target) => _layouts.Get(target, static t =>
    {
        var paths = new List<string>();
        var texts = new List<string>();
        var slots = new int[t.Inputs.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            var input = t.Inputs[i];
            var names = input.Kind switch
            {
                InputKind.File or InputKind.Glob => paths,
                InputKind.Parameter or InputKind.Config => texts,
                _ => null,
            };
            if (names is null)
            {
                slots[i] = -1;
                continue;
            }
            slots[i] = names.IndexOf(input.Name);
            if (slots[i] < 0)
            {
                slots[i] = names.Count;
                names.Add(input.Name);
            }
        }
        return new Layout([.. paths], [.. texts], slots);
    });

    /// <summary>
    /// The hash of what a node's declaration alone says (task identity, parameters, configs, containers, environment
    /// variables, tools), without reading any file: <see cref="Signature.Declared"/> of the same node, for the
    /// up-to-date snapshot, which re-evaluates the pipeline's declarations but not its files.
    /// </summary>
    public Hash128 DeclaredHash(TargetSpec target, PartitionKey partition)
    {
        if (DeclaredPerTarget(target)) return SharedDeclared(target).Hash;
        return ComputeDeclared(target, partition);
    }

    /// <summary>Whether <see cref="DeclaredHash"/> is the same for every partition of <paramref name="target"/>.</summary>
    public static bool DeclaredPerTarget(TargetSpec target)
    {
        for (var i = 0; i < target.Inputs.Count; i++)
            if (target.Inputs[i].PerPartition) return false;
        return true;
    }

    // Targets whose declared inputs do not depend on the partition: their entries (null for file and glob inputs), the
    // texts a task sees, and the declared hash, once for all their nodes. A class: a dictionary over Hash128, a value
    // type of ours, would be compiled at run time at every start.
    private sealed class DeclaredOnce(InputEntry?[] entries, string?[] texts, Hash128 hash)
    {
        public InputEntry?[] Entries { get; } = entries;
        public string?[] Texts { get; } = texts;
        public Hash128 Hash { get; } = hash;
    }

    private readonly PerReference<TargetSpec, DeclaredOnce> _declaredOnce = new();
    private Func<TargetSpec, DeclaredOnce>? _evaluateDeclared;

    // The delegate made once: a method group is a new delegate at every call, and this is called once per node.
    private DeclaredOnce SharedDeclared(TargetSpec target) => _declaredOnce.Get(target, _evaluateDeclared ??= EvaluateDeclared);

    private DeclaredOnce EvaluateDeclared(TargetSpec t)
    {
        var task = TaskEntry(t);
        var declared = new HashBuilder().Add(task.Name).Add(task.Hash);
        var entries = new InputEntry?[t.Inputs.Count];
        var texts = new string?[t.Inputs.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            if (t.Inputs[i].Kind is InputKind.File or InputKind.Glob) continue;
            (entries[i], texts[i]) = DeclaredEntry(t.Inputs[i], PartitionKey.None);
            declared.Add(entries[i]!.Name).Add(entries[i]!.Hash);
        }
        return new DeclaredOnce(entries, texts, declared.Build());
    }

    private Hash128 ComputeDeclared(TargetSpec target, PartitionKey partition)
    {
        var task = TaskEntry(target);
        var declared = new HashBuilder().Add(task.Name).Add(task.Hash);
        foreach (var input in target.Inputs)
        {
            if (input.Kind is InputKind.File or InputKind.Glob) continue;
            var (entry, _) = DeclaredEntry(input, partition, display: false);
            declared.Add(entry.Name).Add(entry.Hash);
        }
        return declared.Build();
    }

    // "param:delay" once per declared input, not once per node.
    private readonly PerReference<InputSpec, string> _entryNames = new();

    private string EntryName(InputSpec input) => _entryNames.Get(input, static i => i.Kind switch
    {
        InputKind.Parameter => "param:", InputKind.Config => "config:", InputKind.Container => "container:",
        InputKind.Environment => "env:", InputKind.Secret => "secret:", _ => "tool:",
    } + i.Name);

    private static readonly Hash128 SecretHash = Hash128.Of("secret");

    private InputEntry TaskEntry(TargetSpec target) =>
        _taskEntries.Get(target, static t => new("task", Hash128.Of(t.Task?.Identity ?? "none"), t.Task?.Identity ?? "none"));

    /// <summary>The entry of a parameter, config, container, environment or tool input; the text a task sees for the first three.</summary>
    private (InputEntry Entry, string? Text) DeclaredEntry(InputSpec input, PartitionKey partition, bool display = true)
    {
        switch (input.Kind)
        {
            case InputKind.Container:
            {
                var id = ImageId((ContainerSpec)input.Value!(partition)!);
                return (new(EntryName(input), Hash128.Of(id ?? "\0missing"), id is null ? "(image missing)" : ShortImageId(id)), null);
            }
            case InputKind.Parameter:
            case InputKind.Config:
            {
                string text;
                try
                {
                    text = Text(input.Value!(partition));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new DeclarationException($"{input.Kind.ToString().ToLowerInvariant()} '{input.Name}' could not be evaluated: {e.Message}", e);
                }
                return (new(EntryName(input), Hash128.Of(text), display ? Shorten(text) : ""), text);
            }
            case InputKind.Environment:
            {
                var value = environment.TryGetValue(input.Name, out var v) ? v : null;
                return (new(EntryName(input), Hash128.Of(value ?? "\0unset"), value is null ? "(unset)" : display ? Shorten(value) : ""), null);
            }
            case InputKind.Secret:
                // Declared, never read: the value stays out of the key, the state and every message.
                return (new(EntryName(input), SecretHash, "(secret: not recorded)"), null);
            case InputKind.Tool:
            {
                var (hash, shown) = tools.Of(input.Template!, input.VersionArgs ?? []);
                return (new(EntryName(input), hash, shown), null);
            }
            default:
                throw new ArgumentException($"{input.Kind} inputs are read from files, not declared.", nameof(input));
        }
    }

    // A missing runtime or image is reported before a build runs anything (Commands.RequireContainers); a plan or
    // `why` shows it as missing instead of failing.
    private string? ImageId(ContainerSpec spec)
    {
        if (containers is null) return null;
        try
        {
            return containers.ImageId(containers.Engine(spec.Runtime, spec.Image), spec.Image);
        }
        catch (ContainerException)
        {
            return null;
        }
    }

    /// <summary><c>sha256:</c> and the first 12 hex digits, as <c>podman images</c> shows an id.</summary>
    public static string ShortImageId(string id) =>
        id.StartsWith("sha256:", StringComparison.Ordinal) && id.Length > 19 ? id[..19] : Shorten(id, 24);

    /// <summary>
    /// The argv of an argv task, with outputs at <paramref name="outputPath"/> (null: their final paths): final paths
    /// for the task key, staging paths to run.
    /// </summary>
    public static string[] ExpandArgv(Node node, IReadOnlyList<Node> allNodes, IReadOnlyDictionary<string, string[]> inputPaths,
        IReadOnlyDictionary<string, string> parameters, Func<string, string>? outputPath, Func<string, string>? resources = null,
        string checkpoint = ArgvTemplate.CheckpointPlaceholder)
    {
        var placeholders = new NodePlaceholders(node, allNodes, inputPaths, parameters, outputPath, resources, checkpoint);
        return ArgvTemplate.Expand(((ArgvTaskSpec)node.Target.Task!).Template, ref placeholders, node.Target.Name);
    }

    // A struct, so that expanding a node's argv allocates no resolver, closure or delegate.
    private readonly struct NodePlaceholders(Node node, IReadOnlyList<Node> allNodes, IReadOnlyDictionary<string, string[]> inputPaths,
        IReadOnlyDictionary<string, string> parameters, Func<string, string>? outputPath, Func<string, string>? resources, string checkpoint)
        : ArgvTemplate.IPlaceholders
    {
        public void Resolve(string placeholder, List<string> into)
        {
            var target = node.Target;
            if (ArgvTemplate.TryResolveStandard(placeholder, into, node.Partition, inputPaths, parameters, target.Resources.Cores, target.Name, resources, checkpoint))
                return;
            var (kind, name, output) = ArgvTemplate.CallerPart(placeholder);
            if (kind == "out")
                into.Add(outputPath is not null ? outputPath(name)
                    : node.OutputPath(name) ?? throw new InvalidOperationException($"{target.Name}: {{out:{name}}} names no output."));
            else
                into.AddRange(UpstreamOutputs(node, allNodes, name, output));
        }
    }

    public static IReadOnlyList<string> UpstreamOutputs(Node node, IReadOnlyList<Node> allNodes, string target, string output)
    {
        var d = IndexOfDependency(node.Target, target);
        if (d < 0) throw new InvalidOperationException($"{node.Target.Name}: {{deps:{target}}} names a target it does not depend on.");
        var upstream = node.Dependencies[d];
        var paths = new string[upstream.Length];
        for (var i = 0; i < paths.Length; i++)
            paths[i] = allNodes[upstream[i]].OutputPath(output) ?? throw new InvalidOperationException($"{node.Target.Name}: {target} has no output '{output}'.");
        return paths;
    }

    public static int IndexOfDependency(TargetSpec spec, string target)
    {
        for (var d = 0; d < spec.Dependencies.Count; d++)
            if (spec.Dependencies[d].Target == target) return d;
        return -1;
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        System.Collections.IEnumerable e => string.Join(" ", e.Cast<object>().Select(PartitionKey.ToText)),
        _ => PartitionKey.ToText(value),
    };

    private static string Shorten(string text, int max = 60) => text.Length <= max ? text : text[..(max - 3)] + "...";
}
