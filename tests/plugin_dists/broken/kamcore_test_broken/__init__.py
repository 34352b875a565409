"""kamcore test plugin ``broken``: fails to import, as a plugin with a missing dependency does."""

raise ImportError("kamcore-test-broken needs the module not_installed_backend")
