using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace LocalAI.AspNetCore;

/// <summary>Samples CPU and memory for <c>GET /health/system</c>; CPU percentages are over the time since the previous sample.</summary>
internal sealed class SystemSampler(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long _started = time.GetTimestamp();
    private long _lastTimestamp = time.GetTimestamp();
    private TimeSpan _lastProcessCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private (long Idle, long Total)? _lastSystem = ReadProcStat();

    public SystemHealthResponse Sample()
    {
        using var process = Process.GetCurrentProcess();
        var now = time.GetTimestamp();
        var cpu = process.TotalProcessorTime;
        var system = ReadProcStat();
        double processPercent;
        double? systemPercent = null;
        lock (_gate)
        {
            var wall = time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            processPercent = wall <= 0 ? 0 : Math.Clamp((cpu - _lastProcessCpu).TotalSeconds / wall / Environment.ProcessorCount * 100, 0, 100);
            if (system is { } s && _lastSystem is { } l && s.Total > l.Total)
            {
                systemPercent = Math.Round(100.0 * (1 - ((double)(s.Idle - l.Idle) / (s.Total - l.Total))), 1);
            }

            _lastTimestamp = now;
            _lastProcessCpu = cpu;
            _lastSystem = system ?? _lastSystem;
        }

        var gc = GC.GetGCMemoryInfo();
        return new SystemHealthResponse
        {
            Cpu = new CpuHealth
            {
                LogicalCores = Environment.ProcessorCount,
                ProcessPercent = Math.Round(processPercent, 1),
                SystemPercent = systemPercent,
                LoadAverage = ReadLoadAverage(),
                Architecture = RuntimeInformation.OSArchitecture.ToString(),
            },
            Memory = new MemoryHealth
            {
                TotalBytes = gc.TotalAvailableMemoryBytes,
                AvailableBytes = ReadMemAvailable(),
                ProcessWorkingSetBytes = process.WorkingSet64,
                ManagedHeapBytes = GC.GetTotalMemory(false),
            },
            Process = new ProcessHealth
            {
                Id = Environment.ProcessId,
                UptimeSeconds = Math.Round(time.GetElapsedTime(_started, now).TotalSeconds, 1),
                Threads = process.Threads.Count,
                Runtime = RuntimeInformation.FrameworkDescription,
                Os = RuntimeInformation.OSDescription,
                MachineName = Environment.MachineName,
            },
        };
    }

    private static (long Idle, long Total)? ReadProcStat()
    {
        try
        {
            if (!File.Exists("/proc/stat"))
            {
                return null;
            }

            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            return (idle, fields.Sum());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static double[]? ReadLoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg")
                ? File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long? ReadMemAvailable()
    {
        try
        {
            if (!File.Exists("/proc/meminfo"))
            {
                return null;
            }

            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var kb = line["MemAvailable:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
