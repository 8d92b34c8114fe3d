"""The updating log (supervised practice, formal and private study) and progress toward the required days."""
