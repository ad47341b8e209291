using DataBuild.Cli;
using DataBuild.Model;

namespace DataBuild.Targets.Tests.Cli;

public sealed class ClusterProfileTests
{
    private static readonly string[] Targets = ["Catalogs", "Features", "Summary"];

    private static SchedulerProfile Parse(string yaml) => ClusterProfile.Parse(yaml, "databuild.yaml", Targets);

    private static string Refused(string yaml) => Assert.Throws<UsageException>(() => Parse(yaml)).Message;

    [Fact]
    public void A_profile_gives_defaults_for_every_target_and_settings_by_target_name()
    {
        var profile = Parse("""
            defaults:
              partition: debug
              account: desi
              time: "00:30:00"
            targets:
              Catalogs:
                partition: long
                time: 1-12:00:00
                qos: shared
                constraint: haswell
                gpus: 1
                gpu-option: gpus-per-task
                cpus-per-gpu: 32
                sbatch-args: [--exclusive, --mail-type=END]
                signal: 300
            """);

        Assert.Equal(("debug", "desi", TimeSpan.FromMinutes(30)), (profile.Defaults.Partition, profile.Defaults.Account, profile.Defaults.Walltime));
        var catalogs = profile.ByTarget["Catalogs"];
        Assert.Equal(("long", "shared", "haswell", 1, GpuOption.GpusPerTask, 32, 300),
            (catalogs.Partition, catalogs.Qos, catalogs.Constraint, catalogs.Gpus, catalogs.GpuOption, catalogs.CpusPerGpu, catalogs.SignalSeconds));
        Assert.Equal(TimeSpan.FromHours(36), catalogs.Walltime);
        Assert.Equal(["--exclusive", "--mail-type=END"], catalogs.SbatchArguments);
        Assert.Equal("databuild.yaml:8 (targets.Catalogs.time)", catalogs.Origins["time"]);
    }

    [Fact]
    public void A_misspelt_setting_is_refused_with_file_line_and_the_near_name()
    {
        var message = Refused("""
            targets:
              Catalogs:
                partiton: long
            """);

        Assert.StartsWith("databuild.yaml:3: targets.Catalogs.partiton: unknown setting 'partiton'. Did you mean 'partition'?", message);
    }

    [Fact]
    public void A_target_the_pipeline_does_not_have_is_refused_with_the_near_name_and_the_list()
    {
        Assert.Equal("databuild.yaml:2: the pipeline has no target 'Catalog'. Did you mean 'Catalogs'? Targets are: Catalogs, Features, Summary.",
            Refused("targets:\n  Catalog:\n    partition: long\n"));
    }

    [Theory]
    [InlineData("defaults:\n  time: soon\n", "databuild.yaml:2: defaults.time needs a time as Slurm writes it (minutes, HH:MM:SS or D-HH:MM:SS), got 'soon'.")]
    [InlineData("defaults:\n  gpus: -1\n", "databuild.yaml:2: defaults.gpus needs a whole number, got '-1'.")]
    [InlineData("defaults:\n  gpu-option: mig\n", "databuild.yaml:2: defaults.gpu-option is 'gres' or 'gpus-per-task', got 'mig'.")]
    [InlineData("default:\n  partition: x\n", "databuild.yaml:1: unknown section 'default'. Did you mean 'defaults'? A profile has 'defaults:', 'targets:', 'driver:' and 'notify:'.")]
    [InlineData("notify: ''\n", "databuild.yaml:1: notify needs a command, e.g. notify: examples/notify/mail.sh ops@example.org.")]
    [InlineData("defaults: [a, b]\n", "databuild.yaml:1: defaults should be a mapping of setting: value.")]
    public void A_wrong_value_names_its_line_key_and_what_is_expected(string yaml, string error)
    {
        Assert.Equal(error, Refused(yaml));
    }

    [Fact]
    public void The_notify_command_of_a_profile_is_read_as_written()
    {
        Assert.Equal("examples/notify/mail.sh ops@example.org", Parse("notify: examples/notify/mail.sh ops@example.org\n").Notify);
        Assert.Null(Parse("defaults:\n  partition: debug\n").Notify);
    }

