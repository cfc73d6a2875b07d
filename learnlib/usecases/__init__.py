"""The use cases: small typed steps over the gh adapters, returning frozen results, no printing
(progress goes to a callback); every failure is one learnlib.rules.failure.Failure."""
