"""Refuse a plugin name that cannot be a Python package or entry-point name."""

import re
import sys

NAME = "{{ cookiecutter.plugin_name }}"

if not re.fullmatch(r"[a-z][a-z0-9_]*", NAME):
    print(f"error: plugin_name {NAME!r} must be lower case letters, digits and underscores, "
          "starting with a letter", file=sys.stderr)
    sys.exit(1)
