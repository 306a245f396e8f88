"""The command line: flag parsing, usage text, printing and exit codes. Nothing else prints."""
