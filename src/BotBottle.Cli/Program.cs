using BotBottle.Cli.Commands;

var root = CommandLine.Build(Console.In, Console.Out, Console.Error, stdinIsTerminal: !Console.IsInputRedirected, stdoutIsTerminal: !Console.IsOutputRedirected);
return await root.Parse(args).InvokeAsync();
