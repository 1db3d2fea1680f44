"""Command line: ``sikkerby validate | build | serve | synth``. A thin layer over the stages."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import engine, pipeline, printing, publish
from .edition import DEFAULT_THRESHOLD
from .engine import EngineFailed
from .problems import Report, ValidationFailed
from .settings import Settings, resolve
from .validate import validate


def _progress(quiet: bool):
    def report(message: str) -> None:
        if not quiet:
            print(f"sikkerby: {message}", file=sys.stderr, flush=True)

    return report


def _settings(args: argparse.Namespace) -> Settings:
    """The project is the current folder (or --project); --data/--content/--out override parts of it."""
    return resolve(
        args.project, args.data, args.content, getattr(args, "out", None), getattr(args, "threshold", DEFAULT_THRESHOLD), getattr(args, "site_url", None)
    )


def cmd_validate(args: argparse.Namespace) -> int:
    config = _settings(args)
    report = validate(config.data_dir, config.content_dir)
    print(report.render())
    return 0 if report.ok else 1


UNCHANGED = "Bygningen er stoppet; det tidligere byggede site er uændret."


def cmd_build(args: argparse.Namespace) -> int:
    quiet = args.quiet or bool(os.environ.get("CI"))
    try:
        config = _settings(args)
        result = pipeline.build(
            args.edition, config.data_dir, config.out_dir, config.content_dir, config.threshold, _progress(quiet), config.site_url, config.project
        )
    except ValidationFailed as exc:
        print(exc.report.render(), file=sys.stderr)
        print(UNCHANGED, file=sys.stderr)
        return 1
    except (pipeline.AuditFailed, EngineFailed) as exc:  # raised before publishing; the new version is discarded
        print(str(exc), file=sys.stderr)
        print(UNCHANGED, file=sys.stderr)
        return 1
    except printing.PdfUnavailable as exc:
        print(str(exc), file=sys.stderr)
        print(UNCHANGED, file=sys.stderr)
        return 1
    except FileNotFoundError as exc:  # e.g. the plotly bundle before 'npm ci'
        print(f"En fil mangler: {exc}", file=sys.stderr)
        print(UNCHANGED, file=sys.stderr)
        return 1
    except publish.PublishLocked as exc:
        print(str(exc), file=sys.stderr)
        print("Denne bygning er stoppet uden at ændre noget i outputmappen.", file=sys.stderr)
        return 1
    except publish.PublishError as exc:
        print(str(exc), file=sys.stderr)
        print("Bygningen er stoppet efter at den nye version blev lagt ud." if exc.switched else UNCHANGED, file=sys.stderr)
        return 1
    if result.report.warnings:
        print(f"{len(result.report.warnings)} datakvalitetsadvarsler (se 'sikkerby validate').", file=sys.stderr)
    for e in result.editions:
        print(f"{e.edition}: {e.pages} sider, {e.charts} diagrammer, {e.seconds:.1f} s -> {e.path}")
    for name, changes in result.changes.items():  # against the version published before this build
        for line in changes.summary(name) if changes is not None else [f"{name}: første udgivelse i denne outputmappe."]:
            print(line)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The preview prints our own short lines; MkDocs' output only when it reports a problem (engine.PreviewLog)."""
    import shutil
    import signal

    config = _settings(args)
    print(f"sikkerby: validerer og genererer {args.edition}-udgaven …", file=sys.stderr, flush=True)
    report = validate(config.data_dir, config.content_dir)
    if not report.ok:
        print(report.render(), file=sys.stderr)
        return 1
    staging = Path(tempfile.mkdtemp(prefix="sikkerby-serve-"))
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    watcher = None
    try:
        _, rendered = pipeline.stage(args.edition, config, staging, report)
        watcher = _watch_sources(args, config, staging, report)
        engine.serve(staging, args.edition, args.port, rendered, config)
    except KeyboardInterrupt:
        pass
    finally:
        if watcher is not None:
            watcher.set()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(staging, ignore_errors=True)  # the staging folder never stays behind in /tmp
    print("sikkerby: forhåndsvisningen er stoppet.", file=sys.stderr)
    return 0


