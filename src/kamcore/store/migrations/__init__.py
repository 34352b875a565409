"""The workspace's schema migrations (Alembic), run by ``kam migrate``.

``env.py`` and ``versions/`` form an Alembic environment configured in code by
:mod:`kamcore.store.migrate` (there is no ``alembic.ini``). Revision ``000N`` leaves
``meta.schema_version`` at ``N``. A migration is frozen once released: it spells out its
tables instead of importing :mod:`kamcore.store.tables`, which always shows the newest schema.
"""
