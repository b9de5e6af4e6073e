using Dime.Daemon.Protocol;
using Dime.Engine.Errors;

namespace Dime.Daemon.Tests;

/// <summary>The engine's error kinds reach the wire as the daemon's codes, under the same names.</summary>
public sealed class ErrorCodeTests
{
    [Fact]
    public void EveryEngineKindHasTheCodeOfItsName()
    {
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            Assert.Equal(kind.ToString(), ErrorCodes.Of(kind).ToString());
        }
    }

    [Fact]
    public void EngineAndDaemonErrorsAreReportedAlike()
    {
        var engine = ErrorCodes.Of(new DimeException(ErrorKind.ImageCorrupt, "bad image", "a.png"));
        var daemon = ErrorCodes.Of(new DaemonException(ErrorCode.SampleNotFound, "no sample", "7"));
        Assert.Equal(new TypedError(ErrorCode.ImageCorrupt, "bad image", "a.png"), engine);
        Assert.Equal(new TypedError(ErrorCode.SampleNotFound, "no sample", "7"), daemon);
        Assert.Equal(1301, (int)engine!.Code);
        Assert.Null(ErrorCodes.Of(new InvalidOperationException("a bug")));
    }
}
