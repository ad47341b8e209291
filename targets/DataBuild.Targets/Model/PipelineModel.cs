using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using DataBuild.IO;
using DataBuild.Parameters;

namespace DataBuild.Model;

/// <summary>
/// A pipeline's evaluated targets: all of them, or those a build needs (<see cref="Load(object, IReadOnlyCollection{string}?)"/>).
/// Target definitions are evaluated after parameters are bound.
/// </summary>
public sealed class PipelineModel
{
    private readonly Dictionary<string, TargetSpec> _targets;
    private readonly IReadOnlyList<string> _declared;

    private PipelineModel(Dictionary<string, TargetSpec> targets, IReadOnlyList<string> order, IReadOnlyList<string> declared)
    {
        _targets = targets;
        Order = order;
        _declared = declared;
    }

    public IReadOnlyDictionary<string, TargetSpec> Targets => _targets;

    /// <summary>Every target the pipeline declares, evaluated or not, in declaration order.</summary>
    public IReadOnlyList<string> Declared => _declared;

    /// <summary>The evaluated targets' names, upstream before downstream, ties in declaration order.</summary>
    public IReadOnlyList<string> Order { get; }

    /// <summary>
    /// The getters of the pipeline's <see cref="Target"/> properties, in declaration (metadata) order, found among its
    /// methods: a getter is all a target needs.
    /// </summary>
    public static IReadOnlyList<MethodInfo> TargetGetters([DynamicallyAccessedMembers(Pipeline.ReflectedMembers)] Type pipelineType)
    {
        var targets = new List<MethodInfo>();
        // GetMethods, not GetProperties, whose first use costs start-up time (bench/README.md, round 6).
        foreach (var m in pipelineType.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (!m.IsSpecialName || m.ReturnType != typeof(Target) || !m.Name.StartsWith("get_", StringComparison.Ordinal) || m.GetParameters().Length != 0) continue;
            // Insertion by metadata token, not LINQ's OrderBy: its sort over int keys is compiled at run time, at every start.
            var at = targets.Count;
            while (at > 0 && targets[at - 1].MetadataToken > m.MetadataToken) at--;
            targets.Insert(at, m);
        }
        return targets;
    }

    public static PipelineModel Load(object pipeline) => Load(pipeline, null);

    /// <summary>
    /// The model of the targets in <paramref name="needed"/> and of everything upstream of them, or of every target when
    /// null: only their definitions are evaluated. Names that are not targets are left for <see cref="Get"/> to report.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "A pipeline that is not a Pipeline has no annotation to carry, but pipeline assemblies are not trimmed (build/Build.csproj trims only the framework, TrimMode=partial).")]
    public static PipelineModel Load(object pipeline, IReadOnlyCollection<string>? needed)
    {
        var delegates = new List<(string Name, Target Definition)>();
        if (pipeline is Pipeline { Members: { } generated } p)
        {
            for (var i = 0; i < generated.Targets.Length; i++) delegates.Add((generated.Targets[i], p.TargetAt(i)));
        }
        else
        {
            foreach (var getter in TargetGetters(pipeline.GetType()))
                delegates.Add((getter.Name["get_".Length..], (Target)getter.Invoke(pipeline, null)!));
        }
        // A dependency is a Target property read again: an equal delegate (same object, same method). Delegate.Method
        // is only asked for when none is (a property that makes a closure), as it costs reflection at every start.
        string NameOf(Target t)
        {
            for (var i = delegates.Count - 1; i >= 0; i--)
                if (delegates[i].Definition.Equals(t)) return delegates[i].Name;
            for (var i = delegates.Count - 1; i >= 0; i--)
                if (delegates[i].Definition.Method == t.Method) return delegates[i].Name;
            throw new PipelineDefinitionException("A target depends on a delegate that is not a Target property of the pipeline.");
        }
        var specs = new Dictionary<string, TargetSpec>(StringComparer.Ordinal);
        void Evaluate(int i)
        {
            var builder = new TargetBuilder(delegates[i].Name, NameOf);
            delegates[i].Definition(builder);
            specs[delegates[i].Name] = builder.Build();
        }
        if (needed is null)
            for (var i = 0; i < delegates.Count; i++) Evaluate(i);
        else
        {
            var stack = new Stack<string>(needed);
            while (stack.Count > 0)
            {
                var name = stack.Pop();
                if (specs.ContainsKey(name)) continue;
                var i = delegates.Count - 1;
                while (i >= 0 && delegates[i].Name != name) i--;
                if (i < 0) continue;
                Evaluate(i);
                foreach (var up in specs[name].UpstreamNames()) stack.Push(up);
            }
        }
        var declared = new List<string>(delegates.Count);
        var evaluated = new List<string>(specs.Count);
        foreach (var (name, _) in delegates)
        {
            declared.Add(name);
            if (specs.ContainsKey(name)) evaluated.Add(name);
        }
        return new PipelineModel(specs, TopologicalOrder(specs, evaluated), declared);
    }

