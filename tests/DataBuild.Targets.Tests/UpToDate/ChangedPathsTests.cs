using DataBuild.Model;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.UpToDate;

/// <summary>
/// Which nodes rest on a changed path, and which changed paths no node claims: the answer must be the one of
/// expanding every node's paths and comparing them with every changed path (a file, or a directory above one), for
/// any template shape and partition value, whether or not a node's path is expanded to find it out.
/// </summary>
public sealed class ChangedPathsTests
{
    private static readonly string[] Templates =
        ["raw/q{q}", "out/{q}/x.txt", "dir/{q}/", "{q}", "a/{q}b", "lists/{q}", "fixed.txt", "tree/{q}", "g/{q}/{r}.txt"];

    private static readonly string[] Values = ["1", "7", "17", "71", "b", "bb", "x.txt", "7.x"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Touches_and_unclaimed_paths_agree_with_expanding_every_path(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var templates = Templates.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            var target = new TargetSpec
            {
                Name = "T",
                Inputs = templates.Skip(1).Select((t, i) => new InputSpec(InputKind.File, $"in{i}", t)).ToList(),
                Outputs = [new OutputSpec("out", templates[0], IsDirectory: false)],
            };
            var keys = Values.OrderBy(_ => random.Next()).Take(random.Next(1, Values.Length)).Select(v => PartitionKey.Of(("q", v), ("r", "1"))).ToList();
            var paths = keys.SelectMany(k => templates.Select(t => PathTemplate.Expand(t, k, "T"))).ToList();
            var changed = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Mutate(paths[random.Next(paths.Count)], random)).Distinct().ToList();

            var subject = new ChangedPaths(changed);
            var touched = keys.Select(k => subject.Touches(target, k)).ToList();

            var expected = keys.Select(k => templates.Any(t => Covers(PathTemplate.Expand(t, k, "T"), changed))).ToList();
            var claimed = changed.Where(c => keys.Any(k => templates.Any(t => Covers(PathTemplate.Expand(t, k, "T"), [c])))).ToHashSet();
            var why = $"seed {seed}, round {round}: templates [{string.Join(", ", templates)}], changed [{string.Join(", ", changed)}]";
            Assert.True(expected.SequenceEqual(touched), why);
            Assert.True(changed.Where(c => !claimed.Contains(c)).Order().SequenceEqual(subject.Unattributed.Order()), why);
        }
    }

    // A node's path rests on a changed path that is it, or that lies under it as a directory.
    private static bool Covers(string path, IEnumerable<string> changed)
    {
        var directory = path.TrimEnd('/');
        return changed.Any(c => c == path || (directory.Length > 0 && c.Length > directory.Length && c[directory.Length] == '/' && c.StartsWith(directory, StringComparison.Ordinal)));
    }

    private static string Mutate(string path, Random random) => random.Next(5) switch
    {
        0 => path + "/inner.txt",
        1 => path.Length > 1 ? path[..^1] : path,
        2 => path + "x",
        _ => path,
    };
}
