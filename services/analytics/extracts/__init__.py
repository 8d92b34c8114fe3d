"""The DfE extracts: built, checked and stored (`service`), served (`router`, `schemas`), run on a schedule
exactly once however many instances are up (`scheduler`), delivered to the DfE (`delivery`); their tables
(`models`) and counters (`metrics`)."""
