"""Django's PostgreSQL backend with the write-behind of ``core.hotsql.hot_later``.

``hot_later`` keeps writes that need no result on the connection instead of sending each in a round trip of its
own; they go at the front of the transaction's next statement, or with its COMMIT (one round trip for both). This
backend is what makes that safe: a statement through Django's cursor (the ORM, a savepoint) sends them first, the
COMMIT carries them, and a rollback drops them with the transaction. ``BEIAN_DATABASE_URL=postgresql://…`` selects it
(``beian.env``); with Django's own backend ``hot_later`` writes at once.
"""

from __future__ import annotations

from django.db.backends.postgresql import base
from django.db.backends.utils import debug_transaction


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL, sending ``hot_later``'s pending writes before any other statement and with the COMMIT."""

    hot_later_flushed = True  # read by hotsql.hot_later

    def _hot_pending(self):
        lean = self.__dict__.get("_hot_lean")
        return lean if lean is not None and lean.pending and lean.raw is self.connection else None

    def create_cursor(self, name=None):
        lean = self._hot_pending()
        if lean is not None:  # Django's statement comes after the writes that were asked before it
            with self.wrap_database_errors:
                lean.run([])
        return super().create_cursor(name)

    def _commit(self):
        lean = self._hot_pending()
        if lean is None:
            return super()._commit()
        with debug_transaction(self, "COMMIT"), self.wrap_database_errors:
            lean.run([], commit=True)
        return None

    def _rollback(self):
        lean = self.__dict__.get("_hot_lean")
        if lean is not None:
            lean.pending.clear()  # never sent: nothing to undo
        return super()._rollback()
