using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>Records what would have been started detached, and answers with a made-up pid.</summary>
public sealed class FakeBackgroundLauncher : IBackgroundLauncher
{
    public List<(IReadOnlyList<string> Argv, string WorkingDirectory, string LogPath)> Started { get; } = [];

    public int Start(IReadOnlyList<string> argv, string workingDirectory, string logPath)
    {
        Started.Add((argv.ToList(), workingDirectory, logPath));
        return 4242;
    }
}
