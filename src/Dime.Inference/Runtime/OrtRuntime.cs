using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Dime.Inference.Runtime;

/// <summary>
/// The process-wide ONNX Runtime environment. Native ORT logs go through a managed callback to stderr (never to
/// stdout, which carries the daemon's JSON-RPC), at warning level and above; the last messages are kept so that a
/// CUDA failure can be explained with the loader's own words.
/// </summary>
internal static class OrtRuntime
{
    private const int KeptMessages = 64;
    private static readonly object Gate = new();
    private static readonly ConcurrentQueue<(long Sequence, string Message)> Recent = new();
    private static readonly DOrtLoggingFunction Logger = Log;
    private static long _sequence;
    private static bool _initialised;

    public static string Version
    {
        get
        {
            EnsureEnvironment();
            return OrtEnv.Instance().GetVersionString();
        }
    }

    public static void EnsureEnvironment()
    {
        lock (Gate)
        {
            if (_initialised)
            {
                return;
            }

            if (!OrtEnv.IsCreated)
            {
                var options = new EnvironmentCreationOptions
                {
                    logId = "dime",
                    logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                    loggingFunction = Logger,
                };
                OrtEnv.CreateInstanceWithOptions(ref options);
            }
            else
            {
                // someone created it before us: at least keep it quiet (ORT's own sink writes to stderr)
                OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
            }

            _initialised = true;
        }
    }

    /// <summary>A mark to pass to <see cref="MessagesSince"/>.</summary>
    public static long Mark() => Interlocked.Read(ref _sequence);

    public static IReadOnlyList<string> MessagesSince(long mark) => Recent.Where(m => m.Sequence > mark).Select(m => m.Message).ToArray();

    /// <summary>
    /// Why the CUDA provider did not load, in the dynamic loader's words: ORT logs "Failed to load library X with
    /// error: Y" but its exception only says "Failed to load shared library". Falls back to loading the provider
    /// ourselves to get dlerror's text, then to the exception's message.
    /// </summary>
    public static string ExplainCudaFailure(Exception exception, long mark)
    {
        const string Marker = "Failed to load library";
        foreach (var message in MessagesSince(mark).Reverse())
        {
            var at = message.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                return message[at..].Trim();
            }
        }

        if (FindCudaProvider() is { } provider)
        {
            try
            {
                NativeLibrary.Free(NativeLibrary.Load(provider));
            }
            catch (DllNotFoundException e)
            {
                var detail = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
                return $"{Marker} {provider} with error: {detail}";
            }
        }

        return exception.Message;
    }

    private static string? FindCudaProvider()
    {
        var name = OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
        var rid = RuntimeInformation.RuntimeIdentifier;
        return new[]
            {
                OrtNatives.Folder is { } fetched ? Path.Combine(fetched, name) : null,
                Path.Combine(AppContext.BaseDirectory, name),
                Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", name),
                Path.Combine(AppContext.BaseDirectory, "runtimes", OperatingSystem.IsWindows() ? "win-x64" : "linux-x64", "native", name),
            }
            .FirstOrDefault(p => p is not null && File.Exists(p));
    }

    private static void Log(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        Recent.Enqueue((sequence, message));
        while (Recent.Count > KeptMessages && Recent.TryDequeue(out _))
        {
        }

        var level = severity switch
        {
            OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL => "fatal",
            OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => "error",
            OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => "warning",
            _ => "info",
        };
        Console.Error.WriteLine($"[onnxruntime {level}] {message}");
    }
}
