"""Role checks: every service that changes data is guarded, and each role gets exactly what the
issue gives it, whoever calls (the services are called here as the CLI and the TUI call them)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import distro.domain
from distro.domain.core.access import GUARDED, ROLE_PERMISSIONS, Actor, Permission, Role, min_role
from distro.domain.core.errors import NotAllowed

NOT_SERVICES = {
    "distro.domain.audit.changes.record_change",
    "distro.domain.families.registry.record_family_change",
    "distro.domain.stock.ledger.record_taken",
}
"""Functions that take an actor only to write the audit row of a guarded service's change."""


def domain_functions() -> dict[str, Callable[..., Any]]:
    """Every public function defined in the domain package, by module.name."""
    found: dict[str, Callable[..., Any]] = {}
    for module_info in pkgutil.walk_packages(distro.domain.__path__, "distro.domain."):
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = function
    return found


DOMAIN_FUNCTIONS = domain_functions()
"""Importing every domain module here also fills GUARDED before the tests are collected."""


def takes_an_actor_by_keyword(function: Callable[..., Any]) -> bool:
    """The services' convention: `*, actor: Actor` (the guard itself takes it positionally)."""
    parameter = inspect.signature(function).parameters.get("actor")
    return (
        parameter is not None
        and parameter.kind is inspect.Parameter.KEYWORD_ONLY
        and parameter.annotation in ("Actor", Actor)
    )


def services_taking_an_actor() -> list[str]:
    return sorted(
        name
        for name, function in DOMAIN_FUNCTIONS.items()
        if takes_an_actor_by_keyword(function) and name not in NOT_SERVICES
    )


def test_every_service_that_takes_an_actor_is_guarded() -> None:
    unguarded = [name for name in services_taking_an_actor() if name not in GUARDED]
    assert unguarded == []
    assert len(GUARDED) >= 10  # the walk found the services, not an empty package


def call_with_placeholders(name: str, actor: Actor) -> None:
    """Call the service with None for every argument: a guard refuses before looking at them."""
    function = DOMAIN_FUNCTIONS[name]
    arguments: list[Any] = []
    keywords: dict[str, Any] = {"actor": actor}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name == "actor" or parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[parameter.name] = None
        else:
            arguments.append(None)
    function(*arguments, **keywords)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("service", sorted(GUARDED))
def test_each_role_is_refused_exactly_what_it_lacks(service: str, role: Role) -> None:
    actor = Actor(name=f"Test {role.value}", role=role)
    permission = GUARDED[service]
    if actor.may(permission):
        try:
            call_with_placeholders(service, actor)
        except NotAllowed:  # pragma: no cover - the failure message says which
            pytest.fail(f"{role.value} was refused {service}")
        except Exception:  # noqa: S110 - placeholders make the service fail after the guard
            pass
    else:
        with pytest.raises(NotAllowed, match=f"may not {permission.value}"):
            call_with_placeholders(service, actor)


def test_the_roles_match_the_issue() -> None:
    volunteer = ROLE_PERMISSIONS[Role.VOLUNTEER]
    assert Permission.REGISTER_FAMILIES in volunteer
    for coordinator_only in (
        Permission.MERGE_FAMILIES,
        Permission.EXPORT_PERSONAL_DATA,
        Permission.VIEW_AUDIT,
        Permission.REVIEW_RETENTION,
    ):
        assert min_role(coordinator_only) is Role.COORDINATOR
    for admin_only in (
        Permission.MANAGE_USERS,
        Permission.MANAGE_SETTINGS,
        Permission.MAKE_BACKUPS,
        Permission.REPAIR_DATABASE,
    ):
        assert min_role(admin_only) is Role.ADMIN
    assert ROLE_PERMISSIONS[Role.VOLUNTEER] < ROLE_PERMISSIONS[Role.COORDINATOR]
    assert ROLE_PERMISSIONS[Role.COORDINATOR] < ROLE_PERMISSIONS[Role.ADMIN]


def test_a_refusal_says_who_to_ask() -> None:
    from distro.domain.core.access import require

    with pytest.raises(NotAllowed) as refused:
        require(Actor(name="Kit", role=Role.VOLUNTEER), Permission.MANAGE_USERS)
    assert str(refused.value) == (
        "Kit is signed in as volunteer and may not manage users; ask an admin to do it."
    )


def test_a_service_called_without_an_actor_fails_loudly() -> None:
    from distro.domain.families.merge import merge_families

    with pytest.raises(TypeError, match="needs actor="):
        merge_families(None, 1, 2, "x", actor="coordinator", now=None)  # type: ignore[arg-type]
