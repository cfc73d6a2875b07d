"""The pure rules and the records they read: no I/O, no gh, no clock (imports only learnlib.rules
and learnlib.defaults)."""
