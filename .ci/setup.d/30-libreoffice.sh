# LibreOffice (Calc and Impress, headless) and poppler-utils, for the test that opens the office
# exports in a real office suite (plugins/office/tests/test_in_libreoffice.py: XLSX and PPTX to
# PDF with soffice, text read back with pdftotext). Installed with apt-get when soffice or
# pdftotext is missing; --no-install-recommends keeps it to about 350 MB and 1-2 minutes of CI
# time on a fresh machine (nothing on later runs). Sourced by .ci/run (under
# `set -euo pipefail`): no `exit`, safe to run again.
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    echo "installing libreoffice-calc, libreoffice-impress and poppler-utils with apt-get"
    if [ "$(id -u)" -eq 0 ]; then _kam_apt=(apt-get); else _kam_apt=(sudo apt-get); fi
    "${_kam_apt[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive "${_kam_apt[@]}" install -y -qq --no-install-recommends \
        libreoffice-calc libreoffice-impress poppler-utils
    unset _kam_apt
fi
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    echo "libreoffice: $(soffice --version 2>/dev/null | head -n 1 || echo installed)"
else
    echo "LibreOffice or poppler-utils could not be installed: the office tests will fail in CI" >&2
    false
fi
