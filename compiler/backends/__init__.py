"""Backends turn a checked build into files. They never import the parser."""
