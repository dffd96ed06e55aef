"""Template filters that mark what the people finder matched: ``{{ person.full_name|
mark_name:query }}`` (names layer, surname and given name as one), ``{{ unit.name|
mark_match:query }}``. Escaped text as written, ``<mark>`` around the matches; the
folding is ``directory.text``'s."""

from django import template

from directory.text import mark_matches

register = template.Library()


@register.filter
def mark_name(value, query):
    return mark_matches(str(value or ""), str(query or ""), names=True)


@register.filter
def mark_match(value, query):
    return mark_matches(str(value or ""), str(query or ""))
