"""Provides the F-keys that switch areas: one table that the app's bindings and the area bar
(`widgets/area_bar.py`) both read, so the bar never names a key the app does not have."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from distro.domain.core.access import Permission


@dataclass(frozen=True)
class AreaKey:
    """One area: its key, what it runs, its label (and a short one for 80 columns), and the
    permission a role needs to see it on the bar (None: everyone)."""

    key: str
    area: str
    action: str
    label: str
    short: str
    tooltip: str
    permission: Permission | None = None

    def binding(self) -> Binding:
        """The app's binding; left out of the footer, since the area bar shows it."""
        return Binding(
            self.key, self.action, self.label, tooltip=self.tooltip, id=self.area, show=False
        )


AREA_KEYS = (
    AreaKey("f2", "counter", "area('counter')", "Counter", "Counter", "Hand out to a family"),
    AreaKey("f3", "families", "area('families')", "Families", "Families", "Find, register"),
    AreaKey(
        "f4", "stock", "area('stock')", "Stock", "Stock", "Levels, lots, expiry, receive, count"
    ),
    AreaKey("f5", "lending", "area('lending')", "Lending", "Lend", "Devices for school"),
    AreaKey("f6", "referrals", "area('referrals')", "Referrals", "Refer", "Vaccines"),
    AreaKey("f7", "reports", "area('reports')", "Reports", "Report", "For donors"),
    AreaKey(
        "f8",
        "audit",
        "audit_log",
        "Audit",
        "Audit",
        "Who changed what, when (coordinators)",
        Permission.VIEW_AUDIT,
    ),
)
