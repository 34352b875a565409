"""kamcore test plugin ``exiting``: calls ``sys.exit()`` on import (exit code 0, as a plugin
that thinks it is a script does)."""

import sys

sys.exit()
