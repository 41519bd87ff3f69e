"""distill: scored LLM-agent runs in, RAG / SFT / preference datasets out, nothing unsafe leaked."""

from importlib import metadata

try:
    __version__ = metadata.version("distill")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
