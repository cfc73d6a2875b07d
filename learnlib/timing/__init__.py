"""When to look and how long to wait: one schedule type, run discovery, following a run, pacing
(imports learnlib.rules, learnlib.gh and learnlib.defaults; clocks and sleeps are injected)."""