    public static PipelineModel FromSpecs(IEnumerable<TargetSpec> specs)
    {
        var map = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var s in map.Values)
            foreach (var up in s.Upstream)
                if (!map.ContainsKey(up)) throw new PipelineDefinitionException($"Missing dependency: {up}, required by {s.Name}.");
        var names = map.Keys.ToList();
        return new PipelineModel(map, TopologicalOrder(map, names), names);
    }

    /// <summary>
    /// This model with each container's runtime as <paramref name="runtimeOf"/> says (a cluster profile's choice), so
    /// that the task keys, the up-to-date snapshot and the tasks all use the runtime the build runs with.
    /// </summary>
    public PipelineModel WithContainerRuntimes(Func<TargetSpec, ContainerRuntime> runtimeOf)
    {
        var specs = new Dictionary<string, TargetSpec>(_targets.Count, StringComparer.Ordinal);
        var changed = false;
        foreach (var (name, spec) in _targets)
        {
            if (spec.Container is { } container && runtimeOf(spec) is var runtime && runtime != container.Runtime)
            {
                specs[name] = spec.WithContainerRuntime(runtime);
                changed = true;
            }
            else specs[name] = spec;
        }
        return changed ? new PipelineModel(specs, Order, _declared) : this;
    }

    public TargetSpec Get(string name) =>
        _targets.TryGetValue(name, out var spec) ? spec
            : _declared.Contains(name) ? throw new PipelineDefinitionException($"Target {name} was not evaluated: it is not upstream of what this command builds.")
            : NearNames.Hint(name, _declared) is { Length: > 0 } near
                ? throw new UsageException($"Unknown target '{name}'.{near}")
                : throw new UsageException($"Unknown target '{name}'. Available targets are: {string.Join(", ", _declared)}.");

    /// <summary>The requested targets and everything upstream of them, upstream first.</summary>
    public IReadOnlyList<TargetSpec> Closure(IEnumerable<string> requested)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        foreach (var r in requested) stack.Push(Get(r).Name);
        while (stack.Count > 0)
        {
            var name = stack.Pop();
            if (!needed.Add(name)) continue;
            foreach (var up in _targets[name].UpstreamNames()) stack.Push(up);
        }
        var closure = new List<TargetSpec>(needed.Count);
        foreach (var name in Order)
            if (needed.Contains(name)) closure.Add(_targets[name]);
        return closure;
    }

    private static List<string> TopologicalOrder(Dictionary<string, TargetSpec> specs, List<string> declared)
    {
        var order = new List<string>();
        // Sets of strings, which every command makes anyway, rather than a Dictionary<string, int> of its own: each
        // generic instantiation's first use costs the runtime type loads.
        var done = new HashSet<string>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        void Visit(string name)
        {
            if (done.Contains(name)) return;
            if (!onPath.Add(name))
            {
                var cycle = path.Skip(path.IndexOf(name)).Append(name);
                throw new PipelineDefinitionException($"Circular dependency: {string.Join(" -> ", cycle)}.");
            }
            path.Add(name);
            foreach (var up in specs[name].UpstreamNames()) Visit(up);
            path.RemoveAt(path.Count - 1);
            onPath.Remove(name);
            done.Add(name);
            order.Add(name);
        }
        foreach (var name in declared) Visit(name);
        return order;
    }
}
