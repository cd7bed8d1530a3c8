"""A person's coder record is made on their first coding, even when two arrive at once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from collabmap.store import Store
from collabmap.store.models import Coder
from collabmap.store.projects import get_coder


def test_two_first_codings_at_once_share_one_coder(store: Store) -> None:
    first_made = threading.Event()
    found: dict[str, int] = {}

    def first() -> None:
        with store.transaction() as session:
            found["first"] = get_coder(session, "ali").id
            first_made.set()  # inserted, not yet committed: the second must wait for it
            threading.Event().wait(0.5)

    def second() -> None:
        first_made.wait(10)
        with store.transaction() as session:
            found["second"] = get_coder(session, "ali").id

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert found["first"] == found["second"]
    with store.reading() as session:
        assert session.scalar(select(func.count()).where(Coder.name == "ali")) == 1
