using Dime.Benchmarks;

return await BenchCommandLine.RunAsync(args).ConfigureAwait(false);
