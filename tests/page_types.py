"""One address per page type of the built site, shared by the browser tests, the layout tests
and the Lighthouse benchmark."""

PAGE_TYPES: dict[str, str] = {
    "front": "",
    "explorer": "aktiviteter/",
    "activity": "aktiviteter/sjakket/",
    "activity-without-followup": "aktiviteter/tryghedsundersoegelse/",
    "goal": "maal/effektmaal-1/",
    "goal-without-data": "maal/effektmaal-3/",
    "goals": "maal/",
    "focus-area": "program/unge-over-18/",
    "principle": "program/princip-2/",
    "programme": "program/",
    "results": "resultater/",
    "annual-report": "resultater/aarsrapport-2019/",
    "summaries": "resultater/sammenfatning/",
    "budget-effect": "resultater/budget-og-effekt/",
    "status": "resultater/status/",
    "stories": "fortaellinger/",
    "story": "fortaellinger/deniz/",
    "glossary": "ordliste/",
    "vision": "vision/",
    "methodology": "om/metode/",
    "open-data": "om/data/",
    "accessibility": "om/tilgaengelighed/",
}
INTERNAL_ONLY = {"data-quality": "intern/datakvalitet/"}
