"""Host councils: supervised-practice places offered per cohort, and matching applicants to them."""
