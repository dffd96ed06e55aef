"""Kanji data for matching names: the 異体字 table (variants.tsv) and its loader."""
