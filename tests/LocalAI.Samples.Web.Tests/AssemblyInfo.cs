// The browser tests share two cores with the host and its backends: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
