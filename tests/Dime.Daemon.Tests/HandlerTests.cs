using System.Reflection;
using Dime.Daemon.Hosting;
using Dime.Daemon.Logging;
using Dime.Daemon.Protocol;
using StreamJsonRpc;

namespace Dime.Daemon.Tests;

/// <summary>The composition root serves every request of the protocol, each by one handler, and every handler it has.</summary>
public sealed class HandlerTests : IDisposable
{
    private readonly string _cache = TestPaths.NewTempFolder("handlers");

    [Fact]
    public void EveryRequestAndExitIsServedByExactlyOneRegisteredHandler()
    {
        using var services = new DaemonServices(new DaemonOptions(_cache, "cpu"), new Log(LogLevel.Off, TextWriter.Null));
        using var rpc = new JsonRpc(Stream.Null);
        var handlers = services.Handlers(new Session(), rpc).ToList();

        var served = handlers
            .SelectMany(h => h.GetType().GetMethods().Select(m => m.GetCustomAttribute<JsonRpcMethodAttribute>()?.Name))
            .Where(name => name is not null)
            .ToList();
        Assert.Equal(served.Count, served.Distinct().Count());
        Assert.Equal([.. ProtocolNames.Requests.Append(ProtocolNames.Exit).Order(StringComparer.Ordinal)], served.Order(StringComparer.Ordinal));

        var declared = typeof(DaemonServices).Assembly.GetTypes()
            .Where(t => t.Namespace == "Dime.Daemon.Handlers" && t.GetMethods().Any(m => m.GetCustomAttribute<JsonRpcMethodAttribute>() is not null));
        Assert.Equal(declared.Select(t => t.Name).Order(StringComparer.Ordinal), handlers.Select(h => h.GetType().Name).Order(StringComparer.Ordinal));
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);
}
