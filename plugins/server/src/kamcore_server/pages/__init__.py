"""The server's HTML pages, server-rendered with Jinja2 (every value escaped) and htmx.

The customer's share-link page (:mod:`.share`), and the web workspace for signed-in users:
sign in and out (:mod:`.signin`), the portfolio dashboard (:mod:`.dashboard`), the account
page with its stakeholder map and people (:mod:`.account`), and the plan page with its steps,
findings, section forms generated from JSON Schema (:mod:`.forms`) and history
(:mod:`.plan`), its reviews, the diff between two points and the reviews due
(:mod:`.reviews`, :mod:`.reviewing`), and the import page (:mod:`.imports`). Every page
route is made by a :class:`~kamcore_server.rules.KamRouter` with an
access level, and calls :mod:`kamcore.operations` (and ``Workspace`` reads), as the JSON API
does.
"""

from __future__ import annotations

from . import account, dashboard, imports, plan, reviews, share, signin

#: The page routers, in the order the application includes them.
ROUTERS = (share.router, signin.router, dashboard.router, account.router, plan.router,
           reviews.router, imports.router)
