using System.Globalization;
using System.Text;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Pipelines;

/// <summary>
/// Transient photometry shaped like phrosty (Roman SN difference imaging, which runs only in a container with a GPU):
/// per transient object, each science image minus the object's template gives a difference image and its flux
/// (one task per object and epoch, in a container, one GPU each) -> a light curve per object -> a summary of all.
/// The "images" are tiny text grids and the tool is busybox sh/awk, so the example runs anywhere podman does;
/// tests/containers/setup.sh imports the image. Raw data under data/phrosty, products under out/phrosty.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("Container image the phrosty steps run in (tests/containers/setup.sh imports the default)")]
    readonly string PhrostyImage = "localhost/databuild-busybox:1";

    [Parameter("Container runtime of the phrosty steps: auto, podman, podman-hpc, apptainer or docker")]
    readonly string PhrostyRuntime = "auto";

    [Parameter("GPUs per difference-imaging task (the example computes on the CPU; 0 for a cluster without GPUs)")]
    readonly int PhrostyGpus = 1;

    /// <summary>Transient objects (ids in the style of Roman's simulated SNe) and the epochs observed of each.</summary>
    static readonly int[] PhrostyObjects = [20172782, 20202893, 35689198];

    static readonly int[] PhrostyEpochs = [1, 2, 3, 4];

    const int PhrostyGrid = 5;

    // A difference image: science minus template, pixel by pixel; its flux is the sum of the difference over the
    // grid. Integer arithmetic only, so busybox awk in the container and any awk on a host write the same bytes.
    // The scripts are files the tools target writes (argv templates read braces as placeholders); every value reaches
    // a script as an argument, never spliced into its text.
    const string DifferenceScript = """
        set -eu
        images=$1; epoch=$2; diff=$3; phot=$4; tmp=$5
        echo "difference imaging: object images $images, epoch $epoch, GPUs '${CUDA_VISIBLE_DEVICES:-none}', threads ${OMP_NUM_THREADS:-?}"
        awk 'NR == FNR { for (i = 1; i <= NF; i++) t[FNR, i] = $i; next }
             { line = ""; for (i = 1; i <= NF; i++) line = line (i > 1 ? " " : "") ($i - t[FNR, i]); print line }' \
            "$images/template.txt" "$images/science_$epoch.txt" > "$tmp/diff.txt"
        cp "$tmp/diff.txt" "$diff"
        mjd=$(head -n 1 "$images/epochs.txt" | awk -v e="$epoch" '{ print $e }')
        awk -v e="$epoch" -v mjd="$mjd" '{ for (i = 1; i <= NF; i++) s += $i } END { printf "%d %d %d\n", e, mjd, s }' "$diff" > "$phot"
        """;

    const string LightCurveScript = """
        set -eu
        out=$1; shift
        echo "# epoch mjd flux" > "$out"
        cat "$@" | sort -n >> "$out"
        """;

    const string SummaryScript = """
        set -eu
        out=$1; shift
        echo "# object epochs peak_flux peak_mjd" > "$out"
        for curve in "$@"; do
            object=$(basename "$(dirname "$curve")")
            awk -v o="$object" '!/^#/ { n++; if (n == 1 || $3 > peak) { peak = $3; at = $2 } } END { printf "%s %d %d %d\n", o, n, peak, at }' "$curve" >> "$out"
        done
        """;

    Target PhrostyFixtures => _ => _
        .Description("science and template images of each transient object (tiny synthetic text grids), and its epochs' MJDs")
        .PartitionedBy("object", PhrostyObjects)
        .OutputDirectory("images", "data/phrosty/{object}")
        .BuildOnlyWhenMissing()
        .Executes(ctx => WritePhrostyImages(int.Parse(ctx["object"], CultureInfo.InvariantCulture), ctx.Output("images")), version: "1");

    Target PhrostyTools => _ => _
        .Description("the steps' scripts (busybox sh and awk), written from the pipeline's source: an edit rebuilds what they made")
        .Parameter("difference", DifferenceScript)
        .Parameter("lightcurve", LightCurveScript)
        .Parameter("summary", SummaryScript)
        .Output("difference", "out/phrosty/tools/difference.sh")
        .Output("lightcurve", "out/phrosty/tools/lightcurve.sh")
        .Output("summary", "out/phrosty/tools/summary.sh")
        .Executes(ctx =>
        {
            foreach (var name in new[] { "difference", "lightcurve", "summary" }) File.WriteAllText(ctx.Output(name), ctx.Parameter(name) + "\n");
        }, version: "1");

    Target PhrostyDifference => _ => _
        .Description("difference image and flux of each object at each epoch: science minus template, in the container, one GPU each")
        .Partitions(() => PhrostyObjects.SelectMany(o => PhrostyEpochs.Select(e => PartitionKey.Of("object", o, "epoch", e))))
        .DependsOn(PhrostyFixtures, PhrostyTools)
        .Container(PhrostyImage, PhrostyRuntimeKind())
        .Gpus(PhrostyGpus)
        .Cores(1)
        .MemoryMb(256)
        .Output("diff", "out/phrosty/{object}/diff_{epoch}.txt")
        .Output("phot", "out/phrosty/{object}/phot_{epoch}.txt")
        .Executes("sh", "{deps:PhrostyTools:difference}", "{deps:PhrostyFixtures:images}", "{epoch}", "{out:diff}", "{out:phot}", "{tmp}");

    Target PhrostyLightCurves => _ => _
        .Description("light curve of each object: its epochs' fluxes in time order")
        .PartitionedBy("object", PhrostyObjects)
        .DependsOn(PhrostyDifference, PhrostyTools)
        .Container(PhrostyImage, PhrostyRuntimeKind())
        .Output("out/phrosty/{object}/lightcurve.txt")
        .Executes("sh", "{deps:PhrostyTools:lightcurve}", "{out}", "{deps:PhrostyDifference:phot}");

    Target PhrostySummary => _ => _
        .Description("one line per object: epochs, peak flux and when")
        .DependsOn(PhrostyLightCurves, PhrostyTools)
        .Container(PhrostyImage, PhrostyRuntimeKind())
        .Output("out/phrosty/summary.txt")
        .Executes("sh", "{deps:PhrostyTools:summary}", "{out}", "{deps:PhrostyLightCurves}");

    ContainerRuntime PhrostyRuntimeKind() => PhrostyRuntime.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "auto" => ContainerRuntime.Auto,
        "podman" => ContainerRuntime.Podman,
        "podmanhpc" => ContainerRuntime.PodmanHpc,
        "apptainer" => ContainerRuntime.Apptainer,
        "docker" => ContainerRuntime.Docker,
        _ => throw new UsageException($"--phrosty-runtime must be auto, podman, podman-hpc, apptainer or docker, got '{PhrostyRuntime}'."),
    };

    /// <summary>
    /// A template (sky plus a host galaxy) and one science image per epoch with a transient on top whose brightness
    /// rises and falls; deterministic per object, so fixtures are the same everywhere.
    /// </summary>
    static void WritePhrostyImages(int objectId, string directory)
    {
        Directory.CreateDirectory(directory);
        var sky = 100 + objectId % 17;
        int Host(int x, int y) => Math.Max(0, 30 - 8 * (Math.Abs(x - 2) + Math.Abs(y - 2)));
        string Grid(Func<int, int, int> pixel)
        {
            var text = new StringBuilder();
            for (var y = 0; y < PhrostyGrid; y++)
                text.Append(string.Join(' ', Enumerable.Range(0, PhrostyGrid).Select(x => pixel(x, y).ToString(CultureInfo.InvariantCulture)))).Append('\n');
            return text.ToString();
        }
        File.WriteAllText(Path.Combine(directory, "template.txt"), Grid((x, y) => sky + Host(x, y)));
        var peakEpoch = 1 + objectId % PhrostyEpochs.Length;
        foreach (var epoch in PhrostyEpochs)
        {
            var amplitude = Math.Max(0, 40 - 15 * Math.Abs(epoch - peakEpoch)) + objectId % 7;
            File.WriteAllText(Path.Combine(directory, $"science_{epoch}.txt"),
                Grid((x, y) => sky + Host(x, y) + (x == 2 && y == 2 ? amplitude : x is >= 1 and <= 3 && y is >= 1 and <= 3 ? amplitude / 4 : 0)));
        }
        File.WriteAllText(Path.Combine(directory, "epochs.txt"), string.Join(' ', PhrostyEpochs.Select(e => (61000 + 5 * e).ToString(CultureInfo.InvariantCulture))) + "\n");
    }
}
