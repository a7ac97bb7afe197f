"""Statistics on the platform's own outcome data: survival, discrimination, calibration, disclosure.

A pure core: no Django, no app. It takes plain arrays (numpy) and returns frozen dataclasses that
say what was estimated, how, and when there was too little data to say anything ("too few events"
is a result, not an exception). Survival curves and the Cox model are computed by lifelines;
discrimination, calibration and the proportional-hazards check by numpy and scipy. Methods and
their limits in plain words: docs/insights.md.
"""

METHODS_VERSION = "stats-1"
