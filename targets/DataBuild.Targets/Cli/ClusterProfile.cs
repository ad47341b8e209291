using DataBuild.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataBuild.Cli;

/// <summary>
/// Reads a cluster profile (<c>databuild.yaml</c> in the working directory, or <c>--profile FILE</c>) and the command
/// line's <c>--set Target.key=value</c> into a <see cref="SchedulerProfile"/>. A profile is
/// <code>
/// defaults:            # every target, under what the pipeline declares
///   partition: debug
///   time: "00:30:00"
/// targets:             # by target name, over what the pipeline declares
///   Catalogs:
///     partition: long
/// driver:              # the driver's own job under --detach --executor slurm
///   time: "12:00:00"
/// notify: examples/notify/mail.sh ops@example.org   # under --notify
/// </code>
/// Every mistake names the file, line and key, with near names for a misspelt one.
/// </summary>
internal static class ClusterProfile
{
    public const string DefaultFile = "databuild.yaml";

    private static readonly string[] Sections = ["defaults", "targets", "driver", "notify"];

    /// <summary>The profile and overrides of this command line; empty when there is neither a profile file nor <c>--set</c>.</summary>
    public static SchedulerProfile Load(CommandLine line, string workingDirectory, IReadOnlyCollection<string> targets)
    {
        var path = line.Value("profile");
        if (path is not null && !File.Exists(path))
            throw new UsageException($"--profile {path}: no such file. Give the path of a cluster profile (YAML), or leave the option out to use ./{DefaultFile} when there is one.");
        path ??= Path.Combine(workingDirectory, DefaultFile) is var found && File.Exists(found) ? found : null;
        var profile = path is null ? SchedulerProfile.Empty : Parse(File.ReadAllText(path), Display(path, workingDirectory), targets);
        // The build-wide --partition, --account and --qos are this run's defaults: over the profile's, under what a target says.
        var flags = new SchedulerSettings();
        foreach (var name in (string[])["partition", "account", "qos"])
            if (line.Value(name) is { } value) flags = Setting(name, value, $"--{name} {value}", () => $"--{name}").Over(flags);
        profile = profile with { Defaults = flags.Over(profile.Defaults) };
        var driverFlags = new SchedulerSettings();
        foreach (var (option, name) in ((string, string)[])[("driver-partition", "partition"), ("driver-walltime", "time")])
            if (line.Value(option) is { } value) driverFlags = Setting(name, value, $"--{option} {value}", () => $"--{option}").Over(driverFlags);
        profile = profile with { Driver = driverFlags.Over(profile.Driver) };
        return line.Options.TryGetValue("set", out var sets) ? profile with { CommandLine = ParseSets(sets, targets) } : profile;
    }

    /// <summary>
    /// The model with each container's runtime chosen by the profile and <c>--set</c> (<c>container-runtime</c>), before
    /// any task key or up-to-date snapshot is computed from it; the profile is not read when no target runs in a container.
    /// </summary>
    public static PipelineModel WithContainerRuntimes(PipelineModel model, CommandLine line, string workingDirectory)
    {
        if (model.Targets.Values.All(t => t.Container is null)) return model;
        var profile = Load(line, workingDirectory, model.Declared);
        return model.WithContainerRuntimes(t => profile.ContainerRuntimeOf(t.Name, t.Container!.Runtime));
    }

