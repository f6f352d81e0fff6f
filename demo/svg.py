"""Small helpers that write SVG markup as strings.

Coordinates are in the figure's viewBox units. Figures scale to the width of their
container, so a font size of 14 units is about 14 px when a figure is shown at the width
of its viewBox.
"""

from html import escape


def _attributes(extra: dict[str, object] | None) -> str:
    if not extra:
        return ""
    parts = []
    for name, value in extra.items():
        if value is None:
            continue
        parts.append(f' {name}="{escape(str(value), quote=True)}"')
    return "".join(parts)


def figure(width: float, height: float, body: str, *, label: str, attributes: dict[str, object] | None = None) -> str:
    """Wrap ``body`` in an <svg> that keeps its aspect ratio and fills the container's width.

    ``label`` becomes the accessible name (role="img", aria-label) and the tooltip title.
    """
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'role="img" aria-label="{escape(label, quote=True)}" class="figure"{_attributes(attributes)}>'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 14,
    anchor: str = "start",
    weight: str | None = None,
    css_class: str | None = None,
    rotate: float | None = None,
    fill: str = "#202124",
    baseline: str = "middle",
) -> str:
    transform = f' transform="rotate({rotate:g} {x:g} {y:g})"' if rotate else ""
    weight_attribute = f' font-weight="{weight}"' if weight else ""
    class_attribute = f' class="{css_class}"' if css_class else ""
    fill_attribute = f' fill="{fill}"'
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" text-anchor="{anchor}" '
        f'dominant-baseline="{baseline}"{weight_attribute}{class_attribute}{fill_attribute}{transform}>'
        f"{escape(content)}</text>"
    )


def rect(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: str = "none",
    stroke: str | None = None,
    stroke_width: float = 1,
    css_class: str | None = None,
    attributes: dict[str, object] | None = None,
) -> str:
    stroke_part = f' stroke="{stroke}" stroke-width="{stroke_width:g}"' if stroke else ""
    class_part = f' class="{css_class}"' if css_class else ""
    return (
        f'<rect x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}" fill="{fill}"'
        f"{stroke_part}{class_part}{_attributes(attributes)}/>"
    )


def line(
    x1: float, y1: float, x2: float, y2: float, *, stroke: str = "#444", stroke_width: float = 1, dash: str | None = None
) -> str:
    """Return an SVG line, dashed when ``dash`` is a stroke-dasharray such as "6 4"."""
    dash_part = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{stroke}" stroke-width="{stroke_width:g}"{dash_part}/>'


def image(x: float, y: float, width: float, height: float, uri: str, *, element_id: str | None = None) -> str:
    """Place a raster image; pixelated so that each value stays a sharp block."""
    id_part = f' id="{element_id}"' if element_id else ""
    return (
        f'<image{id_part} x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}" href="{uri}" '
        'preserveAspectRatio="none" style="image-rendering:crisp-edges;image-rendering:pixelated"/>'
    )


def linear_gradient(gradient_id: str, stops: list[tuple[float, str]]) -> str:
    """Return a horizontal gradient, from left (offset 0) to right (offset 1)."""
    stop_tags = "".join(f'<stop offset="{offset:g}" stop-color="{colour}"/>' for offset, colour in stops)
    return f'<defs><linearGradient id="{gradient_id}" x1="0" x2="1" y1="0" y2="0">{stop_tags}</linearGradient></defs>'


def grid_path(x: float, y: float, width: float, height: float, columns: int, rows: int) -> str:
    """Return one path with the inner lines of a columns x rows grid."""
    commands = []
    for column in range(1, columns):
        position = x + width * column / columns
        commands.append(f"M{position:.2f} {y:g}V{y + height:g}")
    for row in range(1, rows):
        position = y + height * row / rows
        commands.append(f"M{x:g} {position:.2f}H{x + width:g}")
    return f'<path d="{"".join(commands)}" stroke="#9aa0a6" stroke-width="0.5" fill="none" opacity="0.55"/>'
