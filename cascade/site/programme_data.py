"""Per-site details from the programme configuration (cascade/programme.yml): out-of-hours
routes and each site's peer support team."""

from __future__ import annotations


def _site_rows(programme: dict) -> list[dict]:
    sites = programme.get("sites") or []
    return [s for s in sites if isinstance(s, dict) and s.get("code")]


def out_of_hours(programme: dict) -> str:
    """Who to call when the site team is closed, per site (programme configuration)."""
    lines = []
    for site in _site_rows(programme):
        routes = site.get("out_of_hours") or []
        lines.append(f"**{site.get('name', site['code'])}**\n")
        if not routes:
            lines.append("- The site team has not added its out-of-hours routes yet. Until it does, use the "
                         "numbers below.\n")
        for route in routes:
            phone = f": {route['phone']}" if route.get("phone") else ""
            when = f" ({route['when']})" if route.get("when") else ""
            lines.append(f"- {route.get('who', 'Call')}{phone}{when}")
        lines.append("")
    lines += ["**Everywhere in England, at any time**\n",
              "- Someone is in danger now: call 999.",
              "- Urgent mental health help: call NHS 111 and choose the mental health option.",
              "- Samaritans, to talk: call 116 123 (free, day or night)."]
    return "\n".join(lines) + "\n"


def site_contacts(programme: dict) -> str:
    """How to reach each site's peer support team (programme configuration)."""
    rows = ["| Area | Team | Phone | Email | When |", "|---|---|---|---|---|"]
    for site in _site_rows(programme):
        team = site.get("team") or {}
        cells = [site.get("name", site["code"]), team.get("name", "To be confirmed"), team.get("phone", "-"),
                 team.get("email", "-"), team.get("hours", "-")]
        rows.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(rows) + "\n"
