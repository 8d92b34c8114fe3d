"""A worker's CPD log and the SWE registration-year check."""
