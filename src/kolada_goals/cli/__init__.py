"""The kolada-goals command."""
