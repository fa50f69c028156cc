"""Routes of the web editor, one module per concern; each exports ``routes``."""
