using System.Diagnostics;

namespace DataBuild.Slurm.Tests;

public class SbatchScriptTests
{
    private static readonly SbatchSpec Spec = new(
        JobName: "quad-calibrate",
        ArrayFirst: 0,
        ArrayLast: 49,
        Command: ["databuild", "worker", "--manifest", "/scratch/run 1/quad.manifest"],
        OutputPath: "/scratch/logs/%A_%a.out",
        ErrorPath: "/scratch/logs/%A_%a.err",
        Throttle: 4,
        CpusPerTask: 2,
        MemoryBytes: 4L * 1024 * 1024 * 1024,
        Gpus: 1,
        TimeLimit: TimeSpan.FromMinutes(90),
        Partition: "debug",
        Account: "astro",
        Qos: "normal",
        ExtraArguments: ["--constraint=avx512", "--comment=run 1"]);

    [Fact]
    public void Renders_every_resource_as_an_sbatch_line()
    {
        var lines = SbatchScript.Render(Spec).Split('\n');

        Assert.Equal("#!/bin/bash", lines[0]);
        Assert.Contains("#SBATCH --job-name=quad-calibrate", lines);
        Assert.Contains("#SBATCH --array=0-49%4", lines);
        Assert.Contains("#SBATCH --cpus-per-task=2", lines);
        Assert.Contains("#SBATCH --mem=4G", lines);
        Assert.Contains("#SBATCH --gres=gpu:1", lines);
        Assert.Contains("#SBATCH --time=0-01:30:00", lines);
        Assert.Contains("#SBATCH --partition=debug", lines);
        Assert.Contains("#SBATCH --account=astro", lines);
        Assert.Contains("#SBATCH --qos=normal", lines);
        Assert.Contains("#SBATCH --output=/scratch/logs/%A_%a.out", lines);
        Assert.Contains("#SBATCH --error=/scratch/logs/%A_%a.err", lines);
        Assert.Contains("#SBATCH --constraint=avx512", lines);
    }

    [Fact]
    public void Double_quotes_an_sbatch_value_with_a_space_because_sbatch_splits_on_it() =>
        Assert.Contains("#SBATCH \"--comment=run 1\"", SbatchScript.Render(Spec).Split('\n'));

    [Fact]
    public void Quotes_the_worker_argv_for_bash() =>
        Assert.Contains("exec databuild worker --manifest '/scratch/run 1/quad.manifest'", SbatchScript.Render(Spec).Split('\n'));

    [Fact]
    public void Leaves_out_resources_that_are_not_set()
    {
        var script = SbatchScript.Render(new SbatchSpec("j", 0, 0, ["true"], "log_%A_%a"));

        Assert.DoesNotContain("--mem", script);
        Assert.DoesNotContain("--gres", script);
        Assert.Contains("#SBATCH --array=0\n", script);
    }

    [Fact]
    public void Refuses_a_value_an_sbatch_line_cannot_carry()
    {
        var e = Assert.Throws<ArgumentException>(() => SbatchScript.Render(Spec with { Partition = "a\"b" }));
        Assert.Contains("The partition 'a\"b' contains a double quote", e.Message);
    }

    [Fact]
    public void Refuses_a_job_without_a_command()
    {
        var e = Assert.Throws<ArgumentException>(() => SbatchScript.Render(Spec with { Command = [] }));
        Assert.Contains("Job 'quad-calibrate' has no command", e.Message);
    }

    [Fact]
    public void Bash_receives_the_worker_argv_byte_for_byte()
    {
        string[] argv = ["it's", "$HOME", "`id`", "a b", "*", "", "new\nline", "back\\slash", "!x", "ünï"];
        using var dir = new TempDirectory();
        var script = SbatchScript.Render(new SbatchSpec("j", 0, 0, ["printf", "%s\\0", .. argv], "log"));
        File.WriteAllText(dir.File("s.sh"), script);

        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        info.ArgumentList.Add(dir.File("s.sh"));
        using var bash = Process.Start(info)!;
        var output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();

        Assert.Equal(argv, output.Split('\0')[..^1]);
    }
}
