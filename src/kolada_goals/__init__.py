"""kolada-goals: follow up municipal goals with public KPI data from Kolada."""

__version__ = "0.1.0"
