"""Typed validation problems, the catalogue of their kinds, and the report that collects them.

Modelled on frictionless' errors: each problem has a stable ``kind`` (machine readable), a
location (file, row, field) and a message written for an editor, in Danish. Every kind is an
entry of ``CATALOGUE`` below (code, group, severity, Danish title, message template and a
description of what is wrong and how an editor fixes it); ``Problem`` refuses a kind that has no
entry, and ``tests/test_problem_catalogue.py`` scans the package for kinds that are emitted but
not catalogued. The README's list of kinds is generated from the catalogue:
``python -m sikkerby_build.problems --update README.md`` (plain ``python -m
sikkerby_build.problems`` prints it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ProblemKind:
    """One kind of problem: what the editor sees, and what the README says about it."""

    code: str  # stable, machine readable: the ``[kind]`` of a problem line
    group: str  # a key of GROUPS
    title: str  # Danish, short
    template: str  # Danish: the shape of the message; {placeholders} stand for what varies
    description: str  # Danish: what is wrong and how an editor fixes it
    severity: Severity = "error"
    variants: tuple[str, ...] = ()  # other message templates of the same kind (another file, another case)


GROUPS: dict[str, str] = {
    "data-file": "Datafiler (CSV)",
    "descriptor": "datapackage.json",
    "table": "Tabellernes indhold (frictionless)",
    "project": "Projektets egne regler for data",
    "quality": "Datakvalitet (advarsler)",
    "disclosure": "Små antal personer i fritekst (advarsler)",
    "content-file": "Indholdsfiler (content/)",
    "front-matter": "Front matter på indholdssider",
    "navigation": "Navigation",
    "live-figure": "Levende tal på sider",
    "news": "Nyheder",
    "audit": "Efterkontrol af det byggede site",
    "settings": "Kommunens indstillinger (content/indstillinger.yml)",
    "intake": "Årets indtag fra Excel-skemaer (sikkerby import)",
}

_EXCEL = "'sikkerby fix-csv data/<fil>' retter filen (se Redaktørguiden, 'Filer fra Excel'); eller gem den i Excel som \"CSV UTF-8 (kommasepareret)\"."

CATALOGUE: tuple[ProblemKind, ...] = (
    # ------------------------------------------------------------ data files
    ProblemKind(
        "missing-file", "data-file", "Filen mangler",
        "Filen findes ikke, men er nævnt i datapackage.json.",
        "En CSV-fil, som datapackage.json nævner (eller datapackage.json selv), findes ikke i datamappen. "
        "Læg filen på plads med præcis det navn, eller ret stien ('path') i datapackage.json.",
        variants=("datapackage.json findes ikke i datamappen {mappe}.",),
    ),
    ProblemKind(
        "byte-order-mark", "data-file", "Usynligt BOM-tegn først i filen",
        "Filen begynder med et usynligt byte-order-mærke (BOM). {hjælp: sikkerby fix-csv}",
        "Excel og Notesblok sætter ofte et usynligt tegn (BOM) først i filen, så den første kolonne får et forkert navn. "
        "Gem filen som UTF-8 uden BOM, fx i VS Code med 'Save with Encoding' > 'UTF-8'.",
    ),
    ProblemKind(
        "encoding-error", "data-file", "Filen er ikke UTF-8",
        "Filen er ikke gemt som UTF-8 (den ligner Latin-1/Windows-1252, så æ, ø og å bliver forkerte). {hjælp: sikkerby fix-csv}",
        "Filen er gemt i et andet tegnsæt (typisk Latin-1/Windows-1252), så æ, ø og å ville blive forkerte. "
        "Linjen viser det første tegn, der ikke kan læses. " + _EXCEL,
        variants=("Filen er ikke gemt som UTF-8.",),  # datapackage.json
    ),
    ProblemKind(
        "empty-file", "data-file", "Filen er tom",
        "Filen er tom; den skal mindst have en overskriftslinje.",
        "CSV-filen har ikke engang en overskriftslinje. Indsæt overskriftslinjen med kolonnenavnene fra datapackage.json.",
    ),
    ProblemKind(
        "semicolon-delimiter", "data-file", "Semikolon i stedet for komma",
        "Kolonnerne er adskilt med semikolon (dansk Excel). Filen skal være kommasepareret. {hjælp: sikkerby fix-csv}",
        "Dansk Excel gemmer CSV med semikolon mellem kolonnerne; filerne skal være kommaseparerede. " + _EXCEL,
    ),
    ProblemKind(
        "header-mismatch", "data-file", "Overskriftslinjen passer ikke til skemaet",
        "Overskriftslinjen passer ikke til skemaet i datapackage.json ({mangler: …; ukendte: …}). Forventet: {kolonner}",
        "Kolonnerne i første linje skal hedde og stå præcis som felterne i datapackage.json. "
        "Beskeden siger, hvilke kolonner der mangler, er ukendte eller står i forkert rækkefølge.",
    ),
    ProblemKind(
        "empty-table", "data-file", "Tabellen har ingen rækker",
        "Tabellen har ingen rækker, kun en overskrift.",
        "Filen har kun overskriftslinjen. Tilføj rækkerne fra kilden, eller markér tabellen som tilladt tom "
        "('emptyAllowed' i datapackage.json), hvis kilderne endnu ikke har data til den.",
    ),
    ProblemKind(
        "csv-unreadable", "data-file", "Filen kan ikke læses som CSV",
        "Filen kan ikke læses som CSV ({forklaring}). Gem den igen fra Excel som CSV UTF-8.",
        "Python's CSV-læser kan ikke læse filen, fx fordi et anførselstegn ikke er lukket, eller fordi en celle er "
        "urimeligt lang. Linjen er den, læseren nåede til. Gem filen igen fra Excel som CSV UTF-8.",
        variants=("En celle er længere end {grænse} tegn; del teksten op eller forkort den.",),
    ),
    ProblemKind(
        "control-character", "data-file", "Usynligt styretegn i teksten",
        "Teksten indeholder et usynligt styretegn (U+{kode}), fx et linjeskift fra Word (Skift+Enter) eller et sideskift. "
        "Slet tegnet eller brug et almindeligt linjeskift.",
        "Word og andre programmer kan lægge usynlige styretegn ind i teksten (fx U+000B for Skift+Enter); de kan ikke stå "
        "i HTML, XML eller PDF. Gælder både celler i CSV-filer og indholdssider. Slet tegnet, eller skriv teksten igen.",
    ),
    ProblemKind(
        "bidi-control", "data-file", "Usynligt tegn, der vender skriftretningen",
        "Teksten indeholder et usynligt tegn, der vender skriftretningen (U+{kode}); …",
        "Tegnene U+202A–202E og U+2066–2069 vender skriftretningen, så teksten kan se anderledes ud på siden end den er "
        "(et kendt trick til at skjule indhold). Gælder både celler og indholdssider. Skriv teksten igen uden at kopiere den.",
    ),
    ProblemKind(
        "nesting-too-deep", "data-file", "Teksten er indlejret for dybt",
        "Teksten er indlejret {dybde} niveauer dybt (lister, citater, HTML-elementer eller parenteser i hinanden); højst {grænse} er tilladt. Ret strukturen.",
        "Lister i lister, citater i citater eller HTML-elementer i hinanden ud over grænsen kan ikke vises pænt og kan få "
        "byggeriet til at gå i stå. Gælder både celler og indholdssider. Gør strukturen fladere.",
    ),
    # ------------------------------------------------------------ datapackage.json
    ProblemKind(
        "descriptor-json", "descriptor", "datapackage.json er ikke gyldig JSON",
        "datapackage.json kan ikke læses (linje {linje}, kolonne {kolonne}): {forklaring}.",
        "datapackage.json har en JSON-fejl, fx et manglende komma, et komma for meget eller et anførselstegn, "
        "der ikke er lukket. Ret filen på den nævnte linje og kolonne.",
    ),
    ProblemKind(
        "descriptor-structure", "descriptor", "datapackage.json er bygget forkert op",
        "{hvad der mangler eller er forkert i 'resources', 'schema', 'path', en felttype eller en nøgle}",
        "datapackage.json kan læses, men mangler noget, datapakken skal have: en liste 'resources', et navn, en sti "
        "eller et skema pr. tabel, en kendt felttype, eller nøgler der peger på felter og tabeller, som findes. "
        "Stier skal ligge inde i datamappen. Ret det sted, beskeden peger på.",
    ),
    ProblemKind(
        "descriptor-invalid", "descriptor", "Datapakken kan ikke bruges af frictionless",
        "datapackage.json beskriver ikke en gyldig datapakke (fejltype '{type}'); tjek felttyper og nøgler i skemaerne.",
        "Frictionless kan ikke bruge skemaet, selv om filen er gyldig JSON. Tjek felttyper, begrænsninger "
        "('constraints') og nøgler i skemaerne mod Table Schema-standarden.",
        variants=("Datapakken kunne ikke valideres (fejltype '{type}').",),
    ),
    # ------------------------------------------------------------ table contents
    ProblemKind(
        "type-error", "table", "Værdien har forkert type",
        "'{værdi}' er ikke {type}.",
        "Cellen skal indeholde et helt tal, et tal, en dato (ÅÅÅÅ-MM-DD), et årstal eller true/false, som skemaet kræver. "
        "Tal skrives med punktum som decimaltegn og uden tusindtalsseparator.",
    ),
    ProblemKind(
        "required", "table", "Feltet skal udfyldes",
        "Feltet skal udfyldes.",
        "Cellen er tom, men feltet er obligatorisk i skemaet. Udfyld den ud fra kilden.",
    ),
    ProblemKind(
        "enum", "table", "Værdien er ikke tilladt",
        "'{værdi}' er ikke en tilladt værdi. Tilladt er: {værdier}. Mente du '{forslag}'?",
        "Feltet har en fast liste af værdier. Brug en af dem, stavet præcis som i listen.",
    ),
    ProblemKind(
        "out-of-range", "table", "Værdien er uden for det tilladte",
        "'{værdi}' er mindre/større end den mindste/største tilladte værdi, {grænse}. (eller: for kort/for lang tekst)",
        "Tallet er mindre eller større end skemaet tillader, eller teksten er for kort eller for lang. "
        "Tjek værdien i kilden.",
    ),
    ProblemKind(
        "invalid-format", "table", "Værdien har ikke den krævede form",
        "'{værdi}' har ikke den form, feltet kræver. {feltets beskrivelse}",
        "Feltet skal skrives på en bestemt form (beskrevet i feltets beskrivelse i datapackage.json). Ret værdien, så den følger den.",
    ),
    ProblemKind(
        "invalid-id", "table", "Ugyldig id",
        "'{værdi}' er ikke en gyldig id: brug kun små bogstaver a–z, tal og bindestreger (æ→ae, ø→oe, å→aa), fx 'den-korte-snor'.",
        "En id må kun have små bogstaver a–z, tal og bindestreger. Skriv æ som ae, ø som oe og å som aa.",
    ),
    ProblemKind(
        "duplicate-value", "table", "Værdien skal være unik",
        "'{værdi}' forekommer mere end én gang; værdien skal være unik.",
        "Feltet må ikke have samme værdi i to rækker. Ret eller slet den ene række.",
    ),
    ProblemKind(
        "constraint-error", "table", "En regel i skemaet er ikke overholdt",
        "'{værdi}' overholder ikke reglen '{regel}' i skemaet.",
        "Værdien bryder en regel ('constraints') i skemaet, som ikke har sin egen besked. Se reglen i datapackage.json.",
    ),
    ProblemKind(
        "duplicate-id", "table", "Id'en findes allerede",
        "Id'en findes allerede i linje {linje}; hver række skal have sin egen.",
        "To rækker har samme nøgle (fx samme aktivitet og år). Slet den dobbelte række, eller ret id'en i den ene.",
    ),
    ProblemKind(
        "unknown-reference", "table", "Henvisning til noget, der ikke findes",
        "{Aktiviteten} '{værdi}' findes ikke i {fil}{ (kolonnen …). Mente du '…'? Derudover henviser … til samme …}",
        "Rækken (eller en sides front matter) henviser til en id, som ikke findes i den tabel, den peger på. "
        "Ret stavningen (beskeden foreslår den nærmeste id) eller opret rækken. Rækker, der kun fejler på grund "
        "af samme fejl, nævnes i samme besked og er i orden, når den er rettet.",
    ),
    ProblemKind(
        "missing-cell", "table", "Rækken har for få kolonner",
        "Rækken har for få eller for mange kolonner (mangler der et komma eller anførselstegn?).",
        "Rækken har færre celler end overskriftslinjen, typisk fordi et komma mangler, eller en tekst med komma "
        "ikke står i anførselstegn.",
    ),
    ProblemKind(
        "extra-cell", "table", "Rækken har for mange kolonner",
        "Rækken har for få eller for mange kolonner (mangler der et komma eller anførselstegn?).",
        "Rækken har flere celler end overskriftslinjen, typisk fordi en tekst med komma ikke står i anførselstegn.",
    ),
    ProblemKind(
        "blank-row", "table", "Tom række",
        "Rækken er tom; slet den.",
        "Der står en tom række i tabellen. Slet den.",
    ),
    ProblemKind(
        "frictionless-error", "table", "Anden fejl fundet af frictionless",
        "Valideringen fandt en fejl af typen '{type}' her.",
        "Frictionless fandt en fejl, som Sikker By ikke har en egen besked for; typen er frictionless' navn for den. "
        "Se frictionless' dokumentation af typen, og ret rækken.",
    ),
    ProblemKind(
        "skeleton-incomplete", "table", "Ny række er ikke udfyldt",
        "{Aktiviteten '…' er oprettet med 'sikkerby new activity' og mangler stadig}: {fil linje …: felter}. Udfyld felterne, "
        "og skriv kilden i source i stedet for UDFYLD (dokumentets id og afsnit, fx '003 Sjakket (SOF) / MÅLOPFYLDELSE'); "
        "kør så 'sikkerby validate' igen.",
        "Rækker lavet med 'sikkerby new' har kilden UDFYLD, indtil de er udfyldt. Udfyld de nævnte felter, skriv "
        "kilden (dokumentets id og afsnit) i source, og kør 'sikkerby validate' igen.",
    ),
    # ------------------------------------------------------------ project rules
    ProblemKind(
        "fulfilment-incomplete", "project", "Målopfyldelsen er halvt udfyldt",
        "Udfyld både opfyldte (criteria_met) og opstillede (criteria_total) succeskriterier, eller lad begge være tomme, "
        "når målopfyldelsen ikke kan vurderes.",
        "Kun det ene af criteria_met og criteria_total er udfyldt. Udfyld begge, eller lad begge være tomme, når "
        "rapporten ikke vurderer målopfyldelsen.",
    ),
    ProblemKind(
        "met-exceeds-total", "project", "Flere opfyldte end opstillede succeskriterier",
        "Der kan ikke være flere opfyldte ({opfyldt}) end opstillede ({i alt}) succeskriterier.",
        "criteria_met er større end criteria_total. Tjek tallene i rapporten.",
    ),
    ProblemKind(
        "stated-total-mismatch", "project", "Tallet for hele byen passer ikke med bydelene",
        "Rækken for hele byen ({hvor}) angiver {angivet}, men bydelenes {antal} rækker giver {sum}. Ret tallet, eller slet rækken for hele byen: siderne regner hele byen ud fra bydelene.",
        "En række for hele byen står ved siden af rækker for bydelene med samme nøgle, men summen af bydelene er en anden. "
        "Siderne regner hele byen ud fra bydelene, så tallet for hele byen skal passe eller slettes.",
    ),
    ProblemKind(
        "unknown-source", "project", "Kilden nævner intet kendt dokument",
        "Kilden '{kilde}' begynder ikke med id'et på et dokument i documents.csv (kendte: {id'er}).{Mente du …?} Er det et nyt dokument, så tilføj det først i documents.csv.",
        "Hver kilde begynder med id'et på et dokument i documents.csv (fx '003 Sjakket (SOF) / MÅLOPFYLDELSE'). "
        "Ret id'et (beskeden foreslår det nærmeste), eller tilføj først det nye dokument i documents.csv.",
    ),
    ProblemKind(
        "alias-shadows-id", "project", "Et tidligere id er igen i brug",
        "Det tidligere id '{id}' er igen id for en aktivitet i activities.csv; slet rækken her, ellers går begge til samme adresse.",
        "activity_aliases.csv viderestiller en omdøbt aktivitets gamle adresse til den nye. Er det gamle id igen taget "
        "i brug af en aktivitet, ville begge gå til samme adresse: slet rækken i activity_aliases.csv.",
    ),
    # ------------------------------------------------------------ quality warnings
    ProblemKind(
        "fulfilment-mismatch", "quality", "Rapportens målopfyldelse passer ikke med målepunkterne",
        "{aktivitet år}: rapporten angiver målopfyldelse {a/b}, men målepunkterne giver {a/b}.",
        "Rapportens samlede målopfyldelse er en anden end den, målepunkternes egne vurderinger giver. Siderne viser "
        "målepunkternes tal og nævner rapportens. Tjek rapporten; ret kun, hvis tallene er skrevet forkert af.",
        "warning",
    ),
    ProblemKind(
        "effect-total-mismatch", "quality", "Samlet effektscore passer ikke med A1–A4",
        "{aktivitet år}: samlet effektscore er angivet som {tal}, men A1+A2+A3+A4 = {dele} = {sum}.",
        "Den samlede effektscore er ikke summen af de fire delscorer. Tjek rapporten.",
        "warning",
    ),
    ProblemKind(
        "effect-total-without-scores", "quality", "Samlet effektscore uden delscorer",
        "{aktivitet år}: samlet effektscore {tal} er angivet, men A1–A4 mangler.",
        "Opfølgningen har en samlet effektscore, men ingen delscorer i effect_scores.csv. Tilføj A1–A4 fra rapporten.",
        "warning",
    ),
    ProblemKind(
        "effect-scores-incomplete", "quality", "Delscorer mangler",
        "{aktivitet år}: kun {kriterier} er scoret; effektscoren kræver A1–A4.",
        "Kun nogle af de fire delscorer A1–A4 er udfyldt, så effektscoren kan ikke regnes ud. Tilføj de manglende.",
        "warning",
    ),
    ProblemKind(
        "budget-unreadable", "quality", "Budgettet kan ikke læses som ét beløb",
        "{aktivitet}: budgetteksten kan ikke læses som ét årligt beløb: \"{tekst}\".",
        "Budgetteksten fra kilden kan ikke læses som ét årligt beløb i kroner, så budget_dkk er tom, og siden viser "
        "teksten. Udfyld budget_dkk, hvis kilden giver ét årligt beløb.",
        "warning",
    ),
    # ------------------------------------------------------------ small numbers
    ProblemKind(
        "small-number-text", "project", "Lille antal personer i offentlig tekst",
        "„{tekst}“ kan være et lille antal personer … Omformulér, fx „{markør} unge“.",
        "En fritekst i den offentlige udgave nævner et antal personer i en form, som ikke kan skjules automatisk "
        "(fx et interval eller et tal uden 'ud af'). Byggeriet stopper, så tallet aldrig når den offentlige udgave. "
        "Omformulér i kilden, fx til 'få unge' eller 'X ud af 18 unge', eller læg en offentlig formulering i "
        "public_wordings.csv (kildens ord bliver i den interne udgave).",
    ),
    ProblemKind(
        "small-number-complement", "disclosure", "Forskellen er et lille antal personer",
        "„{tekst}“: forskellen {m} − {n} er et lille antal personer (under {grænse}). Omformulér, fx „de fleste af de {m}“.",
        "Teksten nævner to antal, hvis forskel er et lille antal personer, så det skjulte tal kan regnes ud. Omformulér.",
        "warning",
    ),
    ProblemKind(
        "small-number-arithmetic", "disclosure", "Skjult tal kan måske regnes ud",
        "Et lille antal personer er skjult i teksten, men teksten viser også andre antal personer eller procenter …",
        "Teksten skjuler et lille antal personer, men viser andre tal, som det skjulte tal måske kan regnes ud fra. "
        "Kontrollér og omformulér.",
        "warning",
    ),
    ProblemKind(
        "stated-total-left-out", "disclosure", "Tallet for hele byen udelades offentligt",
        "Rækken for hele byen ({hvor}) står ved siden af bydelenes rækker og udelades i den offentlige udgave: …",
        "En total for hele byen ved siden af bydelenes tal ville afsløre en skjult (lille) bydel ved at trække de viste fra. "
        "Den offentlige udgave udelader totalen, også i downloads; siderne viser summen af bydelene som et interval. "
        "Intet at rette: advarslen siger, hvad der sker.",
        severity="warning",
    ),
    ProblemKind(
        "public-wording-unused", "project", "Offentlig formulering passer ikke til kilden",
        "Teksten i 'original' findes ikke (længere) i feltet {felt} i {tabel}; ret den, så den svarer præcis til kildens ord, eller slet rækken.",
        "En række i public_wordings.csv skal erstatte en tekst (fx et lille antal personer) i den offentlige udgave, "
        "men teksten i 'original' står ikke i feltet. Den er måske rettet i kilden. Ret 'original', så den svarer præcis "
        "til kildens ord, eller slet rækken. Fejlen stopper byggeriet, så et lille tal aldrig vises ved en fejl.",
    ),
    # ------------------------------------------------------------ content files
    ProblemKind(
        "content-symlink", "content-file", "Genvej (symbolsk link) i content/",
        "Filen er en genvej (symbolsk link) og afvises, så intet uden for content/ kan blive udgivet. "
        "Kopiér indholdet ind i en almindelig fil.",
        "Genveje læses aldrig, så intet uden for content/ kan blive udgivet. Kopiér indholdet ind i en almindelig fil.",
        variants=("Mappen er en genvej (symbolsk link) til et andet sted og læses ikke. Læg indholdet som almindelige filer i content/.",),
    ),
    ProblemKind(
        "content-special-file", "content-file", "Ikke en almindelig fil",
        "Det er ikke en almindelig fil; kun almindelige .md-filer kan være sider.",
        "En .md i content/ er en særlig fil (fx en pipe eller en enhed). Erstat den med en almindelig tekstfil.",
    ),
    ProblemKind(
        "content-outside", "content-file", "Filen peger uden for content/",
        "Filen peger uden for content/ og afvises.",
        "Filens sti fører uden for content/-mappen. Læg filen i content/.",
    ),
    ProblemKind(
        "content-encoding", "content-file", "Siden er ikke UTF-8",
        "Filen er ikke gemt som UTF-8, så æ, ø og å bliver forkerte. Gem den som UTF-8.",
        "Siden er gemt i et andet tegnsæt end UTF-8. Gem den som UTF-8 (i Notesblok: 'Gem som' > Kodning 'UTF-8').",
    ),
    ProblemKind(
        "unknown-link", "content-file", "Link til en aktivitet, der ikke findes",
        "Linket '{link}' går til aktiviteten '{id}', som ikke findes i activities.csv. {Mente du …?}",
        "Et link i en side peger på aktiviteter/<id>, men id'et findes ikke (måske en stavefejl, eller aktiviteten er "
        "omdøbt). Ret linket; er aktiviteten omdøbt, siger beskeden det nye id.",
        variants=("Linket '{link}' går til aktivitetens gamle id '{gammelt}'; den hedder nu '{nyt}'. Skriv aktiviteter/{nyt}.md …",),
    ),
    # ------------------------------------------------------------ front matter
    ProblemKind(
        "front-matter-unclosed", "front-matter", "Front matter slutter aldrig",
        "Front matter begynder med '---' i linje {linje}, men slutter aldrig: tilføj en linje med præcis '---' …",
        "Front matter åbnes med '---', men der er ingen afsluttende linje med præcis '---'. Tilføj den efter den sidste nøgle.",
    ),
    ProblemKind(
        "front-matter-yaml", "front-matter", "Front matter kan ikke læses",
        "{forklaring af YAML-fejlen}",
        "Front matter er ikke gyldig YAML, fx et kolon eller anførselstegn, der skal stå i anførselstegn, eller forkert "
        "indrykning. Ret linjen, beskeden peger på.",
    ),
    ProblemKind(
        "front-matter-not-mapping", "front-matter", "Front matter er ikke nøgler med værdier",
        "Front matter skal være nøgler med værdier (fx 'title: Om Sikker By'), men er {type}.",
        "Mellem de to '---'-linjer skal der stå nøgler med værdier, én pr. linje (fx 'title: Om Sikker By').",
    ),
    ProblemKind(
        "front-matter-duplicate-key", "front-matter", "Nøgle står to gange",
        "Nøglen '{nøgle}' står to gange i front matter (også i linje {linje}); slet den ene.",
        "Samme nøgle står to gange, og det er uklart, hvilken værdi der gælder. Slet den ene.",
    ),
    ProblemKind(
        "front-matter-unrecognised", "front-matter", "Noget ligner front matter, men er det ikke",
        "Linje {linje} ('{tekst}') ligner starten eller slutningen på front matter, men siden har ingen front matter, der kan "
        "læses. Front matter skal stå øverst mellem to linjer med præcis '---' (tre almindelige bindestreger). Er linjen en "
        "vandret streg, så skriv '***'.",
        "Øverst på siden står noget, der ligner front matter (fx '—' eller en 'audience:'-linje), men som ikke kan "
        "læses som front matter; siden ville ellers blive offentlig. Skriv front matter mellem to linjer med præcis "
        "'---', eller skriv '***' for en vandret streg.",
        variants=(
            "Linje {linje} nævner 'audience:', men står ikke i front matter, så siden ville blive offentlig. Skriv front matter "
            "øverst: en linje '---', 'audience: internal' og en linje '---'.",
        ),
    ),
    ProblemKind(
        "front-matter-type", "front-matter", "Nøglen har forkert type",
        "{nøgle} skal være tekst/true eller false/en liste, men er {type}. …",
        "En nøgle, som sitet bruger (title, description, source, focus_area, render_macros, activities, hide), har "
        "en værdi af forkert type. Ret værdien, som beskeden viser.",
    ),
    ProblemKind(
        "front-matter-template", "front-matter", "Skabelonkode i front matter",
        "'{nøgle}' indeholder {{ … }} eller {% … %}; tal fra figures kan kun stå i selve teksten, ikke i front matter.",
        "Levende tal ({{ figures.… }}) kan kun stå i sidens tekst, ikke i front matter. Flyt tallet ned i teksten.",
    ),
    ProblemKind(
        "audience-key", "front-matter", "Nøgle ligner 'audience'",
        "Nøglen '{nøgle}' ligner 'audience', men kun 'audience' (med små bogstaver) bestemmer, om siden er intern. …",
        "En nøgle ligner 'audience' (fx 'Audience' eller 'audiance'), men kun 'audience' tæller; siden bygges ikke, "
        "før det er rettet. Skriv 'audience: internal' eller 'audience: public'.",
    ),
    ProblemKind(
        "audience-invalid", "front-matter", "Ugyldig målgruppe",
        "audience skal være 'public' eller 'internal', men er {værdi}. Siden bygges ikke, før det er rettet, …",
        "Værdien af 'audience' er hverken 'internal' eller 'public', så det er uklart, hvem siden er for; siden bygges "
        "ikke, før det er rettet.",
    ),
    ProblemKind(
        "front-matter-too-large", "front-matter", "Front matter er for lang",
        "Front matter er {antal} tegn lang; højst {grænse} er tilladt. Flyt den lange tekst ned i siden.",
        "Front matter (mellem ---) er til korte oplysninger som titel og målgruppe. Flyt lange tekster ned i selve siden.",
    ),
    ProblemKind(
        "front-matter-alias", "front-matter", "YAML-henvisning i front matter",
        "Front matter bruger en YAML-henvisning ('{tegn}{navn}'), som ikke er tilladt. …",
        "YAML's & og * (ankre og henvisninger) kan gentage tekst i det uendelige og er ikke tilladt. Skriv værdien ud, eller "
        "sæt den i anførselstegn, hvis den begynder med & eller *.",
    ),
    ProblemKind(
        "audience-folder", "front-matter", "Offentlig side i content/intern/",
        "Siden ligger i content/intern/, men har 'audience: public'. Sider i content/intern/ er altid interne: …",
        "Alt i content/intern/ er internt, også en side uden audience-linje. En side der, som siger 'audience: public', er "
        "en fejl: skriv 'audience: internal', eller flyt siden ud af mappen, hvis den skal være offentlig.",
    ),
    ProblemKind(
        "internal-text-on-public-page", "front-matter", "Intern tekst på en offentlig side",
        "Siden er offentlig, men indeholder intern tekst: \"{tekst}\". Slet den, eller gør siden intern (audience: internal).",
        "En tekst, som kun findes i interne data (fx en kontaktperson eller en intern bemærkning), er sat ind i en offentlig "
        "side. Den offentlige udgave må aldrig vise den. Slet teksten, eller gør siden intern.",
    ),
    # ------------------------------------------------------------ navigation
    ProblemKind(
        "nav-section", "navigation", "Ukendt eller forkert sektion",
        "section '{sektion}' findes ikke; brug en af: {program, resultater, om, intern}.{ Mente du '…'?}",
        "section placerer siden i menuen og skal være program, resultater, om eller intern; 'intern' kun for sider med "
        "'audience: internal'.",
        variants=(
            "section 'intern' er kun for interne sider, men siden er offentlig. Skriv 'audience: internal' i front matter, "
            "hvis siden kun er for medarbejdere, ellers en anden section (program, resultater, om).",
        ),
    ),
    ProblemKind(
        "nav-order", "navigation", "nav_order er ikke et helt tal",
        "nav_order skal være et helt tal (fx 10), men er '{værdi}'.",
        "nav_order bestemmer sidens plads i menuen og skal være et helt tal.",
    ),
    ProblemKind(
        "nav-title", "navigation", "nav_title er ikke en tekst",
        "nav_title skal være en tekst (menupunktets navn).",
        "nav_title er menupunktets navn og skal være en tekst, der ikke er tom.",
    ),
    # ------------------------------------------------------------ live figures
    ProblemKind(
        "live-figure-expression", "live-figure", "Skabelonkode, der ikke er et tal",
        "'{udtryk}' er ikke tilladt: kun tal som {{ figures.aktiviteter }} kan bruges (se listen over tal til redaktører).",
        "Siderne må kun indeholde levende tal som {{ figures.aktiviteter }}, ikke anden skabelonkode. "
        "Se listen over tal til redaktører.",
    ),
    ProblemKind(
        "live-figure-unknown", "live-figure", "Ukendt tal",
        "Tallet '{navn}' findes ikke.{ Mente du '…'?}",
        "Navnet efter figures. er ikke et af de tal, sitet kan indsætte. Se listen over tal til redaktører.",
    ),
    ProblemKind(
        "live-figure-year", "live-figure", "Intet tal for året",
        "Der er ingen effektopfølgning for {år} (der er: {år}).",
        "Tallet er bedt om for et år, der ikke har en effektopfølgning. Brug et af de nævnte år.",
    ),
    ProblemKind(
        "live-figure-filter", "live-figure", "Filteret er ikke tilladt",
        "Filteret '{filter}' er ikke tilladt (tilladt: {filtre}).",
        "Et levende tal må kun have de nævnte filtre efter '|'. Fjern eller ret filteret.",
    ),
    ProblemKind(
        "live-figure-opt-in", "live-figure", "Siden har ikke slået levende tal til",
        "Siden bruger tal fra figures, men mangler 'render_macros: true' i front matter.",
        "Levende tal udfyldes kun på sider med 'render_macros: true' i front matter. Tilføj linjen.",
    ),
    # ------------------------------------------------------------ news
    ProblemKind(
        "news-title", "news", "Nyheden mangler en titel",
        "Nyheden mangler en titel: skriv fx 'title: \"Sikker By ugen\"' i front matter.",
        "En nyhed skal have en titel i front matter.",
    ),
    ProblemKind(
        "news-date", "news", "Nyheden mangler en gyldig dato",
        "Nyheden skal have en dato som 'date: 2026-11-22' (år-måned-dag), men datoen {mangler/er '…'}.",
        "En nyhed skal have en dato i front matter på formen år-måned-dag, fx 'date: 2026-11-22'.",
    ),
    ProblemKind(
        "news-categories", "news", "Kategorierne er ikke en liste af tekster",
        "categories skal være en liste af tekster, fx 'categories: [Effektopfølgning]'.",
        "categories skal være en liste af tekster i firkantede parenteser, fx 'categories: [Effektopfølgning]'.",
    ),
    ProblemKind(
        "news-description", "news", "Nyheden mangler en beskrivelse",
        "Nyheden mangler en kort beskrivelse (description), som vises i oversigten, i feedet og ved deling.",
        "En nyhed skal have en kort beskrivelse (description) i front matter; den vises i oversigten, i feedet og ved deling.",
    ),
    ProblemKind(
        "news-filename", "news", "Filnavnet kan ikke bruges som adresse",
        "Filnavnet giver adressen '{adresse}', som ikke kan bruges; giv filen et andet navn.",
        "Nyhedens adresse laves af filnavnet. Den må ikke være tom, et reserveret ord eller den samme som en anden "
        "nyheds. Giv filen et andet navn.",
        variants=("Filnavnet giver samme adresse som {fil}; giv en af filerne et andet navn.",),
    ),
    # ------------------------------------------------------------ audit of the built site
    ProblemKind(
        "third-party-host", "audit", "Tredjepartsvært nævnt",
        "Filen nævner en tredjepartsvært: {vært}",
        "En fil i det byggede site nævner en server hos en tredjepart (fx et CDN eller en skrifttypetjeneste). "
        "Siderne må ikke hente noget udefra (GDPR); det skyldes typisk en tekst eller et link i data eller content. "
        "Fjern adressen.",
    ),
    ProblemKind(
        "third-party-request", "audit", "Siden henter noget fra en anden server",
        "Siden henter en ressource fra en anden server.",
        "En side, et stylesheet eller en SVG indlæser et billede, et script eller en skrifttype fra en anden server. "
        "Læg filen i sitet selv, eller fjern den.",
    ),
    ProblemKind(
        "internal-leak", "audit", "Intern værdi i den offentlige udgave",
        "Intern værdi fundet i den offentlige udgave: \"{værdi}\"",
        "En tekst, der kun må stå i den interne udgave, er fundet i den offentlige. Bygningen stopper, og intet "
        "udgives. Tjek 'audience' på rækken eller siden, som teksten kommer fra.",
        variants=("Internt telefonnummer fundet i den offentlige udgave: {de første cifre}…",),
    ),
    ProblemKind(
        "unsafe-tooltip", "audit", "Markup i et title-attribut",
        "Et title-attribut indeholder markup; Materials tooltips ville vise det som HTML.",
        "Et title-attribut (tooltip) indeholder HTML-markup, som ville blive vist som HTML. Fjern '<' og '>' fra teksten.",
    ),
    ProblemKind(
        "unrendered-template", "audit", "Skabelonkode, der ikke blev udfyldt",
        "Siden indeholder {{ … }} eller {% … %}, som ikke blev udfyldt.",
        "Der står skabelonkode ({{ … }} eller {% … %}) på en færdig side. Skriv den som almindelig tekst, eller brug "
        "et levende tal på en side med 'render_macros: true'.",
    ),
    # ------------------------------------------------------------ municipality settings
    ProblemKind(
        "settings-encoding", "settings", "Indstillingerne er ikke UTF-8",
        "Filen er ikke gemt som UTF-8. Gem den som UTF-8.",
        "content/indstillinger.yml kan ikke læses som UTF-8. Gem den igen som UTF-8 (i Notesblok: Gem som, Kodning UTF-8).",
    ),
    ProblemKind(
        "settings-yaml", "settings", "Indstillingerne kan ikke læses",
        "Filen kan ikke læses som YAML (tjek kolon og indrykning).",
        "content/indstillinger.yml skal bestå af linjer „nøgle: værdi“. Tjek kolon, anførselstegn og indrykning på den nævnte linje.",
        variants=("Filen skal bestå af linjer „nøgle: værdi“.",),
    ),
    ProblemKind(
        "settings-unknown", "settings", "Ukendt indstilling",
        "Ukendt indstilling '{nøgle}' (kendte: {nøgler}).",
        "Nøglen er ikke en af de indstillinger, sitet kender. Ret stavningen til en af de nævnte nøgler.",
    ),
    ProblemKind(
        "settings-type", "settings", "Indstillingen er ikke en tekst",
        "'{nøgle}' skal være en tekst (eller tom).",
        "En indstilling er en tekst på én linje eller tom. Skriv værdien efter kolon, eventuelt i anførselstegn.",
    ),
    ProblemKind(
        "settings-date", "settings", "Datoen kan ikke læses",
        "'{nøgle}' skal være en dato som ÅÅÅÅ-MM-DD, ikke '{værdi}'.",
        "Skriv datoen som år-måned-dag, fx 2027-01-31.",
    ),
    ProblemKind(
        "settings-url", "settings", "Adressen kan ikke bruges",
        "'{nøgle}' skal være en adresse, der begynder med https://.",
        "Indstillinger med en adresse skal pege på en sikker side: begynd med https://.",
    ),
    ProblemKind(
        "setting-not-decided", "quality", "Ikke fastlagt af kommunen",
        "'{nøgle}' er ikke fastlagt: {hvad}. Siderne viser „ikke fastlagt“, indtil kommunen har besluttet det.",
        "Licens, kontakt og tilgængelighedserklæringens status er kommunens beslutning. Når den er truffet, "
        "skrives værdien i content/indstillinger.yml; indtil da viser siderne „ikke fastlagt“.",
        severity="warning",
    ),
    # ------------------------------------------------------------ the yearly intake
    ProblemKind(
        "import-file", "intake", "Filen kan ikke indlæses",
        "{fil}: kun Excel-projektmapper (.xlsx) fra 'sikkerby template followup' kan indlæses.",
        "Kun de Excel-skemaer, 'sikkerby template followup' laver, kan indlæses: gemt som .xlsx, med aktivitetsark "
        "og et år. Gem filen i Excel som Excel-projektmappe (.xlsx), eller hent et nyt skema.",
        variants=(
            "{fil} kan ikke åbnes som Excel-projektmappe ({fejl}). Gem den i Excel som .xlsx og prøv igen.",
            "{fil} har ingen aktivitetsark fra 'sikkerby template followup' (celle {celle} skal være '{tekst}').",
            "Ingen af filerne har et aktivitetsark med et år; brug skemaerne fra 'sikkerby template followup'.",
        ),
    ),
    ProblemKind(
        "import-sheet", "intake", "Et ark i skemaet passer ikke",
        "{fil og ark}, celle {celle}: aktiviteten '{id}' findes ikke i activities.csv.{Mente du …?} Cellen er låst; brug et nyt skema fra 'sikkerby template followup'.",
        "Et aktivitetsark nævner en aktivitet, der ikke findes, er for et andet år end det, der indlæses, eller står "
        "i to skemaer. Ret cellen, beskeden peger på, eller indlæs arket kun én gang.",
        variants=(
            "{fil og ark}, celle {celle}: skemaet er for {år}, men der indlæses {år}. Brug --year {år}, eller send årets skema ud.",
            "{fil}, ark \"{ark}\": aktiviteten {id} står også i {andet ark}; indlæs den kun én gang.",
        ),
    ),
    ProblemKind(
        "import-year", "intake", "Året er ikke oprettet",
        "Året {år} er ikke oprettet. Tilføj først årets kildedokument i documents.csv og kør 'sikkerby new year --year {år} --document <id>' (se Redaktørguiden, 'Det årlige indtag').",
        "Før et års skemaer kan indlæses, skal året have en række i followup_years.csv med sit kildedokument. "
        "Tilføj dokumentet i documents.csv, og kør 'sikkerby new year'.",
    ),
)

KINDS: dict[str, ProblemKind] = {kind.code: kind for kind in CATALOGUE}


class UnknownProblemKind(ValueError):
    """A problem of a kind the catalogue does not describe: a programming error, never an editor's."""


