"""Tests of the GitHub sandbox double (learnlib.sandbox)."""
