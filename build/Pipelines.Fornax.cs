using System.Globalization;
using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Pipelines;

/// <summary>
/// Fornax-shaped (the multi-archive light-curve notebook): a sample of objects, light curves fetched from several
/// archives in parallel (one partition per archive and chunk of the sample), merged into multi-band light curves per
/// chunk. The archives are HTTP services with their own limits and bad days: each has its own rate limit, a "try again
/// later" (HTTP 429/503, a dropped connection) exits 75 and is retried with backoff, anything else fails at once.
/// examples/fornax/run.sh starts pretend archives (examples/fornax/archive_server.py) and builds it.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("Fornax: objects in the sample")]
    readonly int FornaxObjects = 40;

    [Parameter("Fornax: objects per fetch request (a chunk of the sample)")]
    readonly int FornaxChunkSize = 10;

    [Parameter("Fornax: base URL of the light-curve archives (GET <url>/<archive>/lightcurves?ids=1,2,3)")]
    readonly string FornaxArchiveUrl = "http://127.0.0.1:8765";

    [Parameter("Fornax: requests a second the build sends each archive")]
    readonly int FornaxRequestsPerSecond = 2;

    static readonly string[] FornaxArchives = ["ztf", "wise", "ps1"];

    IEnumerable<int> FornaxChunks => Enumerable.Range(0, (FornaxObjects + FornaxChunkSize - 1) / Math.Max(1, FornaxChunkSize));

    Target FornaxSample => _ => _
        .Description("Fornax: the sample of objects (synthetic, seeded): id, ra, dec")
        .Parameter("objects", FornaxObjects)
        .Output("data/fornax/sample.csv")
        .Executes(ctx =>
        {
            var random = new Random(2026);
            using var csv = new StreamWriter(ctx.Output());
            csv.WriteLine("id,ra,dec");
            for (var id = 1; id <= FornaxObjects; id++)
                csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id},{random.NextDouble() * 360:F5},{random.NextDouble() * 180 - 90:F5}"));
        }, version: "1");

    Target FornaxFetch => _ => _
        .Description("Fornax: one archive's light curves of one chunk of the sample, over HTTP (rate-limited per archive, retried when the archive says later)")
        .DependsOn(FornaxSample)
        .Partitions(() => from archive in FornaxArchives from chunk in FornaxChunks select Key("archive", archive, "chunk", chunk))
        .Parameter("url", FornaxArchiveUrl)
        .Parameter("chunk_size", FornaxChunkSize)
        .Secret("FORNAX_ARCHIVE_TOKEN")
        .RateLimit(k => "fornax-" + k["archive"], FornaxRequestsPerSecond, RatePer.Second)
        .Retries(6, backoff: TimeSpan.FromSeconds(1), max: TimeSpan.FromSeconds(4))
        .RetryOn(75)
        .Output("out/fornax/fetched/{archive}/chunk{chunk}.csv")
        .Executes("python3", "-c", FornaxFetchScript, "{archive}", "{chunk}", "{param:chunk_size}", "{param:url}", "{deps:FornaxSample}", "{out}");

    Target FornaxLightCurves => _ => _
        .Description("Fornax: multi-band light curves of each chunk of the sample, merged from every archive")
        .DependsOn(FornaxFetch)
        .Partitions(() => FornaxChunks.Select(c => Key("chunk", c)))
        .Output("out/fornax/lightcurves/chunk{chunk}.csv")
        .Executes(ctx =>
        {
            var rows = new List<(int Id, double Mjd, string Line)>();
            foreach (var fetched in ctx.Upstream(nameof(FornaxFetch)))
            {
                var archive = fetched.Partition["archive"];
                foreach (var line in File.ReadLines(fetched.Output()).Where(l => l.Length > 0))
                {
                    var cells = line.Split(',');
                    rows.Add((int.Parse(cells[0], CultureInfo.InvariantCulture), double.Parse(cells[2], CultureInfo.InvariantCulture), $"{line},{archive}"));
                }
            }
            using var csv = new StreamWriter(ctx.Output());
            csv.WriteLine("id,band,mjd,mag,archive");
            foreach (var row in rows.OrderBy(r => r.Id).ThenBy(r => r.Mjd).ThenBy(r => r.Line, StringComparer.Ordinal)) csv.WriteLine(row.Line);
        }, version: "1");

    // One request per chunk; the token comes from the environment (a secret: never on a command line or in the state).
    // Exit 75 (EX_TEMPFAIL) when the archive says "later" or cannot be reached, so .RetryOn(75) retries only those.
    // No braces: the argv template reads them as placeholders.
    const string FornaxFetchScript = """
        import csv, os, sys, urllib.error, urllib.request
        archive, chunk, size, url, sample, out = sys.argv[1:7]
        chunk, size = int(chunk), int(size)
        with open(sample) as f:
            ids = [row["id"] for row in csv.DictReader(f)][chunk * size:(chunk + 1) * size]
        request = urllib.request.Request("%s/%s/lightcurves?ids=%s" % (url, archive, ",".join(ids)))
        request.add_header("Authorization", "Bearer " + os.environ["FORNAX_ARCHIVE_TOKEN"])
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
        except urllib.error.HTTPError as e:
            print("%s: HTTP %d %s" % (archive, e.code, e.reason), file=sys.stderr)
            sys.exit(75 if e.code in (429, 502, 503, 504) else 1)
        except (urllib.error.URLError, OSError) as e:
            print("%s: %s" % (archive, e), file=sys.stderr)
            sys.exit(75)
        with open(out, "wb") as f:
            f.write(body)
        """;
}
