"""Authorization-matrix rows for every prevention URL: the public help pages (everyone, no sign-in),
the staff pages and the API (prevention staff of the handling centre only; an adviser of another
centre gets 404 for this centre's records; every other role 403, anonymous 302 or 401).

The records named in the addresses belong to the centre of `prev_prac` and `prev_sup`.
"""

from __future__ import annotations

from tests.conftest import ROLES
from tests.security.matrix_common import everyone

PREVENTION_STAFF = {"prev_prac", "prev_sup", "prev_other"}
THIS_CENTRE = {"prev_prac", "prev_sup"}
SUPERVISORS = {"prev_sup"}


def staff(ok: int = 200, allowed: set[str] = PREVENTION_STAFF, other_centre: int | None = None,
          anonymous: int = 302) -> dict[str, int]:
    """`ok` for the allowed roles; for an adviser of another centre `other_centre` when given (404: a
    record of this centre); 403 for every other role."""
    result = {}
    for name in ROLES:
        if name == "prev_other" and other_centre is not None:
            result[name] = other_centre
        else:
            result[name] = ok if name in allowed else 403
    result["anonymous"] = anonymous
    return result


def record(ok: int = 200) -> dict[str, int]:
    """A record of this centre: its staff `ok`, the other centre's adviser 404, everyone else 403."""
    return staff(ok, THIS_CENTRE | {"prev_other"}, other_centre=404)


def api(ok: int = 200) -> dict[str, int]:
    return staff(ok, anonymous=401)


PUBLIC_READ = {"GET": everyone(200), "POST": everyone(405)}
NO_CONVERSATION = everyone(200)  # the page saying no conversation is open in this browser

ROWS: dict[str, dict[str, dict[str, int]]] = {
    # public help pages
    "help:home": PUBLIC_READ,
    "help:confidentiality": PUBLIC_READ,
    "help:self-help": PUBLIC_READ,
    "help:module": PUBLIC_READ,
    "help:centres": PUBLIC_READ,
    "help:urgent": PUBLIC_READ,
    "help:left": PUBLIC_READ,
    "help:self-assessment": {"GET": everyone(200), "POST": everyone(400)},
    "help:self-assessment-share": {"GET": everyone(405), "POST": NO_CONVERSATION},
    "help:start": {"GET": everyone(200), "POST": everyone(400)},
    "help:return": {"GET": everyone(200), "POST": everyone(400)},
    "help:conversation": {"GET": NO_CONVERSATION, "POST": NO_CONVERSATION},
    "help:code-saved": {"GET": everyone(405), "POST": NO_CONVERSATION},
    "help:leave": {"GET": everyone(405), "POST": everyone(303)},
    "help:centre-request": {"GET": NO_CONVERSATION, "POST": NO_CONVERSATION},
    "help:appointment": {"GET": everyone(405), "POST": NO_CONVERSATION},
    # staff pages
    "prevention:inbox": {"GET": staff()},
    "prevention:conversation": {"GET": record()},
    "prevention:reply": {"GET": everyone(405), "POST": record(400)},
    "prevention:note": {"GET": everyone(405), "POST": record(400)},
    "prevention:assign": {"GET": everyone(405), "POST": record(302)},
    "prevention:close": {"GET": record(), "POST": record(400)},
    "prevention:self-assessment": {"GET": record(), "POST": record(400)},
    "prevention:refer": {"GET": record(), "POST": record(400)},
    "prevention:disclosure-request": {"GET": staff(allowed=SUPERVISORS), "POST": staff(400, allowed=SUPERVISORS)},
    "prevention:contacts": {"GET": staff()},
    "prevention:contact-create": {"GET": staff(), "POST": staff(400)},
    "prevention:waiting-list": {"GET": staff()},
    "prevention:referral": {"GET": record(), "POST": record(400)},
    "prevention:statistics": {"GET": staff()},
    "prevention:templates": {"GET": staff(allowed=SUPERVISORS), "POST": staff(400, allowed=SUPERVISORS)},
    "prevention:template-retire": {"GET": everyone(405), "POST": staff(302, allowed=SUPERVISORS)},
    "prevention:centre": {"GET": staff(allowed=SUPERVISORS), "POST": staff(400, allowed=SUPERVISORS)},
    "prevention:disclosures": {"GET": staff(allowed=SUPERVISORS | {"auditor"})},
    "prevention:disclosure": {"GET": staff(allowed=SUPERVISORS), "POST": staff(400, allowed=SUPERVISORS)},
    # API
    "api-1:prevention_conversations": {"GET": api()},
    "api-1:prevention_contacts": {"GET": api()},
    "api-1:prevention_contact_create": {"POST": api(201)},
    "api-1:prevention_statistics": {"GET": api()},
}

API_BODIES = {
    "api-1:prevention_contact_create": {
        "channel": "phone", "started_at": "2026-01-05T10:30:00+00:00", "duration_minutes": 20,
        "contact_by": "self", "concern": "own_thoughts", "outcome": "information", "interpreter": False,
    },
}


def kwargs_for(name: str, world) -> dict:
    from tests import prevention_fixtures as fx

    if name.startswith("help:"):
        return {"language": "en", **({"slug": "good-life"} if name == "help:module" else {})}
    if not name.startswith("prevention:"):
        return {}
    if name == "prevention:referral":
        conversation, _token, _code = fx.start(world)
        return {"pk": fx.referral(world, conversation).pk}
    if name == "prevention:template-retire":
        return {"pk": fx.template(world).pk}
    if name == "prevention:disclosure":
        conversation, _token, _code = fx.start(world)
        return {"pk": fx.disclosure(world, conversation).pk}
    if name.startswith("prevention:") and name not in (
        "prevention:inbox", "prevention:contacts", "prevention:contact-create", "prevention:waiting-list",
        "prevention:statistics", "prevention:templates", "prevention:centre", "prevention:disclosures",
    ):
        conversation, _token, _code = fx.start(world)
        return {"pk": conversation.pk}
    return {}
