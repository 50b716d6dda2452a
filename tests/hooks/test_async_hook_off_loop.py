"""The async hook never calls a synchronous Task SDK API from the event loop's thread.

Before Airflow 3.3 the secrets masker tells the triggerer's supervisor about a secret with a
synchronous call that refuses to run in the loop's thread ("You cannot use AsyncToSync in the
same thread as an async event loop"), which ended every trigger in a real 3.0 triggerer.
"""

from __future__ import annotations

import asyncio

from airflow_provider_activecampaign.client import redaction
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook


def test_the_key_is_handed_to_the_masker_off_the_event_loop(emulator, monkeypatch):
    where: list[str] = []

    def mask_secret(secret, name=None):  # behaves as Airflow 3.0's masker in a triggerer
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            where.append("worker thread")
            return
        raise RuntimeError("You cannot use AsyncToSync in the same thread as an async event loop")

    monkeypatch.setattr(redaction, "mask_secret", mask_secret)
    monkeypatch.setattr(redaction._FILTER, "secrets", set())  # registered once per process: forget it here

    async def core():
        async with ActiveCampaignAsyncHook() as hook:
            return await hook.get_core()

    assert asyncio.run(core()).settings.base_url.startswith(emulator.url)
    assert where and set(where) == {"worker thread"}
