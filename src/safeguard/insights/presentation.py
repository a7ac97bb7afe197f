"""Results in words and tables for the pages and the downloads: percentages, intervals, labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safeguard.assessments.ports import known_limits_in_words
from safeguard.core.exports import Column, ExportList
from safeguard.insights import charts
from safeguard.insights.analysis import STATUS_LABELS, Filters
from safeguard.insights.choices import CountedKinds, OutcomeMeasure
from safeguard.instruments import registry
from safeguard.prevention.ports import RULES as PREVENTION_RULES
from safeguard.stats.disclosure import HIDDEN_TEXT


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def ci_pct(ci: Sequence[float | None] | None, digits: int = 1) -> str:
    if not ci or ci[0] is None or ci[1] is None:
        return "not estimable"
    return f"{ci[0] * 100:.{digits}f}% to {ci[1] * 100:.{digits}f}%"


def num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def ci_num(ci: Sequence[float | None] | None, digits: int = 2) -> str:
    if not ci or ci[0] is None:
        return "not estimable"
    high = "no upper limit" if ci[1] is None else f"{ci[1]:.{digits}f}"
    return f"{ci[0]:.{digits}f} to {high}"


def p_value(p: float | None) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return "below 0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def describe(filters: Filters) -> str:
    """The analysis in words, for headings and downloads."""
    parts = [str(OutcomeMeasure(filters.measure).label), f"counted as: {str(CountedKinds(filters.counted).label).lower()}"]
    if filters.sex:
        parts.append("men" if filters.sex == "male" else "women")
    if filters.band:
        parts.append(f"{filters.band.replace('_', ' ')} band on {registry.metadata(filters.instrument).name}")
    if filters.programme:
        parts.append(f"programme {filters.programme}")
    if filters.site:
        parts.append(f"site {filters.site}")
    if filters.start_from or filters.start_to:
        start = filters.start_from.strftime("%-d %B %Y") if filters.start_from else "the beginning"
        end = filters.start_to.strftime("%-d %B %Y") if filters.start_to else "today"
        parts.append(f"follow-up started from {start} to {end}")
    return "; ".join(parts)


def _survival(result: dict[str, Any], filters: Filters) -> dict[str, Any]:
    times = result["times"]
    drawn = [g for g in result["groups"] if "steps" in g]
    chart = charts.survival_chart(
        key="survival", title=f"Share still free of the outcome, by {result.get('split_label', 'programme status').lower()}",
        series=[charts.Series(g["label"], g["steps"], g["last_time"]) for g in drawn],
    )
    rows = []
    for g in result["groups"]:
        row = {"label": g["label"], "n": g["n"], "events": g["events"], "too_few": g.get("too_few"), "at": []}
        for t in times:
            point = g.get("at", {}).get(t)
            row["at"].append({
                "time": t,
                "rate": pct(point["rate"]) if point and point["rate"] is not None else "–",
                "ci": ci_pct(point["rate_ci"]) if point else "–",
                "at_risk": point["at_risk"] if point else None,
                "survival": pct(point["survival"]) if point and point["survival"] is not None else "–",
            })
        rows.append(row)
    return {
        "chart": chart, "rows": rows, "times": times, "logrank": p_value(result.get("logrank_p")),
        "cox_adjusted": _cox(result.get("cox_adjusted")), "cox_unadjusted": _cox(result.get("cox_unadjusted")),
        "description": describe(filters),
    }


def _cox(cox: dict[str, Any] | None) -> dict[str, Any] | None:
    if cox is None:
        return None
    if "terms" not in cox:
        return {"message": cox.get("message", "")}
    return {
        "n": cox["n"], "events": cox["events"], "note": cox.get("note"), "ph_doubtful": cox.get("ph_doubtful", []),
        "terms": [
            {"label": t["label"], "hr": num(t["hr"]), "ci": ci_num(t["ci"]), "p": p_value(t["p"]),
             "ph": p_value(t["ph_p"]), "ph_doubtful": t["ph_doubtful"]}
            for t in cox["terms"]
        ],
    }


def _calibration_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"label": r["label"].replace("_", " ").capitalize(), "n": r["n"], "events": r["events"],
         "expected": pct(r["expected"]), "observed": pct(r["observed"]), "observed_ci": ci_pct(r["observed_ci"]),
         "e_o": num(r["e_o"]), "ci": ci_num(r["ci"])}
        for r in rows
    ]


def _validation(result: dict[str, Any], filters: Filters) -> dict[str, Any]:
    meta = registry.metadata(filters.instrument)
    view: dict[str, Any] = {"instrument": meta.name, "description": describe(filters), "horizon": result["horizon"]}
    auc = result.get("auc")
    if auc:
        view["auc"] = {"message": auc["message"]} if "message" in auc else {
            "value": num(auc["auc"]), "ci": ci_num(auc["ci"]), "n": auc["n"], "events": auc["events"],
            "excluded": auc["excluded"]}
    cal = result.get("calibration")
    if cal:
        if "message" in cal:
            view["calibration"] = {"message": cal["message"]}
        else:
            bands = [r for r in cal["bands"] if r["observed"] is not None]
            view["calibration"] = {
                "overall": _calibration_rows([cal["overall"]])[0], "bands": _calibration_rows(cal["bands"]),
                "chart": charts.calibration_chart(
                    key="calibration", title=f"Observed against expected by band, {meta.name}",
                    points=[charts.CalibrationPoint(r["label"].replace("_", " ").capitalize(), r["expected"], r["observed"],
                                                    *(r["observed_ci"] or [None, None])) for r in bands],
                ),
            }
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in result.get("subgroups", []):
        groups.setdefault(r["variable"], []).append({
            "level": r["level"], "n": r["n"], "events": r["events"], "excluded": r["excluded"],
            "auc": (r["auc"].get("message") and "too few") or num(r["auc"].get("auc")),
            "auc_ci": "" if "message" in r["auc"] else ci_num(r["auc"]["ci"]),
            "auc_message": r["auc"].get("message"),
            "e_o": None if r["calibration"] is None else ("too few" if "message" in r["calibration"] else num(r["calibration"]["e_o"])),
            "e_o_ci": "" if r["calibration"] is None or "message" in r["calibration"] else ci_num(r["calibration"]["ci"]),
        })
    view["subgroups"] = groups
    view["calibration_note"] = result.get("calibration_note")
    view["has_probability"] = bool(cal and "message" not in cal)
    view["verified"] = all(t.status == "verified" for t in meta.tables) if meta.tables else True
    view["known_limits"] = known_limits_in_words(filters.instrument)
    return view


def present(kind: str, result: dict[str, Any], filters: Filters) -> dict[str, Any]:
    return _survival(result, filters) if kind == "survival" else _validation(result, filters)


# ---------------------------------------------------------------- downloads

EXPORT_COLUMNS: list[Column[dict[str, Any]]] = [
    Column("Section", lambda r: r["section"]),
    Column("Group", lambda r: r["group"]),
    Column("Time (years)", lambda r: r.get("time")),
    Column("People", lambda r: r.get("n")),
    Column("Events", lambda r: r.get("events")),
    Column("At risk or excluded", lambda r: r.get("other")),
    Column("Estimate", lambda r: r.get("estimate")),
    Column("95% CI low", lambda r: r.get("low")),
    Column("95% CI high", lambda r: r.get("high")),
]


def _ci_parts(ci: Sequence[float | None] | None) -> dict[str, float | None]:
    return {"low": ci[0] if ci else None, "high": ci[1] if ci else None}


def _survival_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for g in result["groups"]:
        if "at" not in g:
            rows.append({"section": "Too few events for a curve", "group": g["label"], "n": g["n"], "events": g["events"]})
            continue
        for t, point in g["at"].items():
            rows.append({"section": "Proportion with the outcome by then", "group": g["label"], "time": float(t),
                         "n": g["n"], "events": g["events"], "other": point["at_risk"], "estimate": point["rate"],
                         **_ci_parts(point["rate_ci"])})
    for section, cox in (("Hazard ratio adjusted for the risk score", result.get("cox_adjusted")),
                         ("Hazard ratio, not adjusted", result.get("cox_unadjusted"))):
        for term in (cox or {}).get("terms", []):
            rows.append({"section": section, "group": term["label"], "n": cox["n"], "events": cox["events"],  # type: ignore[index]
                         "estimate": term["hr"], **_ci_parts(term["ci"])})
    return rows


def _validation_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    auc = result.get("auc") or {}
    if "auc" in auc:
        rows.append({"section": "AUC", "group": "Everyone", "n": auc["n"], "events": auc["events"], "other": auc["excluded"],
                     "estimate": auc["auc"], **_ci_parts(auc["ci"])})
    cal = result.get("calibration") or {}
    for r in ([cal["overall"], *cal["bands"]] if "overall" in cal else []):
        rows.append({"section": "Expected over observed (E/O)", "group": r["label"], "n": r["n"], "events": r["events"],
                     "estimate": r["e_o"], **_ci_parts(r["ci"])})
    for r in result.get("subgroups", []):
        if "auc" in r["auc"]:
            rows.append({"section": f"AUC by {r['variable'].lower()}", "group": r["level"], "n": r["n"], "events": r["events"],
                         "other": r["excluded"], "estimate": r["auc"]["auc"], **_ci_parts(r["auc"]["ci"])})
        else:
            rows.append({"section": f"AUC by {r['variable'].lower()}: too few events", "group": r["level"], "n": r["n"],
                         "events": r["events"], "other": r["excluded"]})
    return rows


def export_for(kind: str, computed: Any, filters: Filters, *, list_url: str) -> ExportList[dict[str, Any]]:
    rows = _survival_rows(computed.result) if kind == "survival" else _validation_rows(computed.result)
    return ExportList(
        rows=rows, columns=EXPORT_COLUMNS, name=f"insights.{kind}", filename=f"insights-{kind}", list_url=list_url,
        object_type="insights.AnalysisResult", filters={k: str(v) for k, v in filters.as_dict().items() if v not in (None, "")},
    )


FLOW_TITLES = {
    "prevention_channels": "Prevention contacts by channel",
    "prevention_concerns": "Prevention contacts by concern",
    "prevention_referrals": "Prevention referrals to a centre and appointments",
    "funnel": "Referral funnel by programme and site",
    "caseload": "Caseload and home visits",
}


def flow_tables(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Tables of the reach-and-flow page. Prevention figures come disclosure-controlled: a hidden one
    (None) reads "[c]", with the rule under the table; elsewhere None means "not applicable"."""
    out: list[dict[str, Any]] = []
    for key, rows in tables.items():
        protected = key.startswith("prevention")
        columns = list(rows[0]) if rows else []
        cells = [[row.get(c) for c in columns] for row in rows]
        if protected:
            cells = [[HIDDEN_TEXT if cell is None else cell for cell in row] for row in cells]
        out.append({"key": key, "title": FLOW_TITLES[key], "columns": [_column(c) for c in columns], "rows": cells,
                    "note": PREVENTION_RULES.explanation() if protected else ""})
    return out


def _column(key: str) -> str:
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:]


STATUS_NAMES = STATUS_LABELS