    [Fact]
    public void Broken_YAML_is_refused_with_its_line()
    {
        var message = Refused("defaults:\n  partition: [long\n");

        Assert.Matches(@"^databuild\.yaml:[23]: not valid YAML: ", message);
    }

    [Fact]
    public void Set_overrides_one_setting_of_one_target_and_later_ones_win()
    {
        var sets = ClusterProfile.ParseSets(["Features.partition=debug", "Features.time=10", "Features.partition=gpu"], Targets);

        Assert.Equal(("gpu", TimeSpan.FromMinutes(10)), (sets["Features"].Partition, sets["Features"].Walltime));
        Assert.Equal("--set Features.partition=gpu", sets["Features"].Origins["partition"]);
    }

    [Theory]
    [InlineData("partition=debug", "--set partition=debug: expected Target.setting=value, e.g. --set Features.partition=debug.")]
    [InlineData("Feature.partition=debug", "--set Feature.partition=debug: the pipeline has no target 'Feature'. Did you mean 'Features'? Targets are: Catalogs, Features, Summary.")]
    [InlineData("Features.qoss=x", "--set Features.qoss=x: unknown setting 'qoss'. Did you mean 'qos'? Settings are: partition, account, qos, constraint, gpus, gpu-option, cpus-per-gpu, time, sbatch-args, signal, container-runtime.")]
    public void A_wrong_set_is_refused_with_what_to_write(string set, string error)
    {
        Assert.Equal(error, Assert.Throws<UsageException>(() => ClusterProfile.ParseSets([set], Targets)).Message);
    }

    [Fact]
    public void The_profile_in_the_working_directory_is_read_and_set_goes_over_it()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "databuild.yaml"), "targets:\n  Features:\n    partition: long\n    account: a\n");
        var line = CommandLine.Parse(["Features", "--set", "Features.partition=debug"], new HashSet<string>());

        var profile = ClusterProfile.Load(line, dir.Path, Targets);

        var resolved = profile.Resolve("Features", _ => new SchedulerSettings());
        Assert.Equal(("debug", "a"), (resolved.Partition, resolved.Account));
    }

    [Fact]
    public void The_build_wide_partition_option_is_over_the_profile_defaults_and_under_a_target_setting()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "databuild.yaml"), "defaults:\n  partition: debug\n  account: a\n");
        var line = CommandLine.Parse(["Features", "--partition", "short"], new HashSet<string>());

        var profile = ClusterProfile.Load(line, dir.Path, Targets);

        Assert.Equal(("short", "a"), (profile.Defaults.Partition, profile.Defaults.Account));
        Assert.Equal("long", profile.Resolve("Features", _ => new SchedulerSettings { Partition = "long" }).Partition);
    }

    [Fact]
    public void A_profile_option_naming_a_missing_file_is_a_usage_error()
    {
        var line = CommandLine.Parse(["Features", "--profile", "/nonexistent/cluster.yaml"], new HashSet<string>());

        var e = Assert.Throws<UsageException>(() => ClusterProfile.Load(line, "/tmp", Targets));

        Assert.StartsWith("--profile /nonexistent/cluster.yaml: no such file.", e.Message);
    }

    [Fact]
    public void The_test_cluster_profile_in_the_repository_puts_Catalogs_on_the_long_partition_with_its_checkpoint_warning_and_the_rest_on_debug()
    {
        var path = Path.Combine(Repository.Root, "profiles", "test-cluster.yaml");

        var profile = ClusterProfile.Parse(File.ReadAllText(path), "profiles/test-cluster.yaml", ["Zeropoints", "Catalogs", "Sweeps"]);

        Assert.Equal("long", profile.Resolve("Catalogs", _ => new SchedulerSettings()).Partition);
        Assert.Equal("debug", profile.Resolve("Sweeps", _ => new SchedulerSettings()).Partition);
        Assert.Equal(TimeSpan.FromHours(2), profile.ByTarget["Catalogs"].Walltime);
        Assert.Equal(60, profile.Resolve("Catalogs", _ => new SchedulerSettings()).SignalSeconds);
        Assert.Null(profile.Resolve("Sweeps", _ => new SchedulerSettings()).SignalSeconds);
    }
}
