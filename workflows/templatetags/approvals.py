from django import template

from workflows import access
from workflows.sanitize import render_html
from workflows.seals import seal_svg

register = template.Library()


@register.filter
def seal(value, size=76):
    return seal_svg(value, size=int(size)) if value else ""


@register.filter
def rich_text(value):
    """The document body, sanitised again on the way out."""
    return render_html(value)


@register.filter
def yen(value):
    return "" if value is None else f"{value:,}円"


@register.simple_tag
def is_approval_admin(user):
    return access.is_approval_admin(user)


@register.simple_tag(takes_context=True)
def title_for(context, document):
    """The document's title as the gate (``access.title_for``) lets the viewer see
    it: the template asks for each row, whatever the view put in the list."""
    return access.title_for(context["request"].user, document)
