using Dime.Daemon.Cli;

return await DaemonCommandLine.RunAsync(args).ConfigureAwait(false);
