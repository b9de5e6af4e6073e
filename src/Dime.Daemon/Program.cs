Console.Error.WriteLine("Dime.Daemon: not implemented yet");
return 1;
