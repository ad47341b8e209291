using System.Runtime.InteropServices;

namespace DataBuild.IO;

/// <summary>
/// Writes straight to an open file descriptor with write(2), for standard output. Not a FileStream: on a regular
/// file (<c>./build.sh ... &gt; log 2&gt;&amp;1</c>) a FileStream writes at a position of its own and would overwrite
/// what stderr wrote there in between; write(2) always appends at the descriptor's current offset. A reader that has
/// gone away (<c>| head</c>) ends the output silently, as it does for Console.Out.
/// </summary>
public sealed partial class FileDescriptorStream(int fd) : Stream
{
    private const int Eintr = 4, Eagain = 11, Epipe = 32;
    private bool _closedByReader;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var at = 0;
            while (at < buffer.Length && !_closedByReader)
            {
                var written = write(fd, start + at, (nuint)(buffer.Length - at));
                if (written == 0) throw new IOException($"Cannot write to file descriptor {fd}: it accepts no more bytes.");
                if (written > 0)
                {
                    at += (int)written;
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Epipe) _closedByReader = true;
                else if (errno == Eagain) Thread.Sleep(1); // a non-blocking descriptor that is full: wait for the reader
                else if (errno != Eintr)
                    throw new IOException($"Cannot write to file descriptor {fd}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nuint count);
}
