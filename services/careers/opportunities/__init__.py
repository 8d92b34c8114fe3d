"""Regional opportunities: development posts, secondments and vacancies councils post, and the interest the
region's social workers register in them."""
