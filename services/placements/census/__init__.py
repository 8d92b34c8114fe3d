"""The CSWW census return: the file, and its import into (and export from) the records held.

- fields.py: the field table (every element, its codes, how its text is read and written) and the records;
- problems.py: what is wrong in a file;
- readers.py: the XML and CSV readers (streaming; XML with defusedxml's guards), checking as they read;
- rules.py: the rules across fields and the header, plain functions;
- writers.py: census CSV and CSWW XML written record by record;
- imports.py: an import, from the file to the history (reconcile.py writes the rows, bulk.py fast);
- exports.py: a year's records as a file; metrics.py: imports for /metrics;
- router.py and schemas.py: the endpoints.
"""
