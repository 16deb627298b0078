"""The status marts (references, indicator and goal statuses) and the data tests that guard them."""
