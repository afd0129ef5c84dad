System.Console.WriteLine("GpuGen embedding example");
