"""Migration scripts, one per schema version: ``000N_<what>.py`` with revision ``"000N"``."""
