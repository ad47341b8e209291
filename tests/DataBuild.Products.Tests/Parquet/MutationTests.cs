using System.Diagnostics;
using DataBuild.Products.Parquet;
using DataBuild.Products.Tests.Support;
using Xunit;

namespace DataBuild.Products.Tests.Parquet;

/// <summary>
/// Flips and truncates bytes of the golden files thousands of times. Each case must either read
/// or throw <see cref="ParquetFormatException"/>, quickly: no other exception, hang or huge allocation.
/// </summary>
public class MutationTests
{
    private const int CasesPerFile = 1500;
    private static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Every_mutated_golden_file_reads_or_throws_the_typed_exception()
    {
        var random = new Random(20261121);
        var failures = new List<string>();
        int cases = 0, typed = 0;
        var clock = Stopwatch.StartNew();
        foreach (var path in Directory.GetFiles(RepositoryPaths.Golden, "*.parquet").Order())
        {
            var original = File.ReadAllBytes(path);
            for (int i = 0; i < CasesPerFile; i++, cases++)
            {
                var (bytes, what) = Mutate(original, random);
                string name = $"{Path.GetFileName(path)} with {what}";
                var run = Task.Run(() => ReadEverything(bytes, name));
                if (await Task.WhenAny(run, Task.Delay(PerCaseLimit)) != run)
                {
                    failures.Add($"{name}: did not finish within {PerCaseLimit.TotalSeconds} s");
                    continue;
                }
                if (await run is { } error)
                {
                    if (error is ParquetFormatException)
                        typed++;
                    else
                        failures.Add($"{name}: {error.GetType().Name}: {error.Message}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} mutations escaped:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(typed > cases / 4, $"only {typed} of {cases} mutations were detected; is the mutator mutating?");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{cases} cases took {clock.Elapsed}");
    }

    private static Exception? ReadEverything(byte[] bytes, string name)
    {
        try
        {
            using var file = ParquetFile.Open(bytes, name);
            foreach (var group in file.RowGroups())
                for (int c = 0; c < file.Schema.Count; c++)
                    group.ReadColumn(c);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    // Half the mutations hit the footer, where one byte steers every offset and length.
    private static (byte[] Bytes, string What) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        int footerLength = BitConverter.ToInt32(original, original.Length - 8);
        int footerStart = Math.Max(0, original.Length - 8 - footerLength);
        switch (random.Next(4))
        {
            case 0:
                int cut = random.Next(original.Length);
                return (bytes.AsSpan(0, cut).ToArray(), $"truncated to {cut} bytes");
            case 1:
                int at = random.Next(footerStart, original.Length);
                bytes[at] ^= (byte)random.Next(1, 256);
                return (bytes, $"footer byte {at} flipped");
            case 2:
                int anywhere = random.Next(original.Length);
                bytes[anywhere] ^= (byte)random.Next(1, 256);
                return (bytes, $"byte {anywhere} flipped");
            default:
                var positions = Enumerable.Range(0, 4).Select(_ => random.Next(original.Length)).ToArray();
                foreach (int p in positions)
                    bytes[p] = (byte)random.Next(256);
                return (bytes, $"bytes {string.Join(",", positions)} randomised");
        }
    }
}
