"""A believable SAS session for the Compute simulation: the log, listing and results SAS would write for a
program, and a documented subset of the language executed well enough for SAS's clients. Not an interpreter."""
