"""Each kommun's goal definitions: file format, validation, loading and templates."""
