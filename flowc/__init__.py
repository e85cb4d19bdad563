"""flowc: compile call flows written in the flow language into TwiML."""

__version__ = "0.1.0"
