"""A static timeline website generator: news articles in, a linked timeline of dated events out."""

__version__ = "0.1.0"
