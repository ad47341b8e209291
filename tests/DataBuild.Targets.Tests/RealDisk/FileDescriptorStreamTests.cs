using System.IO.Pipes;
using System.Text;
using DataBuild.IO;

namespace DataBuild.Targets.Tests.RealDisk;

/// <summary>Standard output as the engine writes it: write(2) on the descriptor, never at a position of its own.</summary>
public sealed class FileDescriptorStreamTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Writes_land_after_what_another_writer_of_the_same_descriptor_wrote_in_between()
    {
        // `./build.sh ... > log 2>&1`: stdout and stderr share one open file and its offset. A stream that kept its own
        // position (as FileStream does on a regular file) would write its second line over stderr's.
        var path = _dir.File("log");
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
        var fd = (int)handle.DangerousGetHandle();
        using var stdout = new StreamWriter(new FileDescriptorStream(fd), new UTF8Encoding(false)) { AutoFlush = true };
        using var stderr = new FileDescriptorStream(fd);

        stdout.WriteLine("target  up to date");
        stderr.Write("warning: something\n"u8);
        stdout.WriteLine("Nothing to do: ✓");

        Assert.Equal("target  up to date\nwarning: something\nNothing to do: ✓\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_reader_that_went_away_ends_the_output_without_an_error()
    {
        // `./build.sh ... | head -1`: once head exits, writes fail with EPIPE; the build's result must not turn into an error.
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        pipe.ClientSafePipeHandle.Dispose();
        pipe.DisposeLocalCopyOfClientHandle();
        var stream = new FileDescriptorStream((int)pipe.SafePipeHandle.DangerousGetHandle());

        stream.Write("first line\n"u8);
        stream.Write(new byte[1 << 20]);
    }

    [Fact]
    public void A_write_that_fails_otherwise_says_which_descriptor_and_why()
    {
        var stream = new FileDescriptorStream(987654);

        var error = Assert.Throws<IOException>(() => stream.Write("x"u8));

        Assert.Contains("file descriptor 987654", error.Message);
        Assert.Contains("errno 9", error.Message); // EBADF
    }
}
