"""The DfE's workforce measures: the rules (`rules`), the areas computed from the records (`areas`), the
DfE's published figures (`published`), a council benchmarked against them (`benchmarks`) and England ranked
on them (`rankings`)."""
