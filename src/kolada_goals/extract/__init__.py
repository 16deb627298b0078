"""Fetch from Kolada: the HTTP client, the planning of requests and the decoding of pages."""
