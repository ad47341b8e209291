using System.Globalization;
using System.Text;
using DataBuild.Model;
using DataBuild.Slurm;

namespace DataBuild.Cli;

/// <summary>
/// <c>--detach --executor slurm</c>: the driver itself as a small Slurm job (1 CPU), its output in
/// <c>.databuild/detached/driver-&lt;job&gt;.log</c>. Warned by SIGUSR1 before its own time limit, a driver job submits
/// the next link of its chain (the same command, after itself) and leaves its arrays running for that one to adopt.
/// </summary>
internal static class DriverJob
{
    public const string JobName = "databuild-driver";

    /// <summary>The hidden option that tells a driver it is link N of a chain of driver jobs.</summary>
    public const string LinkOption = "driver-link";

    /// <summary>Links a chain has at most unless <c>--driver-links</c> says otherwise.</summary>
    public const int DefaultLinks = 10;

    public const string DefaultMemory = "2G";

    // Constant: the driver's argv comes as the script's arguments, never inside a shell string. exec keeps the driver the
    // batch shell, which is what --signal=B:USR1 warns.
    private const string Script = "#!/bin/sh\n# The DataBuild driver as a Slurm job (--detach --executor slurm); its arguments are the driver's command line.\nexec \"$@\"\n";

    /// <summary>The driver of link <paramref name="link"/>: the same arguments without <c>--detach</c> nor an earlier link number.</summary>
    public static List<string> ArgumentsOfLink(IReadOnlyList<string> arguments, int link)
    {
        var kept = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--detach" || arguments[i].StartsWith($"--{LinkOption}=", StringComparison.Ordinal)) continue;
            if (arguments[i] == $"--{LinkOption}") { i++; continue; }
            kept.Add(arguments[i]);
        }
        kept.Add($"--{LinkOption}={link.ToString(CultureInfo.InvariantCulture)}");
        return kept;
    }

    /// <summary>The link number of this driver (1 for the first driver job), or null when it is not a driver job.</summary>
    public static int? Link(CommandLine line) =>
        line.Value(LinkOption) is not { } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new UsageException($"--{LinkOption} is set by --detach for a driver job; got '{text}', not a positive whole number.");

    /// <summary>How many driver jobs a chain may have (<c>--driver-links</c>).</summary>
    public static int Links(CommandLine line) =>
        line.Value("driver-links") is not { } text ? DefaultLinks
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new UsageException($"--driver-links needs a positive whole number (how many driver jobs may follow each other), got '{text}'.");

    /// <summary>Seconds before its time limit that a driver job is warned: a quarter of the limit, from 30 s to 5 minutes.</summary>
    public static int SignalSeconds(SchedulerSettings settings) =>
        settings.SignalSeconds ?? (settings.Walltime is { } limit ? (int)Math.Clamp(limit.TotalSeconds / 4, 30, 300) : 300);

    /// <summary>
    /// The sbatch options of a driver job: the profile's <c>driver:</c> settings (and <c>--driver-*</c>) over its
    /// defaults' partition, account and QoS; after job <paramref name="after"/> ends, when it continues a chain.
    /// </summary>
    public static List<string> SbatchOptions(SchedulerProfile profile, string workspaceDirectory, long? after)
    {
        var own = profile.Driver.Over(new SchedulerSettings { Partition = profile.Defaults.Partition, Account = profile.Defaults.Account, Qos = profile.Defaults.Qos });
        var options = new List<string>
        {
            $"--job-name={JobName}", "--ntasks=1", "--cpus-per-task=1", $"--mem={DefaultMemory}",
            $"--chdir={workspaceDirectory}", $"--output={LogPattern(workspaceDirectory)}", "--open-mode=append",
            $"--signal=B:USR1@{SignalSeconds(own).ToString(CultureInfo.InvariantCulture)}",
        };
        if (own.Walltime is { } time) options.Add($"--time={SlurmDuration.Format(time)}");
        if (own.Partition is { } partition) options.Add($"--partition={partition}");
        if (own.Account is { } account) options.Add($"--account={account}");
        if (own.Qos is { } qos) options.Add($"--qos={qos}");
        if (after is { } job) options.Add($"--dependency=afterany:{job.ToString(CultureInfo.InvariantCulture)}");
        options.AddRange(own.SbatchArguments ?? []); // after ours, so that e.g. a --mem there wins
        return options;
    }

    public static string LogPattern(string workspaceDirectory) => $"{workspaceDirectory}/.databuild/detached/driver-%j.log";

    /// <summary>Submits link <paramref name="link"/> of the chain and returns its job id and log.</summary>
    public static (long Job, string Log) Submit(ISlurmClient client, Workspace workspace, SchedulerProfile profile, IReadOnlyList<string> arguments,
        int link, long? after)
    {
        var program = Environment.ProcessPath ?? throw new UsageException("--detach cannot find this program's path; submit the driver yourself (sbatch) instead.");
        var directory = Path.GetFullPath(workspace.FileSystem.FullPath("."));
        var script = $"{workspace.StateDirectory}/detached/driver.sh";
        workspace.FileSystem.CreateDirectory($"{workspace.StateDirectory}/detached");
        using (var stream = workspace.FileSystem.Create(script)) stream.Write(Encoding.UTF8.GetBytes(Script));
        var job = client.SubmitWithArgumentsAsync(workspace.FileSystem.FullPath(script), SbatchOptions(profile, directory, after),
            [program, .. ArgumentsOfLink(arguments, link)]).GetAwaiter().GetResult();
        return (job, LogPattern(directory).Replace("%j", job.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    /// <summary><c>--detach --executor slurm</c>: submits the first driver job and says how to follow it.</summary>
    public static int Start(ISlurmClient client, Workspace workspace, SchedulerProfile profile, IReadOnlyList<string> arguments, int links, TextWriter o)
    {
        var (job, log) = Submit(client, workspace, profile, arguments, 1, after: null);
        o.WriteLine($"Detached: the driver runs as Slurm job {job.ToString(CultureInfo.InvariantCulture)} ({JobName}, resubmitting itself near its time limit up to {links} times in all), its output goes to {log}.");
        o.WriteLine($"Watch it with: ./build.sh status --watch (in {Path.GetFullPath(workspace.FileSystem.FullPath("."))}), squeue --name={JobName}, or tail -f {log}");
        return DataBuildHost.Ok;
    }

    /// <summary>
    /// The time limit of driver job <paramref name="currentJob"/> (link <paramref name="link"/>) is near: submits the next
    /// link after it, unless this is the last. Returns what to print, and whether a next link continues the build.
    /// </summary>
    public static (string Message, bool Continued) NearTimeLimit(ISlurmClient client, Workspace workspace, SchedulerProfile profile,
        IReadOnlyList<string> arguments, int link, int links, long? currentJob)
    {
        var me = currentJob is { } id ? $"Driver job {id.ToString(CultureInfo.InvariantCulture)}" : "This driver job";
        if (link >= links)
            return ($"{me} is near its time limit and is link {link} of at most {links} (--driver-links): no next driver job. " +
                "Its running arrays go on; run the same command again to adopt them and finish the build.", false);
        var (job, log) = Submit(client, workspace, profile, arguments, link + 1, currentJob);
        return ($"{me} is near its time limit: submitted driver job {job.ToString(CultureInfo.InvariantCulture)} (link {link + 1} of at most {links}) " +
            $"to continue once this one ends, its output in {log}; this driver stops here and leaves its running arrays to it.", true);
    }
}
