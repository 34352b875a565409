"""The core's own features, written as plugins and registered like external ones."""
