"""The city's default risk weights for the follow-up plan, installed by migration 0006 as version 1.

Score = Σ weight × value over the factors (see ``rules.score``). Per factor:
- open_findings: per finding from last year's follow-ups not resolved when the plan is computed;
- serious_findings: per serious finding (allvarlig brist) from last year's follow-ups, on top;
- escalations: per finding from last year's follow-ups escalated to the responsible administration;
- lex_sarah_cases: per lex Sarah report made last year at the provider unit or below (a count only);
- places: per place or user (plats/brukare) the contract records;
- annual_value_msek: per million kronor of the contract's annual value.
Thresholds: the score from which a follow-up type is proposed; a document review always is, a
night visit only where the contract records night operations.
"""

CITY_WEIGHTS = {
    "weights": {
        "open_findings": 2.0, "serious_findings": 3.0, "escalations": 5.0, "lex_sarah_cases": 1.0,
        "places": 0.02, "annual_value_msek": 0.05,
    },
    "thresholds": {"visit": 3.0, "user_survey": 4.0, "unannounced_visit": 8.0, "night_visit": 12.0},
    "note": "Stadens standardvikter för avtals- och verksamhetsuppföljning: föregående års brister, eskaleringar, "
            "lex Sarah-rapporter och verksamhetens storlek.",
}
