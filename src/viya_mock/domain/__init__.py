"""Pure rules of the Job Execution service: no HTTP framework, no I/O, time arrives as an argument."""
