"""The server's HTML pages, server-rendered with Jinja2 (every value escaped) and htmx.

The customer's share-link page (:mod:`.share`), and the web workspace for signed-in users:
sign in and out (:mod:`.signin`), the portfolio dashboard and its "Add an account" form
(:mod:`.dashboard`), the account page with its stakeholder map and people (:mod:`.account`)
and its plan and opportunity forms (:mod:`.additions`), the plan page with its steps,
findings, section forms generated from JSON Schema (:mod:`.forms`) and history
(:mod:`.plan`), its reviews, the diff between two points and the reviews due
(:mod:`.reviews`, :mod:`.reviewing`), sharing it with the customer (:mod:`.sharing`), and
the import page (:mod:`.imports`). Every page route is made by a
:class:`~kamcore_server.rules.KamRouter` with an access level, and calls
:mod:`kamcore.operations` (and ``Workspace`` reads), as the JSON API does.
"""

from __future__ import annotations

from . import account, additions, dashboard, imports, plan, reviews, share, sharing, signin

#: The page routers, in the order the application includes them.
ROUTERS = (share.router, signin.router, dashboard.router, account.router, additions.router,
           plan.router, sharing.router, reviews.router, imports.router)
