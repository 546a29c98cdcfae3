"""A django-tasks task the worker test enqueues (importable from the worker subprocess)."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task


@task()
def touch(path: str) -> str:
    Path(path).write_text("done")
    return "done"
