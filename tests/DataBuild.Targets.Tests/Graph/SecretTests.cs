using DataBuild.Cli;
using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>A declared secret reaches the task's environment but never its key, the state or a message.</summary>
public sealed class SecretTests : IDisposable
{
    private const string Value = "kowalski-token-5f3a9c";
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class Fetch : Pipeline
    {
        Target Alerts => _ => _.Secret("KOWALSKI_TOKEN").Environment("SURVEY").Output("alerts.txt").Executes("write", "{out}", "alerts");
    }

    private Dictionary<string, string?> Environment => (Dictionary<string, string?>)_ws.Workspace.Environment;

    [Fact]
    public async Task A_changed_secret_rebuilds_nothing_and_its_value_is_in_no_recorded_input()
    {
        Environment["KOWALSKI_TOKEN"] = Value;
        Environment["SURVEY"] = "ztf";
        var first = await _ws.Build(new Fetch());
        Environment["KOWALSKI_TOKEN"] = "another-token-77";
        var second = await _ws.Build(new Fetch());

        Assert.Equal(["Alerts"], first.BuiltNodes());
        Assert.Empty(second.BuiltNodes());
        var build = _ws.State.LoadBuild(_ws.State.LoadNodes()["Alerts"].GoodBuild!.Value)!;
        var secret = Assert.Single(build.Inputs, i => i.Name == "secret:KOWALSKI_TOKEN");
        Assert.Equal("(secret: not recorded)", secret.Display);
        Assert.Contains(build.Inputs, i => i.Name == "env:SURVEY" && i.Display == "ztf"); // Environment(...) records its value
        Assert.DoesNotContain(build.Inputs, i => i.Display.Contains(Value, StringComparison.Ordinal) || i.Name.Contains(Value, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unset_secret_stops_the_build_before_any_task_runs_naming_it_and_its_target()
    {
        var model = PipelineModel.Load(new Fetch());

        var error = Assert.Throws<UsageException>(() => Commands.RequireSecrets(model, _ws.Workspace));

        Assert.Equal("Secret not set: KOWALSKI_TOKEN (declared by Alerts). Export it in the shell that runs the build; secrets are passed to tasks and never stored.", error.Message);
        Environment["KOWALSKI_TOKEN"] = Value;
        Commands.RequireSecrets(model, _ws.Workspace);
    }
}
