using TinyKv.Cluster;

return await ClusterCli.RunAsync(args, Console.Out, Console.Error, Console.IsOutputRedirected, Environment.CurrentDirectory).ConfigureAwait(false);
