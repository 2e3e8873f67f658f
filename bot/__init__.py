"""IPE bot: careers-discovery and internship assistant for French pupils and teachers."""

__version__ = "0.1.0"
