# Fails with MESSAGE: a test that reports a missing prerequisite.
message(FATAL_ERROR "${MESSAGE}")
