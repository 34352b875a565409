"""Refuse answers that cannot make a working plugin (the name and the kinds were already
checked when typed, by local_extensions.py; this guards the names typed over the defaults)."""

import re
import sys

CHECKS = {
    "distribution_name": ("{{ cookiecutter.distribution_name }}", r"[A-Za-z0-9][A-Za-z0-9._-]*"),
    "package_name": ("{{ cookiecutter.package_name }}", r"[a-z_][a-z0-9_]*"),
    "contribution_name": ("{{ cookiecutter.contribution_name }}", r"[a-z][a-z0-9_-]*"),
}

for field, (value, pattern) in CHECKS.items():
    if not re.fullmatch(pattern, value):
        print(f"error: {field} {value!r} is not valid (it must match {pattern})",
              file=sys.stderr)
        sys.exit(1)