def _watch_sources(args: argparse.Namespace, config: Settings, staging: Path, report: Report):
    """Re-stage when content/ or data/ change; MkDocs' own watcher then rebuilds the changed pages.

    An edit to content/ only skips the (slower) frictionless validation of the data.
    """
    import threading
    import time

    from .validate import revalidate_content

    stop = threading.Event()
    data_dir, content_dir = config.data_dir, config.content_dir

    def snapshot(root: Path, skip: Path | None = None) -> dict[str, float]:
        return {
            str(p): p.stat().st_mtime
            for p in root.rglob("*")
            if p.is_file() and (skip is None or skip not in p.parents)
        }

    def loop() -> None:
        nonlocal report
        last_data, last_content = snapshot(data_dir, content_dir), snapshot(content_dir)
        while not stop.wait(0.2):
            now_data, now_content = snapshot(data_dir, content_dir), snapshot(content_dir)
            if (now_data, now_content) == (last_data, last_content):
                continue
            started = time.perf_counter()
            if now_data != last_data:
                candidate = validate(data_dir, content_dir)
            else:
                candidate = revalidate_content(report, data_dir, content_dir)
            last_data, last_content = now_data, now_content
            if not candidate.ok:
                print(candidate.render(), file=sys.stderr)
                continue
            report = candidate
            try:
                rendered = pipeline.stage(args.edition, config, staging, report)[1]
            except ValidationFailed as exc:  # the preview keeps the last good pages and keeps running
                print(exc.report.render(), file=sys.stderr)
                continue
            except (OSError, ValueError) as exc:
                print(f"sikkerby: siderne kunne ikke genereres ({exc}); forhåndsvisningen kører videre.", file=sys.stderr)
                continue
            engine.write_engine_files(staging, rendered)
            print(f"sikkerby: ændring set, sider genereret på {time.perf_counter() - started:.1f} s", file=sys.stderr)

    threading.Thread(target=loop, daemon=True).start()
    return stop


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import write_package

    write_package(Path(args.out), args.activities, args.years, args.seed)
    print(f"syntetisk datapakke med {args.activities} aktiviteter og {args.years} år -> {args.out}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """``sikkerby new followup|activity|story|page``: skeleton rows and files for editors (editing.py)."""
    from . import editing

    config = _settings(args)
    try:
        if args.kind == "followup":
            written = editing.new_followup(config.data_dir, args.activity, args.year)
        elif args.kind == "activity":
            written = editing.new_activity(config.data_dir, args.id, args.name)
        elif args.kind == "year":
            from . import intake

            written = [intake.new_year(config.data_dir, args.year, args.document)]
        elif args.kind == "news":
            written = editing.new_news(config.content_dir, args.slug, args.title, args.date, args.category)
        elif args.kind == "story":
            written = editing.new_story(config.data_dir, config.content_dir, args.slug, args.title, args.activity)
        else:
            written = editing.new_page(config.content_dir, args.path, args.title, args.section)
    except editing.EditError as exc:
        print(f"sikkerby new: {exc} Intet er ændret.", file=sys.stderr)
        return 1
    for w in written:
        print(f"Tilføjet {w.what}: {w.where()}")
    if args.kind in ("followup", "activity"):
        print("Udfyld nu de tomme felter og kilden (source: erstat UDFYLD). 'sikkerby validate' viser, hvad der mangler.")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    """``sikkerby template followup --year Y [--administration CODE] --out DIR``: workbooks for the administrations."""
    from . import editing, intake

    config = _settings(args)
    try:
        written = intake.write_templates(config.data_dir, args.year, Path(args.out), args.administration)
    except editing.EditError as exc:
        print(f"sikkerby template: {exc} Intet er skrevet.", file=sys.stderr)
        return 1
    for path in written:
        print(f"Skema: {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``sikkerby import FILE.xlsx … --year Y [--write]``: check the workbooks, then (with --write) write the rows."""
    from . import editing, intake

    config = _settings(args)
    try:
        plan = intake.plan_import(config.data_dir, [Path(f) for f in args.files], args.year)
    except editing.EditError as exc:
        print(f"sikkerby import: {exc} Intet er skrevet.", file=sys.stderr)
        return 1
    if not plan.ok:
        for p in plan.problems:
            print(f"FEJL: {p.message}" if p.kind.startswith("import") or p.file.endswith(".xlsx") else p.line(), file=sys.stderr)
        print(f"{len(plan.problems)} fejl. Intet er skrevet; ret skemaerne (eller filen, der nævnes) og kør igen.", file=sys.stderr)
        return 1
    for line in intake.describe(plan):
        print(line)
    for w in plan.warnings:
        print(f"ADVARSEL: {w.message}")
    if not plan.changed:
        print("Intet at ændre: skemaerne er allerede indlæst.")
        return 0
    if not args.write:
        print("Prøvekørsel: intet er skrevet. Kør igen med --write for at skrive rækkerne.")
        return 0
    written = intake.write_import(config.data_dir, plan)
    print(f"Skrevet: {', '.join(written)}. Kør 'sikkerby validate' og byg sitet.")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    """``sikkerby rename activity OLD NEW``: every reference updated, the old address kept as a redirect."""
    from . import editing, rename

    config = _settings(args)
    try:
        written = rename.rename_activity(config.data_dir, config.content_dir, args.old, args.new)
    except (editing.EditError, UnicodeDecodeError) as exc:
        print(f"sikkerby rename: {exc} Intet er ændret.", file=sys.stderr)
        return 1
    for w in written:
        print(f"Ændret {w.file}: {w.what}")
    print(f"Den gamle adresse aktiviteter/{args.old}/ viderestiller til aktiviteter/{args.new}/ i næste bygning. Kør 'sikkerby validate'.")
    return 0


def cmd_fix_csv(args: argparse.Namespace) -> int:
    """``sikkerby fix-csv FILE …``: a CSV saved by Excel (BOM, semicolons, decimal commas) in the package's format."""
    from . import editing, excel_csv

    config = _settings(args)
    code = 0
    for file in args.files:
        try:
            fixed = excel_csv.fix_file(config.data_dir, Path(file))
        except (editing.EditError, OSError, UnicodeDecodeError) as exc:
            print(f"sikkerby fix-csv: {file}: {exc} Filen er uændret.", file=sys.stderr)
            code = 1
            continue
        print(f"{fixed.file}: {'; '.join(fixed.changes) if fixed.changes else 'allerede i orden'}")
    if code == 0:
        print("Kør nu 'sikkerby validate'.")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sikkerby", description="Byg Sikker By sitet fra datapakken.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", default=None, help="projektmappen (standard: den aktuelle mappe)")
        p.add_argument("--data", default=None, help="mappe med datapackage.json (standard: PROJEKT/data)")
        p.add_argument(
            "--content", default=None, help="mappe med redaktionelt indhold (standard: DATA/content hvis den findes, ellers content/)"
        )

    p = sub.add_parser("validate", help="validér datapakken")
    common(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="byg en eller begge udgaver")
    common(p)
    p.add_argument("--edition", choices=["public", "internal", "all"], default="all")
    p.add_argument("--out", default=None, help="outputmappe; hver udgave i sin undermappe (standard: PROJEKT/site)")
    p.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, help="mindste viste antal personer (standard 5)")
    p.add_argument("--quiet", action="store_true", help="ingen fremdriftsbeskeder (standard i CI)")
    p.add_argument("--site-url", default=None, help="sitets offentlige adresse; slår Materials instant navigation til")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="forhåndsvisning med automatisk genindlæsning")
    common(p)
    p.add_argument("--edition", choices=["public", "internal"], default="internal")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("synth", help="lav en syntetisk datapakke til test og benchmarks")
    p.add_argument("--activities", type=int, required=True)
    p.add_argument("--years", type=int, default=1)
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("new", help="opret skeletrækker eller -filer: followup, activity, story, page")
    kinds = p.add_subparsers(dest="kind", required=True)
    k = kinds.add_parser("followup", help="en ny årlig opfølgning for en aktivitet")
    common(k)
    k.add_argument("--activity", required=True, help="aktivitetens id, fx sjakket")
    k.add_argument("--year", type=int, required=True, help="opfølgningsåret, fx 2020")
    k = kinds.add_parser("activity", help="en ny aktivitet")
    common(k)
    k.add_argument("--id", required=True, help="id: små bogstaver, tal og bindestreger")
    k.add_argument("--name", required=True, help="aktivitetens navn")
    k = kinds.add_parser("year", help="et nyt opfølgningsår (status 'i gang') med sit kildedokument")
    common(k)
    k.add_argument("--year", type=int, required=True, help="opfølgningsåret, fx 2020")
    k.add_argument("--document", required=True, help="årets dokument-id i documents.csv")
    k = kinds.add_parser("news", help="en ny nyhed (intern kladde) i content/nyheder/")
    common(k)
    k.add_argument("--slug", required=True, help="filnavn uden .md, fx sikker-by-ugen-2021")
    k.add_argument("--title", default=None)
    k.add_argument("--date", default=None, help="udgivelsesdato ÅÅÅÅ-MM-DD (standard: i dag)")
    k.add_argument("--category", default=None, help="nyhedens kategori, fx Effektopfølgning")
    k = kinds.add_parser("story", help="en ny visionsfortælling (intern kladde)")
    common(k)
    k.add_argument("--slug", required=True, help="filnavn uden .md, fx amira")
    k.add_argument("--title", default=None)
    k.add_argument("--activity", action="append", default=[], help="en aktivitet fortællingen nævner (kan gentages)")
    k = kinds.add_parser("page", help="en ny indholdsside (intern kladde)")
    common(k)
    k.add_argument("--path", required=True, help="sti i content/, fx intern/medarbejdere")
    k.add_argument("--title", default=None)
    k.add_argument("--section", default=None, help="program, resultater, om eller intern")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("template", help="Excel-skemaer til forvaltningernes årlige opfølgning")
    kinds = p.add_subparsers(dest="kind", required=True)
    k = kinds.add_parser("followup", help="ét skema pr. forvaltning, ét ark pr. aktivitet")
    common(k)
    k.add_argument("--year", type=int, required=True, help="opfølgningsåret, fx 2020")
    k.add_argument("--administration", default=None, help="kun denne forvaltning, fx SOF")
    k.add_argument("--out", required=True, help="mappe til skemaerne")
    k.set_defaults(func=cmd_template)

    p = sub.add_parser("fix-csv", help="ret CSV-filer gemt af Excel (BOM, semikolon, decimalkomma)")
    common(p)
    p.add_argument("files", nargs="+", help="CSV-filerne i datamappen, fx data/followups.csv")
    p.set_defaults(func=cmd_fix_csv)

    p = sub.add_parser("rename", help="skift en aktivitets id overalt; den gamle adresse viderestiller")
    kinds = p.add_subparsers(dest="kind", required=True)
    k = kinds.add_parser("activity", help="en aktivitets id")
    common(k)
    k.add_argument("old", help="det nuværende id")
    k.add_argument("new", help="det nye id (små bogstaver, tal og bindestreger)")
    k.set_defaults(func=cmd_rename)

    p = sub.add_parser("import", help="indlæs udfyldte skemaer (prøvekørsel uden --write)")
    common(p)
    p.add_argument("files", nargs="+", help="de udfyldte .xlsx-filer")
    p.add_argument("--year", type=int, default=None, help="opfølgningsåret (standard: året i skemaerne)")
    p.add_argument("--write", action="store_true", help="skriv rækkerne i CSV-filerne")
    p.set_defaults(func=cmd_import)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except OSError as exc:  # disk full, no permission, …: a Danish message, never a traceback
        print(os_error_message(exc), file=sys.stderr)
        if args.command == "build":
            print(UNCHANGED, file=sys.stderr)
        return 1


def os_error_message(exc: OSError) -> str:
    """A Danish message for an error from the operating system, naming the file when known."""
    import errno

    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Disken er fuld{where}: der er ikke plads til at skrive sitet. Frigør plads, og byg igen."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Ingen adgang til at skrive eller læse{where}. Tjek rettighederne til mappen."
    if isinstance(exc, FileNotFoundError):
        return f"En fil eller mappe mangler{where}."
    reason = exc.strerror or type(exc).__name__
    return f"Styresystemet meldte en fejl{where}: {reason}. Intet blev lagt ud."


if __name__ == "__main__":
    sys.exit(main())
