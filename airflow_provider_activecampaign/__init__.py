"""Apache Airflow provider for ActiveCampaign: hook, operators, sensors, triggers and an API emulator."""

from __future__ import annotations

__version__ = "0.1.0"
