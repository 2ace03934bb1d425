"""leaflets: multilingual patient leaflets from YAML content blocks and Jinja templates.

The public API is loaded on first use, so that ``build.py`` can import the
set-up code (standard library only) before any dependency is installed::

    from leaflets import Builder, Paths, Selection
    result = Builder(Paths(), Selection(languages=("fr",))).build()
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.2.0"

_PUBLIC = {
    "Builder": "builder", "Build": "builder", "Outcome": "builder", "Paths": "builder",
    "build": "builder", "prepare": "builder",
    "Edition": "editions", "Selection": "editions", "printed_blocks": "editions",
    "Execution": "workers",
    "EditionKind": "kinds", "SiteKind": "kinds", "Product": "kinds", "Site": "kinds",
    "FORMATS": "registry", "VARIANTS": "registry", "Format": "registry", "Variant": "registry",
    "Library": "model", "load_library": "model",
    "LeafletError": "errors", "ContentError": "errors", "BuildError": "errors",
    "SetupError": "errors", "UsageError": "errors",
    "main": "cli",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'leaflets' has no attribute {name!r}")
