"""Page hooks: how an app adds to a page owned by an app below it without that app
importing it.

The lower app declares a hook and renders what the hook returns; the higher app
registers a provider in its AppConfig.ready(). Providers are called in the order they
were registered (the order of INSTALLED_APPS), each with the same keyword arguments,
and return template context to merge in.
"""

from collections.abc import Callable
from typing import Any

Provider = Callable[..., dict[str, Any]]


class ContextHook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Provider] = []

    def register(self, provider: Provider) -> Provider:
        """Add a provider (usable as a decorator); registering one twice adds it once."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def context(self, **kwargs: Any) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for provider in self._providers:
            merged.update(provider(**kwargs))
        return merged

    def __repr__(self) -> str:
        return f"<ContextHook {self.name}: {len(self._providers)} provider(s)>"
