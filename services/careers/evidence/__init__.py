"""A worker's evidence portfolio: what each document is and where it is kept."""
