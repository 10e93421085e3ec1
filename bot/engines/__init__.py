"""Summary and answer engines: the LLM, the extractive fallback, and the one policy joining them."""
