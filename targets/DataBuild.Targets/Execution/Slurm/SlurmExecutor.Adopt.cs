using System.Globalization;
using DataBuild.Model;
using DataBuild.Slurm;

namespace DataBuild.Execution.Slurm;

public sealed partial class SlurmExecutor
{
    /// <summary>Nodes of arrays an earlier driver submitted that are still pending or running, or whose result waits on disk.</summary>
    private readonly Dictionary<string, (ArrayJob Array, Invocation Invocation, int Index, int Slot)> _adoptable = new(StringComparer.Ordinal);

    /// <summary>
    /// Finds the arrays recorded in the state and not yet done, with one squeue for all of them. A node is adoptable when its
    /// result file is there (written while no driver watched) or its task is still pending or running.
    /// </summary>
    public void Prepare(long runId)
    {
        _runId = runId;
        ResolveIntents();
        var open = state.OpenJobs();
        if (open.Count == 0) return;
        var arrays = new List<(ArrayJob Array, IReadOnlyList<Invocation> Lines, int Pack)>();
        foreach (var job in open)
        {
            var files = ArrayFiles.OfManifest(job.Manifest);
            if (!long.TryParse(job.JobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || fileSystem.Stat(files.Manifest) is null)
            {
                state.MarkJobDone(job.JobId);
                continue;
            }
            arrays.Add((new ArrayJob(id, files), files.ReadManifest(fileSystem), files.ReadPack(fileSystem)));
        }
        var live = LiveTasks(arrays.Select(a => a.Array.JobId).ToList());
        foreach (var (array, lines, pack) in arrays)
        {
            var found = 0;
            for (var n = 0; n < lines.Count; n++)
            {
                var (index, slot) = (n / pack, n % pack);
                var task = new SlurmTaskId(array.JobId, index);
                if (fileSystem.Stat(array.Files.Result(index, slot)) is null && live?.Contains(task) == false) continue;
                // Later arrays win: a retry's array supersedes the one whose task failed.
                _adoptable[lines[n].Node] = (array, lines[n], index, slot);
                found++;
            }
            if (found == 0) state.MarkJobDone(array.JobId.ToString(CultureInfo.InvariantCulture));
            else options.Log?.Invoke($"found job array {array.JobId} from an earlier run: {found} node(s) still running or with results to collect");
        }
    }

    /// <summary>How long a killed driver's sbatch (a process of its own, which outlives it) may take to answer after the intent was written.</summary>
    private static readonly TimeSpan SubmitGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Intents an earlier driver left without a job id (killed between writing the intent and recording sbatch's answer): the
    /// jobs of those names, found with one squeue (and sacct) call, become open jobs to adopt; a name Slurm does not know was
    /// never submitted, and its nodes are submitted again. When Slurm cannot answer, the build stops rather than risk a duplicate.
    /// </summary>
    private void ResolveIntents()
    {
        var intents = state.JobIntents();
        if (intents.Count == 0) return;
        var names = intents.Select(i => i.JobId).ToList();
        var since = intents.Min(i => i.Submitted);
        var found = FindByName(names, since) ?? throw Unresolved(names);
        // An sbatch still in flight when its driver died is not in the queue yet: wait out its grace and ask once more.
        var latest = intents.Max(i => i.Submitted);
        if (found.Count < names.Count && _clock.UtcNow - latest < SubmitGrace)
        {
            Thread.Sleep(SubmitGrace - (_clock.UtcNow - latest));
            found = FindByName(names, since) ?? throw Unresolved(names);
        }
        foreach (var name in names)
        {
            if (found.TryGetValue(name, out var id))
            {
                state.ResolveJobIntent(name, id.ToString(CultureInfo.InvariantCulture));
                options.Log?.Invoke($"found job array {id} ({name}) by its name: an earlier driver stopped before recording it");
            }
            else
            {
                state.DropJobIntent(name);
                options.Log?.Invoke($"job array {name} of an earlier driver never reached Slurm: its nodes are submitted afresh");
            }
        }
    }

    private static InvalidOperationException Unresolved(List<string> names) =>
        new($"An earlier driver may have submitted job array(s) {string.Join(", ", names)} without recording their ids, and Slurm " +
            "could not be asked (see the warning above). Rerun once `squeue` answers: submitting now could run them twice.");

    /// <summary>Job ids by job name, one squeue (and sacct) call for all; null when Slurm could not answer.</summary>
    private Dictionary<string, long>? FindByName(IReadOnlyCollection<string> names, DateTimeOffset since)
    {
        try
        {
            var jobs = client.JobsNamedAsync(names, since).GetAwaiter().GetResult();
            var byName = new Dictionary<string, long>(StringComparer.Ordinal);
            // Each submission has a name of its own; were one to match two jobs, following the first still submits nothing again.
            foreach (var job in jobs) byName.TryAdd(job.Name, job.JobId);
            return byName;
        }
        catch (Exception e) when (e is SlurmCommandException or TimeoutException)
        {
            options.Log?.Invoke($"warning: {e.Message}");
            return null;
        }
    }

    /// <summary>Tasks not yet finished, per one squeue; null when squeue could not answer (then every task counts as live, and the missing-task rule sorts it out).</summary>
    private HashSet<SlurmTaskId>? LiveTasks(List<long> jobIds)
    {
        if (jobIds.Count == 0) return [];
        try
        {
            QueuePolls++;
            var entries = client.QueueAsync(jobIds).GetAwaiter().GetResult();
            return entries.Where(e => !e.Class.IsFinal()).Select(e => e.Task).ToHashSet();
        }
        catch (Exception e) when (e is SlurmCommandException or TimeoutException)
        {
            options.Log?.Invoke($"warning: {e.Message}");
            return null;
        }
    }

    /// <summary>Waits for an earlier driver's task instead of submitting again, when it runs this node with the same task key.</summary>
    public bool TryAdopt(Invocation invocation)
    {
        if (!_adoptable.Remove(invocation.Node, out var found)) return false;
        if (found.Invocation.TaskKey != invocation.TaskKey)
        {
            // Its inputs or command changed since: that task builds something else now, so this node is built afresh.
            options.Log?.Invoke($"not adopting {invocation.Node} from job {found.Array.JobId}: its task key changed since it was submitted");
            return false;
        }
        if (!_arrays.TryGetValue(found.Array.JobId, out var array)) _arrays[found.Array.JobId] = array = found.Array;
        array.Add(new TrackedNode(found.Invocation with { Attempt = invocation.Attempt }, array, found.Index, found.Slot));
        Running++;
        return true;
    }
}
