"""Pure text work in any language: cleaning, sentences, words, quote marks, attribution,
quote extraction and verification."""
