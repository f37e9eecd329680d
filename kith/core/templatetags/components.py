"""GOV.UK Design System components shared by every part's templates, so the
markup of a back link or a summary list row is written once.

    {% load components %}
    {% back_link back %}                      {# "Back" #}
    {% url 'helpers:list' as back_url %}{% back_link back_url _("Back to helpers") %}

    {% summary_list %}
      {% summary_row _("Email") %}{{ person.email|default:"—" }}{% endsummary_row %}
      {% summary_row _("Plan") change=plan_url %}{{ plan }}{% endsummary_row %}
    {% endsummary_list %}
"""

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def back_link(href: str, label: str | None = None) -> SafeString:
    """The GOV.UK back link, above a page's heading."""
    return format_html(
        '<a href="{}" class="govuk-back-link">{}</a>', href, label or gettext("Back")
    )


#: Where the rows of the summary list being drawn say whether they had
#: actions, and the mark each row without actions leaves in its class.
_ROWS_WITH_ACTIONS = "kith_summary_rows_with_actions"
_NO_ACTIONS_MARK = "\x00no-actions\x00"


class _SummaryListNode(template.Node):
    def __init__(self, nodelist: template.NodeList, classes: FilterExpression | None):
        self.nodelist = nodelist
        self.classes = classes

    def render(self, context: template.Context) -> str:
        extra = self.classes.resolve(context) if self.classes else ""
        outer = context.render_context.get(_ROWS_WITH_ACTIONS)
        context.render_context[_ROWS_WITH_ACTIONS] = []
        try:
            rows = str(self.nodelist.render(context))
            with_actions = any(context.render_context[_ROWS_WITH_ACTIONS])
        finally:
            context.render_context[_ROWS_WITH_ACTIONS] = outer
        # As the GOV.UK macro does: when some rows have actions, those
        # without say so, so that every row's value is as wide.
        rows = rows.replace(
            _NO_ACTIONS_MARK,
            " govuk-summary-list__row--no-actions" if with_actions else "",
        )
        return format_html(
            '<dl class="govuk-summary-list{}">{}</dl>',
            f" {extra}" if extra else "",
            SafeString(rows),
        )


@register.tag
def summary_list(parser: Parser, token: Token) -> _SummaryListNode:
    """``{% summary_list %}…{% endsummary_list %}``, optionally with extra
    classes: ``{% summary_list "govuk-!-margin-bottom-9" %}``."""
    bits = token.split_contents()[1:]
    nodelist = parser.parse(("endsummary_list",))
    parser.delete_first_token()
    return _SummaryListNode(nodelist, parser.compile_filter(bits[0]) if bits else None)


class _SummaryRowNode(template.Node):
    def __init__(
        self,
        nodelist: template.NodeList,
        key: FilterExpression | template.NodeList,
        options: dict[str, FilterExpression],
    ):
        self.nodelist = nodelist
        self.key = key
        self.options = options

    def render(self, context: template.Context) -> str:
        if isinstance(self.key, template.NodeList):
            key: Any = SafeString(self.key.render(context).strip())
        else:
            key = self.key.resolve(context)
        value = SafeString(self.nodelist.render(context).strip())
        option: dict[str, Any] = {
            name: expression.resolve(context)
            for name, expression in self.options.items()
        }
        actions = ""
        if option.get("change"):
            actions = format_html(
                '<dd class="govuk-summary-list__actions"><a class="govuk-link" '
                'href="{}">{}<span class="govuk-visually-hidden"> {}</span></a></dd>',
                option["change"],
                option.get("action") or gettext("Change"),
                option.get("hidden") or str(key).lower(),
            )
        seen = context.render_context.get(_ROWS_WITH_ACTIONS)
        if seen is not None:
            seen.append(bool(actions))
        return format_html(
            '<div class="govuk-summary-list__row{}">'
            '<dt class="govuk-summary-list__key">{}</dt>'
            '<dd class="govuk-summary-list__value">{}</dd>{}</div>',
            "" if actions or seen is None else SafeString(_NO_ACTIONS_MARK),
            key,
            value,
            actions,
        )


@register.tag
def summary_row(parser: Parser, token: Token) -> _SummaryRowNode:
    """``{% summary_row key [change=url] [action=label] [hidden=words] %}value
    {% endsummary_row %}``: one row; with ``change`` a "Change" link whose
    visually hidden words (the key in lower case unless ``hidden`` is given)
    say what it changes.

    A key with markup in it (a link, a plural) is written as a block instead:
    ``{% summary_row [options] %}key{% summary_value %}value{% endsummary_row %}``
    (then ``hidden`` is needed with ``change``)."""
    bits = token.split_contents()[1:]
    key_bit = bits[0] if bits and "=" not in bits[0] else None
    options = {}
    for bit in bits[1 if key_bit is not None else 0 :]:
        name, sep, value = bit.partition("=")
        if not sep or name not in {"change", "action", "hidden"}:
            raise template.TemplateSyntaxError(f"summary_row: unknown option {bit!r}")
        options[name] = parser.compile_filter(value)
    key: FilterExpression | template.NodeList
    if key_bit is None:
        key = parser.parse(("summary_value",))
        parser.delete_first_token()
    else:
        key = parser.compile_filter(key_bit)
    nodelist = parser.parse(("endsummary_row",))
    parser.delete_first_token()
    return _SummaryRowNode(nodelist, key, options)
