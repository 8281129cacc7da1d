"""What viya-mock ships for other projects' tests: a threaded server and the pytest plugin."""
