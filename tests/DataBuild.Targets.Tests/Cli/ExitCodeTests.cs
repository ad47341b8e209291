using DataBuild.Cli;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.State;

namespace DataBuild.Targets.Tests.Cli;

public class ExitCodeTests
{
    private static (int Code, string Printed) Reported(Exception e)
    {
        var error = new StringWriter();
        var code = DataBuildHost.Report(e, error);
        return (code, error.ToString());
    }

    [Fact]
    public void Usage_errors_and_wrong_pipeline_definitions_exit_2_with_their_message()
    {
        Assert.Equal((2, "error: Unknown option --nope.\n"), Reported(new UsageException("Unknown option --nope.")));
        Assert.Equal((2, "error: Circular dependency: A -> B -> A.\n"), Reported(new PipelineDefinitionException("Circular dependency: A -> B -> A.")));
    }

    [Fact]
    public void A_usage_error_echoing_what_was_typed_stays_one_line_with_control_characters_escaped()
    {
        Assert.Equal((2, "error: Unknown target 'Fan\\nout\\u0000\\u202e'.\n"), Reported(new UsageException("Unknown target 'Fan\nout\u0000\u202e'.")));
    }

    [Fact]
    public void State_database_errors_name_the_database_and_say_what_to_do()
    {
        var (code, printed) = Reported(new DataBuild.State.StateDatabaseException(5, "database is locked"));

        Assert.Equal(1, code);
        Assert.Equal($"error: the state database {Path.GetFullPath(".databuild/state.db")}: SQLite error 5: 'database is locked'. " +
            "Another process holds a lock on it (a sqlite3 shell, a backup?): close it and rerun.\n", printed);
    }

    [Fact]
    public void An_unrelated_error_whose_message_starts_like_a_definition_error_is_a_build_failure()
    {
        var (code, printed) = Reported(new InvalidOperationException("Target temperature exceeded"));

        Assert.Equal(1, code);
        Assert.StartsWith("error: InvalidOperationException: Target temperature exceeded\n", printed);
    }

    [Fact]
    public void State_problems_exit_1_with_their_message_only()
    {
        Assert.Equal((1, "error: the state database is corrupt\n"), Reported(new StateException("the state database is corrupt")));
    }

    [Fact]
    public void A_build_refused_because_another_driver_holds_the_lock_exits_75_so_a_cron_job_can_tell_a_skipped_night()
    {
        Assert.Equal((75, "error: Another DataBuild driver is using /x/.databuild (pid 12).\n"), Reported(new LockedException("Another DataBuild driver is using /x/.databuild (pid 12).")));
    }

    [Fact]
    public void Every_declaration_error_of_the_DSL_is_a_pipeline_definition_error()
    {
        Assert.Throws<PipelineDefinitionException>(() => PipelineModel.Load(new NoOutputs()));
        Assert.Throws<PipelineDefinitionException>(() => PipelineModel.Load(new TwiceTheOutput()));
        Assert.Throws<PipelineDefinitionException>(() => PipelineModel.Load(new EmptyCommand()));
    }

    private sealed class NoOutputs : Pipeline
    {
        Target Lonely => _ => _.Executes("true");
    }

    private sealed class TwiceTheOutput : Pipeline
    {
        Target Twice => _ => _.Output("a", "a.txt").Output("a", "b.txt").Executes("true");
    }

    private sealed class EmptyCommand : Pipeline
    {
        Target Nothing => _ => _.Output("a.txt").Executes();
    }
}
