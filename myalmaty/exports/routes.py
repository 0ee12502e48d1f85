"""Export downloads for organisers (owner: exports). PLACEHOLDER until written."""
