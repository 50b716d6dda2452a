"""``python -m airflow_provider_activecampaign.testing.emulator``: serve an emulator until SIGINT/SIGTERM."""

from airflow_provider_activecampaign.testing.emulator.cli import main

raise SystemExit(main())
