"""The HTTP server behind `vcf-kg serve`, in small pieces (see docs/serving.md).

``config``       the knobs (timeout, limits, workers, federation)
``conneg``       media types and Accept-header negotiation
``guard``        the read-only policy: updates, LOAD and SERVICE are refused before anything runs
``protocol``     the SPARQL 1.1 Protocol request: GET / POST form / POST sparql-query, with limits
``worker``       a query worker process (holds the store; killed and replaced when a query overruns)
``pool``         the pool of workers, with per-query timeouts and a small result cache
``pages``        HTML for linked-data pages
``linked_data``  entity IRIs, the ontology and the dataset description, by content negotiation
``app``          the Starlette application that ties the routes together

``vcf_kg.serve`` is the entry point (`serve()` and the `background()` context manager).
"""