@dataclass(frozen=True)
class Problem:
    kind: str
    file: str
    message: str
    row: int | None = None  # the physical line an editor sees (1-based); not the CSV record number
    field: str | None = None
    severity: Severity = "error"
    subject: str | None = None  # the activity (or other record) a warning is about

    def __post_init__(self) -> None:
        entry = KINDS.get(self.kind)
        if entry is None:
            raise UnknownProblemKind(f"problem kind {self.kind!r} is not in sikkerby_build.problems.CATALOGUE")
        if entry.severity != self.severity:
            raise UnknownProblemKind(f"problem kind {self.kind!r} is a {entry.severity}, not a {self.severity}")

    @property
    def entry(self) -> ProblemKind:
        return KINDS[self.kind]

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.field:
            parts.append(self.field)
        return ":".join(parts)

    def line(self) -> str:
        label = "FEJL" if self.severity == "error" else "ADVARSEL"
        return f"{self.location()}: {label} [{self.kind}] {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def flatten(self, keys: list[str]) -> list[list[object]]:
        return [[getattr(p, k) for k in keys] for p in self.problems]

    def render(self) -> str:
        lines = [p.line() for p in self.problems]
        lines.append(
            f"{len(self.errors)} fejl, {len(self.warnings)} advarsler."
            + ("" if self.ok else " Ret fejlene og kør igen.")
        )
        return "\n".join(lines)


