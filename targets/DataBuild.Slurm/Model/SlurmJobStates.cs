namespace DataBuild.Slurm;

/// <summary>Parses state words from squeue and sacct and classifies them for an executor.</summary>
public static class SlurmJobStates
{
    private static readonly Dictionary<string, SlurmJobState> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        // Long names (squeue %T, sacct State) and the compact codes (squeue %t), side by side.
        ["PENDING"] = SlurmJobState.Pending, ["PD"] = SlurmJobState.Pending,
        ["CONFIGURING"] = SlurmJobState.Configuring, ["CF"] = SlurmJobState.Configuring,
        ["RUNNING"] = SlurmJobState.Running, ["R"] = SlurmJobState.Running,
        ["COMPLETING"] = SlurmJobState.Completing, ["CG"] = SlurmJobState.Completing,
        ["SUSPENDED"] = SlurmJobState.Suspended, ["S"] = SlurmJobState.Suspended,
        ["STOPPED"] = SlurmJobState.Stopped, ["ST"] = SlurmJobState.Stopped,
        ["REQUEUED"] = SlurmJobState.Requeued, ["RQ"] = SlurmJobState.Requeued,
        ["REQUEUE_HOLD"] = SlurmJobState.RequeueHold, ["RH"] = SlurmJobState.RequeueHold,
        ["REQUEUE_FED"] = SlurmJobState.RequeueFed, ["RF"] = SlurmJobState.RequeueFed,
        ["RESV_DEL_HOLD"] = SlurmJobState.ResvDelHold, ["RD"] = SlurmJobState.ResvDelHold,
        ["RESIZING"] = SlurmJobState.Resizing, ["RS"] = SlurmJobState.Resizing,
        ["SIGNALING"] = SlurmJobState.Signaling, ["SI"] = SlurmJobState.Signaling,
        ["STAGE_OUT"] = SlurmJobState.StageOut, ["SO"] = SlurmJobState.StageOut,
        ["COMPLETED"] = SlurmJobState.Completed, ["CD"] = SlurmJobState.Completed,
        ["FAILED"] = SlurmJobState.Failed, ["F"] = SlurmJobState.Failed,
        ["OUT_OF_MEMORY"] = SlurmJobState.OutOfMemory, ["OOM"] = SlurmJobState.OutOfMemory,
        ["TIMEOUT"] = SlurmJobState.Timeout, ["TO"] = SlurmJobState.Timeout,
        ["CANCELLED"] = SlurmJobState.Cancelled, ["CA"] = SlurmJobState.Cancelled,
        ["NODE_FAIL"] = SlurmJobState.NodeFail, ["NF"] = SlurmJobState.NodeFail,
        ["PREEMPTED"] = SlurmJobState.Preempted, ["PR"] = SlurmJobState.Preempted,
        ["BOOT_FAIL"] = SlurmJobState.BootFail, ["BF"] = SlurmJobState.BootFail,
        ["DEADLINE"] = SlurmJobState.Deadline, ["DL"] = SlurmJobState.Deadline,
        ["REVOKED"] = SlurmJobState.Revoked, ["RV"] = SlurmJobState.Revoked,
        ["SPECIAL_EXIT"] = SlurmJobState.SpecialExit, ["SE"] = SlurmJobState.SpecialExit,
    };

    /// <summary>
    /// Parses a state word. Tolerates what Slurm appends: "CANCELLED by 0" (the uid that cancelled),
    /// a trailing "+" (sacct's mark for a truncated column), and unknown words (Unknown, never an exception,
    /// so a newer Slurm cannot crash the driver).
    /// </summary>
    public static SlurmJobState Parse(string text, out int? cancelledByUid)
    {
        cancelledByUid = null;
        var trimmed = text.Trim();
        var space = trimmed.IndexOf(' ');
        var word = (space < 0 ? trimmed : trimmed[..space]).TrimEnd('+');
        if (space >= 0)
        {
            var rest = trimmed[(space + 1)..].Trim();
            if (rest.StartsWith("by ", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(rest[3..].Trim(), out var uid))
                cancelledByUid = uid;
        }
        return Words.TryGetValue(word, out var state) ? state : SlurmJobState.Unknown;
    }

    /// <summary>Parses a state word, ignoring who cancelled it.</summary>
    public static SlurmJobState Parse(string text) => Parse(text, out _);

    /// <summary>The class an executor acts on.</summary>
    public static SlurmStateClass Classify(this SlurmJobState state) => state switch
    {
        SlurmJobState.Pending or SlurmJobState.Configuring or SlurmJobState.Requeued
            or SlurmJobState.RequeueHold or SlurmJobState.RequeueFed or SlurmJobState.ResvDelHold
            => SlurmStateClass.Pending,
        // Completing: the script has ended but the epilog has not; the exit code is not final yet.
        SlurmJobState.Running or SlurmJobState.Completing or SlurmJobState.Suspended or SlurmJobState.Stopped
            or SlurmJobState.Resizing or SlurmJobState.Signaling or SlurmJobState.StageOut
            => SlurmStateClass.Running,
        SlurmJobState.Completed => SlurmStateClass.Completed,
        SlurmJobState.Failed or SlurmJobState.SpecialExit => SlurmStateClass.Failed,
        SlurmJobState.OutOfMemory => SlurmStateClass.OutOfMemory,
        // A deadline is a time limit the scheduler could not meet: more time, or a later deadline, is the fix.
        SlurmJobState.Timeout or SlurmJobState.Deadline => SlurmStateClass.Timeout,
        // Preemption and revocation are someone else's decision, not the task's fault: like a cancel.
        SlurmJobState.Cancelled or SlurmJobState.Preempted or SlurmJobState.Revoked => SlurmStateClass.Cancelled,
        SlurmJobState.NodeFail or SlurmJobState.BootFail => SlurmStateClass.NodeFailure,
        _ => SlurmStateClass.Unknown,
    };

    /// <summary>True once the state will not change again (the task has finished, well or badly).</summary>
    public static bool IsFinal(this SlurmStateClass c) =>
        c is not (SlurmStateClass.Pending or SlurmStateClass.Running or SlurmStateClass.Unknown);
}
