"""Provides every table on one metadata: importing it registers them all, for the migrations
and for anything that must see the whole schema. Each table lives with its capability."""

from __future__ import annotations

import distro.domain.audit.models
import distro.domain.core.numbering
import distro.domain.core.shared_settings
import distro.domain.distribution.models
import distro.domain.families.models
import distro.domain.stock.models
import distro.domain.users.models  # noqa: F401 (imported for the tables they register)
