using System.Globalization;

namespace Annotator.Bench.Hostile;

/// <summary>
/// What Linux says about a process: resident memory from /proc/PID/status, CPU time from /proc/PID/stat.
/// Read from outside, so the figures hold for any build of the server, and for one that has just crashed
/// they are the last reading before it did.
/// </summary>
public static class ProcFs
{
    // utime and stime are in clock ticks of USER_HZ, which the kernel keeps at 100 on every architecture's ABI.
    private const double TicksPerSecond = 100;

    /// <summary>A field of /proc/PID/status in bytes (VmRSS: resident now; VmHWM: the most it has been), or null once the process is gone.</summary>
    public static long? StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the process has ended */ }
        return null;
    }

    /// <summary>User plus system CPU time of every thread of the process so far, or null once it is gone.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        // The command name, field 2, is in parentheses and may itself hold spaces or ')': count from the last one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are fields[11] and fields[12].
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The 1-, 5- and 15-minute load averages, as uptime prints them.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
}
