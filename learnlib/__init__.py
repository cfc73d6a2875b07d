"""learnlib: dispatch the async learn workflow for a plan issue and record it in the plan header."""
