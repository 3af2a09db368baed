"""Texts in flows/ with `{fields}`: the names they use, and filling them in (a field with no
value is left as it is, for a later step to fill)."""

import string


class _TemplateValues(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def template_fields(text):
    """The `{field}` names a text uses (ValueError for a stray brace)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def fill_template(text, values):
    """`text` with each `{field}` that `values` has replaced; ValueError for a stray brace."""
    if "{" not in text:
        return text
    return text.format_map(_TemplateValues(values))
