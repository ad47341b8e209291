using System.Collections;
using DataBuild.Model;
using Microsoft.Build.Framework;

namespace DataBuild.Targets.Tests.Model;

public sealed class CommandTaskTests
{
    private sealed class Shell(string script) : CommandTask
    {
        protected override string ToolName => "sh";

        protected override IEnumerable<string> Arguments() => ["-c", script, "shell", "an argument with spaces; and $(no expansion)"];
    }

    private sealed class RecordingEngine : IBuildEngine
    {
        public List<string> Messages { get; } = [];
        public List<string> Errors { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "";
        public void LogErrorEvent(BuildErrorEventArgs e) { lock (Errors) Errors.Add(e.Message!); }
        public void LogWarningEvent(BuildWarningEventArgs e) { }
        public void LogMessageEvent(BuildMessageEventArgs e) { lock (Messages) Messages.Add(e.Message!); }
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string p, string[] t, IDictionary g, IDictionary o) => false;
    }

    [Fact]
    public void Passes_arguments_as_argv_and_logs_both_output_streams()
    {
        var engine = new RecordingEngine();
        var task = new Shell("echo \"out:$1\"; echo err >&2") { BuildEngine = engine };

        Assert.True(task.Execute());

        Assert.Contains("out:an argument with spaces; and $(no expansion)", engine.Messages);
        Assert.Contains("err", engine.Messages);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void A_non_zero_exit_fails_with_the_command_line_and_exit_code()
    {
        var engine = new RecordingEngine();
        var task = new Shell("exit 3") { BuildEngine = engine };

        Assert.False(task.Execute());

        Assert.Equal(3, task.ExitCode);
        Assert.Contains("exited with code 3", Assert.Single(engine.Errors));
    }
}
