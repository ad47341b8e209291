using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Targets.Tests.Model;

public sealed class ParameterBinderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class Settings
    {
        [Parameter("how many quads")] public int Quads = 1;
        [Parameter("fields to build")] public int[] Fields = [];
        [Parameter("run fast")] public bool Fast = false;
    }

    private static Settings Bind(string? file = null, Dictionary<string, string?>? env = null, Dictionary<string, List<string>>? options = null)
    {
        var settings = new Settings();
        ParameterBinder.Bind(settings, ParameterDescriptor.For(typeof(Settings)), file, env ?? [], options ?? []);
        return settings;
    }

    [Fact]
    public void The_command_line_beats_the_environment_which_beats_the_file_which_beats_the_default()
    {
        var file = _dir.File("params.yaml");
        File.WriteAllText(file, "quads: 2\nfields: [1, 2]\nfast: true\n");

        var fromFile = Bind(file);
        var fromEnv = Bind(file, new() { ["DATABUILD_QUADS"] = "3" });
        var fromCli = Bind(file, new() { ["DATABUILD_QUADS"] = "3" }, new() { ["quads"] = ["4"] });

        Assert.Equal(1, Bind().Quads);
        Assert.Equal(2, fromFile.Quads);
        Assert.Equal([1, 2], fromFile.Fields);
        Assert.True(fromFile.Fast);
        Assert.Equal(3, fromEnv.Quads);
        Assert.Equal(4, fromCli.Quads);
    }

    [Fact]
    public void A_json_parameters_file_works_like_yaml()
    {
        var file = _dir.File("params.json");
        File.WriteAllText(file, """{"quads": 5, "fields": [7, 8]}""");

        var settings = Bind(file);

        Assert.Equal(5, settings.Quads);
        Assert.Equal([7, 8], settings.Fields);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_source()
    {
        var error = Assert.Throws<UsageException>(() => Bind(env: new() { ["DATABUILD_QUADS"] = "many" }));

        Assert.Equal("DATABUILD_QUADS: 'many' is not a valid Int32.", error.Message);
    }

    [Fact]
    public void An_unknown_parameter_in_the_file_suggests_the_near_one_and_lists_the_parameters()
    {
        var file = _dir.File("params.yaml");
        File.WriteAllText(file, "quadz: 2\n");

        var error = Assert.Throws<UsageException>(() => Bind(file));

        Assert.Equal($"Unknown parameter 'quadz' in {file}. Did you mean 'quads'? Parameters are: quads, fields, fast.", error.Message);
    }

    [Fact]
    public void A_missing_parameters_file_is_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => Bind(_dir.File("absent.yaml")));

        Assert.StartsWith("Parameters file not found:", error.Message);
    }

    private sealed class Names
    {
        [Parameter] public double LrL2 = 0;
        [Parameter] public int GbsRounds = 0;
        [Parameter] public string? ZTFField = null;
    }

    [Fact]
    public void Options_are_kebab_case_and_environment_variables_upper_snake_case_of_the_field_name()
    {
        var names = ParameterDescriptor.For(typeof(Names)).Select(p => (p.Name, p.Option, p.EnvironmentVariable));

        Assert.Equal([("LrL2", "lr-l2", "DATABUILD_LR_L2"), ("GbsRounds", "gbs-rounds", "DATABUILD_GBS_ROUNDS"), ("ZTFField", "ztf-field", "DATABUILD_ZTF_FIELD")], names);
    }
}
