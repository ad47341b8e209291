using System.Text;
using System.Text.Json.Nodes;

namespace DataBuild.Tasks.Sweep;

/// <summary>
/// The example sweep, shaped like the HED workflow's: a defaults file and a 770-line unrolled parameter file
/// (7 L2 strengths × 11 learning rates × 10 data seeds).
/// </summary>
public static class ExampleSweep
{
    public const string DefaultsJson =
        """{"data":{"seed":1,"samples":300,"features":5,"noise":0.5,"validation_fraction":0.25},"model":{"l2":0.001,"learning_rate":0.5,"epochs":100}}""";

    private static readonly double[] L2 = [0, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3];
    private static readonly double[] LearningRates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0];
    private const int Seeds = 10;

    /// <summary>The JSON-lines text, one canonical object per line, "\n" line ends.</summary>
    public static string UnrolledParameterFile()
    {
        var text = new StringBuilder();
        foreach (var l2 in L2)
            foreach (var rate in LearningRates)
                for (var seed = 1; seed <= Seeds; seed++)
                {
                    var line = new JsonObject
                    {
                        ["data"] = new JsonObject { ["seed"] = seed },
                        ["model"] = new JsonObject { ["l2"] = l2, ["learning_rate"] = rate },
                    };
                    text.Append(CanonicalJson.Write(line)).Append('\n');
                }
        return text.ToString();
    }
}
