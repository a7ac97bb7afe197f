"""Authorization-matrix rows for the platform services: calendar feeds, list downloads, public pages.

The feed address is its own credential (a calendar app sends no cookie): every caller, signed in
or not, gets the feed of the user who made the link. Its management is for any signed-in role.
"""

from __future__ import annotations

from tests.security.matrix_common import SENTENCERS, everyone, staff_only

ROWS: dict[str, dict[str, dict[str, int]]] = {
    "feeds:feed": {"GET": everyone(200), "POST": everyone(405)},
    "feeds:create": {"GET": everyone(405), "POST": everyone(200, anonymous=302)},
    "feeds:revoke": {"GET": everyone(405), "POST": everyone(302)},
    "courts:case-list-export": {"GET": staff_only(SENTENCERS)},
    "public:about": {"GET": everyone(200), "POST": everyone(405)},
}


def kwargs_for(name: str, world) -> dict:
    if name == "feeds:feed":
        from safeguard.feeds import services

        return {"token": services.feed_create(actor=world.actor("prob_prac"))}
    if name == "courts:case-list-export":
        return {"fmt": "csv"}
    if name == "public:about":
        return {"language": "de"}
    return {}