class ValidationFailed(Exception):
    """Raised by the build when the data has errors; carries the report."""

    def __init__(self, report: Report):
        super().__init__(report.render())
        self.report = report


# ---------------------------------------------------------------- the README's list of kinds

README_START = "<!-- problem-kinds:start (generated by python -m sikkerby_build.problems --update README.md) -->"
README_END = "<!-- problem-kinds:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table() -> str:
    """The catalogue as the README shows it: one table, grouped, every kind once."""
    lines = ["| kind | gruppe | alvor | titel | hvad er galt, og hvordan det rettes |", "|---|---|---|---|---|"]
    for group, label in GROUPS.items():
        for kind in (k for k in CATALOGUE if k.group == group):
            severity = "fejl" if kind.severity == "error" else "advarsel"
            lines.append(f"| `{kind.code}` | {label} | {severity} | {_cell(kind.title)} | {_cell(kind.description)} |")
    return "\n".join(lines) + "\n"


def readme_section(readme: str) -> str:
    """The generated part of ``readme`` (between the markers); ValueError when the markers are missing."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no '{README_START}' … '{README_END}' markers")
    return readme[start + len(README_START) : end].strip("\n") + "\n"


def update_readme(readme: str) -> str:
    readme_section(readme)  # the markers must be there
    start, end = readme.index(README_START) + len(README_START), readme.index(README_END)
    return readme[:start] + "\n" + markdown_table() + readme[end:]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--update"] and len(args) == 2:
        path = Path(args[1])
        path.write_text(update_readme(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if args:
        print("brug: python -m sikkerby_build.problems [--update README.md]", file=sys.stderr)
        return 2
    sys.stdout.write(markdown_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
