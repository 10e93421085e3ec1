"""The OpenAI-compatible client, prompt templates and the token budget."""
