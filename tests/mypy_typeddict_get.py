"""A mypy plugin (pyproject.toml, [tool.mypy] plugins): `.get("key")` on a TypedDict
that does not declare "key" is an error, `typeddict-item`, as `["key"]` is. mypy itself
lets `.get` take any key (it returns `object`), so a misspelt key read with `.get` (the
pages' usual way) would go unnoticed by tests/test_results_model.py."""

from __future__ import annotations

from collections.abc import Callable

from mypy.plugin import MethodContext, Plugin
from mypy.plugins.default import typed_dict_get_callback
from mypy.typeops import try_getting_str_literals
from mypy.types import Type, TypedDictType


def _get(ctx: MethodContext) -> Type:
    if (isinstance(ctx.type, TypedDictType) and ctx.arg_types and len(ctx.arg_types[0]) == 1
            and len(ctx.args[0]) == 1):
        keys = try_getting_str_literals(ctx.args[0][0], ctx.arg_types[0][0]) or []
        for key in keys:
            if key not in ctx.type.items:
                ctx.api.msg.typeddict_key_not_found(ctx.type, key, ctx.context)
    return typed_dict_get_callback(ctx)         # mypy's own inference of the value's type


class TypedDictGet(Plugin):
    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return _get if fullname == "typing.Mapping.get" else None


def plugin(version: str) -> type[Plugin]:
    return TypedDictGet
