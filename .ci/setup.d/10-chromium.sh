# Debian's Chromium, for the test that opens the HTML report in a headless browser
# (tests/test_html_export.py): installed with apt-get when /usr/bin/chromium is missing.
# Sourced by .ci/run (under `set -euo pipefail`): no `exit`, safe to run again.
if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium with apt-get"
    if [ "$(id -u)" -eq 0 ]; then _kam_apt=(apt-get); else _kam_apt=(sudo apt-get); fi
    "${_kam_apt[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive "${_kam_apt[@]}" install -y -qq chromium
    unset _kam_apt
fi
if [ -x /usr/bin/chromium ]; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
else
    echo "chromium could not be installed: the HTML report test will fail in CI" >&2
    false
fi
