"""Date formats per language (day first, as Vietnamese and British offices write dates)."""
