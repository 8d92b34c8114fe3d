"""The platform's composition root: the command line, the process runner and the full schema."""
