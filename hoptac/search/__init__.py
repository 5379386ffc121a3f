"""Search across the records: documents, tasks, partners, agencies, agreements and events.

``hoptac.search.find.search`` is what the web page (``/search/``) and ``hoptac search`` call;
``hoptac.search.text`` makes the tokens, ``hoptac.search.query`` reads a query,
``hoptac.search.engine`` speaks to SQLite FTS5 or PostgreSQL, ``hoptac.search.index`` keeps the
index current.
"""

from __future__ import annotations

__all__: list[str] = []
