"""The SAS Job Execution web application, `/SASJobExecution/`: run a program by path and answer its `_webout`."""
