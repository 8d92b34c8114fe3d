"""A social worker's career record: level history, ASYE reviews, experience, and what their next step needs."""
