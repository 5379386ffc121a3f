"""hoptac: local international cooperation records for Vietnamese foreign-affairs offices."""

__version__ = "0.1.0"
