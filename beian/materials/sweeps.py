"""The materials' periodic work, run by ``manage.py beian_worker`` (``beian.core.sweeps``).

* ``materials.check``: machine checks of new uploads (OCR loads once per worker process). Non-exclusive:
  each material is claimed with a conditional UPDATE, so several workers share the work.
* ``materials.purge``: unclaimed uploads, materials of abandoned orders, expired evidence (settings).
"""

from __future__ import annotations

from datetime import timedelta

from beian.core import sweeps
from beian.core.sweeps import sweep


@sweep("materials.check", every=timedelta(0), exclusive=False)
def check_materials() -> int:
    from beian.materials.services import materials_check_pending

    return materials_check_pending(limit=4, stop=sweeps.should_stop)


@sweep("materials.purge", every=timedelta(hours=1))
def purge_materials() -> int:
    from beian.materials.services import materials_purge

    return materials_purge()
