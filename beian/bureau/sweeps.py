"""The bureau app's periodic sweeps (run by ``manage.py beian_worker``)."""

from __future__ import annotations

from datetime import timedelta

from beian.core.sweeps import sweep


@sweep("bureau.sms_timeouts", every=timedelta(seconds=30))
def sms_timeouts() -> int:
    """Orders whose 24 h SMS window ended go back to the provider, marked "SMS failed"."""
    from beian.bureau.sms import sms_timeouts_fail

    return sms_timeouts_fail()
