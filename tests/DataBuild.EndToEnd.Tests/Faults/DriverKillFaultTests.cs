using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// kill -9 of the driver at random moments of a 1000-task local build (FanoutAll), then reruns until it completes. Counts
/// lost outputs (missing or different from what a clean build writes), and repeats: executions (from the side log every
/// copy appends to as it starts) of nodes an earlier driver had reported built, i.e. recorded, before it was killed.
/// </summary>
public sealed class DriverKillFaultTests
{
    private const int Quads = 1000;

    [Fact]
    public async Task Random_SIGKILLs_of_the_driver_in_a_1000_task_build_lose_nothing_repeat_no_finished_task_and_end_with_clean_build_outputs()
    {
        var kills = FaultSuite.Long ? 50 : 10;
        var random = new Random(FaultSuite.Seed);
        int done = 0, lost = 0, repeated = 0, rounds = 0;
        var notes = new List<string>();
        while (done < kills)
        {
            rounds++;
            using var ws = new FanoutWorkspace(Quads);
            var sideLog = ws.File("executions.log");
            string[] args = ["-j", "2", "--fanout-task-seconds", "0.01", "--fanout-side-log", sideLog];
            var reported = new HashSet<string>(StringComparer.Ordinal); // nodes a killed driver reported built (recorded)
            while (done < kills)
            {
                var before = File.Exists(sideLog) ? File.ReadAllLines(sideLog).Length : 0;
                var driver = await ws.Start(args);
                var afterBuilt = random.Next(0, 80);
                if (afterBuilt == 0) await Task.Delay(random.Next(0, 1500)); // anywhere from start-up to the first tasks
                else
                {
                    try { await driver.WaitForBuiltLines(afterBuilt); } catch (InvalidOperationException) { /* the build ended first */ }
                    await Task.Delay(random.Next(0, 30));
                }
                driver.Kill();
                var run = await driver.WaitAsync();
                driver.Dispose();
                // Tasks the dead driver started may still run (they are not its children to reap): let them end.
                await Task.Delay(1000);
                repeated += RepeatsSince(sideLog, before, reported);
                if (run.ExitCode != 137)
                {
                    Assert.True(run.ExitCode == 0, $"a driver ended on its own with {run.ExitCode}:\n{run.Output}\n{run.Stderr}");
                    break; // the build finished before the signal: this round is over
                }
                done++;
                reported.UnionWith(run.Built);
            }
            var beforeFinal = File.Exists(sideLog) ? File.ReadAllLines(sideLog).Length : 0;
            var final = await ws.Build(args);
            Assert.True(final.ExitCode == 0, final.Output + final.Stderr);
            repeated += RepeatsSince(sideLog, beforeFinal, reported);
            lost += Lost(ws);
            var again = await ws.Build(args);
            Assert.Contains($"Nothing to do: all {Quads + Quads / 64 + 2} nodes are up to date", again.Output);
            notes.Add($"round {rounds}: {reported.Count} nodes reported built before kills");
        }

        FaultSuite.Record("driver SIGKILL, local 1000-task FanoutAll", done, lost, repeated, 0, $"seed {FaultSuite.Seed}; " + string.Join("; ", notes));
        Assert.Equal(kills, done);
        Assert.Equal(0, lost);
        Assert.Equal(0, repeated);
    }

    /// <summary>Executions logged after line <paramref name="from"/> of nodes already reported built.</summary>
    private static int RepeatsSince(string sideLog, int from, HashSet<string> reported) =>
        File.Exists(sideLog)
            ? File.ReadAllLines(sideLog).Skip(from).Count(q => reported.Contains(FanoutWorkspace.FeaturesNode(int.Parse(q))))
            : 0;

    /// <summary>Outputs missing or different from a clean build's: features/qI is raw/qI, groups of 64 and all.txt concatenate them.</summary>
    private static int Lost(FanoutWorkspace ws)
    {
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var q = 0; q < Quads; q++) expected[$"features/q{q}"] = $"quad {q}\n";
        for (var g = 0; g * 64 < Quads; g++)
            expected[$"groups/g{g}"] = string.Concat(Enumerable.Range(g * 64, Math.Min(64, Quads - g * 64)).Select(q => $"quad {q}\n"));
        expected["all.txt"] = string.Concat(Enumerable.Range(0, Quads).Select(q => $"quad {q}\n"));
        var actual = ws.Outputs();
        return expected.Count(e => !actual.TryGetValue(e.Key, out var text) || text != e.Value) + actual.Keys.Count(k => !expected.ContainsKey(k));
    }
}
