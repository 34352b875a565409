"""Keep only the files for what the plugin provides."""

from pathlib import Path

KINDS = "{{ cookiecutter.__kinds }}".split(",")
PACKAGE = Path("src") / "{{ cookiecutter.package_name }}"

FILES = {
    "methodology": [PACKAGE / "methodology.yaml"],
    "rubric": [PACKAGE / "rubric.yaml", PACKAGE / "signals.py"],
    "exporter": [PACKAGE / "exporter.py"],
    "adapter": [PACKAGE / "adapter.py", PACKAGE / "sample" / "accounts.csv"],
    "check": [PACKAGE / "checks.py", Path("tests") / "test_checks.py"],
}

for kind, paths in FILES.items():
    if kind not in KINDS:
        for path in paths:
            path.unlink()
sample = PACKAGE / "sample"
if sample.exists() and not any(sample.iterdir()):
    sample.rmdir()