    /// <summary>Parses a profile's text; <paramref name="file"/> is how errors name it.</summary>
    public static SchedulerProfile Parse(string text, string file, IReadOnlyCollection<string> targets)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsageException($"{file}:{e.Start.Line}: not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0) return SchedulerProfile.Empty;
        var root = Mapping(stream.Documents[0].RootNode, file, "the top level", "a mapping with 'defaults:' and 'targets:'");
        var profile = SchedulerProfile.Empty;
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Scalar(keyNode, file, "a section name");
            switch (key)
            {
                case "defaults":
                    profile = profile with { Defaults = Settings(value, file, "defaults") };
                    break;
                case "targets":
                    var byTarget = new Dictionary<string, SchedulerSettings>(StringComparer.Ordinal);
                    foreach (var (targetNode, settings) in Mapping(value, file, "targets", "a mapping of target name: settings").Children)
                    {
                        var target = Scalar(targetNode, file, "a target name");
                        if (!targets.Contains(target))
                            throw new UsageException($"{At(file, targetNode)}: the pipeline has no target '{target}'.{NearNames.Hint(target, targets)} " +
                                $"Targets are: {string.Join(", ", targets)}.");
                        byTarget[target] = Settings(settings, file, "targets." + target);
                    }
                    profile = profile with { ByTarget = byTarget };
                    break;
                case "driver":
                    profile = profile with { Driver = Settings(value, file, "driver") };
                    break;
                case "notify":
                    var command = Scalar(value, file, "the notify command").Trim();
                    if (command.Length == 0)
                        throw new UsageException($"{At(file, keyNode)}: notify needs a command, e.g. notify: examples/notify/mail.sh ops@example.org.");
                    profile = profile with { Notify = command };
                    break;
                default:
                    throw new UsageException($"{At(file, keyNode)}: unknown section '{key}'.{NearNames.Hint(key, Sections)} A profile has 'defaults:', 'targets:', 'driver:' and 'notify:'.");
            }
        }
        return profile;
    }

    /// <summary><c>--set Target.key=value</c>, each value one setting of one target.</summary>
    public static IReadOnlyDictionary<string, SchedulerSettings> ParseSets(IEnumerable<string> sets, IReadOnlyCollection<string> targets)
    {
        var byTarget = new Dictionary<string, SchedulerSettings>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            var eq = set.IndexOf('=');
            var dot = eq > 0 ? set.LastIndexOf('.', eq) : -1;
            if (dot <= 0)
                throw new UsageException($"--set {set}: expected Target.setting=value, e.g. --set Features.partition=debug.");
            var (target, name, value) = (set[..dot], set[(dot + 1)..eq], set[(eq + 1)..]);
            if (!targets.Contains(target))
                throw new UsageException($"--set {set}: the pipeline has no target '{target}'.{NearNames.Hint(target, targets)} Targets are: {string.Join(", ", targets)}.");
            var setting = Setting(name, value, $"--set {set}", () => $"--set {set}");
            byTarget[target] = byTarget.TryGetValue(target, out var earlier) ? setting.Over(earlier) : setting;
        }
        return byTarget;
    }

    private static SchedulerSettings Settings(YamlNode node, string file, string section)
    {
        var settings = new SchedulerSettings();
        foreach (var (keyNode, valueNode) in Mapping(node, file, section, "a mapping of setting: value").Children)
        {
            var name = Scalar(keyNode, file, "a setting name");
            var value = valueNode is YamlSequenceNode list && name == "sbatch-args"
                ? string.Join(' ', list.Children.Select(c => Scalar(c, file, "an sbatch argument")))
                : Scalar(valueNode, file, $"the value of {section}.{name}");
            settings = Setting(name, value, $"{At(file, keyNode)} ({section}.{name})", () => $"{At(file, keyNode)}: {section}.{name}").Over(settings);
        }
        return settings;
    }

    private static SchedulerSettings Setting(string name, string value, string origin, Func<string> where)
    {
        try
        {
            return SchedulerSettings.Parse(name, value, origin);
        }
        catch (FormatException e)
        {
            throw new UsageException(SchedulerSettings.Names.Contains(name) ? $"{where()} {e.Message}" : $"{where()}: {e.Message}");
        }
    }

    private static YamlMappingNode Mapping(YamlNode node, string file, string what, string expected) => node switch
    {
        YamlMappingNode map => map,
        YamlScalarNode { Value: null or "" } => new YamlMappingNode(),
        _ => throw new UsageException($"{At(file, node)}: {what} should be {expected}."),
    };

    private static string Scalar(YamlNode node, string file, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw new UsageException($"{At(file, node)}: expected {what}, a single value.");

    private static string At(string file, YamlNode node) => $"{file}:{node.Start.Line}";

    private static string Display(string path, string workingDirectory)
    {
        var relative = Path.GetRelativePath(workingDirectory, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
