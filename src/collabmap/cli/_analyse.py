"""`collabmap analyse`, `evaluate` and `suggest`: reading prose from the command line.

The text models need scikit-learn, which takes about a second to load; each command imports
the analysis modules itself so that every other command (and `--help`) starts quickly.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from collabmap.cli._common import store_for
from collabmap.errors import InvalidInput

if TYPE_CHECKING:
    from collabmap.analyse.jsonl import LineError, Passage

__all__ = ["register"]

_BATCH = 256


class Task(StrEnum):
    activity = "activity"
    partnership = "partnership"
    rationale = "rationale"


def _open(path: Path) -> TextIO:
    if str(path) == "-":
        return sys.stdin
    try:
        return path.open(encoding="utf-8", errors="strict")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it ({exc.strerror})") from None


def _passages(path: Path) -> list[Passage | LineError]:
    from collabmap.analyse.jsonl import read_passages

    handle = _open(path)
    try:
        return list(read_passages(handle))
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    finally:
        if handle is not sys.stdin:
            handle.close()


def analyse_command(
    task: Annotated[Task, typer.Argument(help="activity, partnership or rationale.")],
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='Lines of {"id": ..., "text": ...}; "-" for standard input.'),
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="One passage.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for one passage.")] = False,
) -> None:
    """Say what a passage describes, with calibrated scores and the evidence for it."""
    from collabmap.analyse import analyse
    from collabmap.analyse.jsonl import LineError, Passage

    if jsonl is not None and text is not None:
        raise InvalidInput("give --jsonl FILE or --text TEXT, not both")
    if jsonl is None:
        passage = text if text is not None else sys.stdin.read()
        (answer,) = analyse(task.value, [passage])
        if as_json:
            sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
            return
        _print_answer(task.value, answer.to_dict())
        return
    items = _passages(jsonl)
    passages = [item for item in items if isinstance(item, Passage)]
    errors = [item for item in items if isinstance(item, LineError)]
    answers = []
    for start in range(0, len(passages), _BATCH):
        batch = passages[start : start + _BATCH]
        answers.extend(analyse(task.value, [p.text for p in batch]))
    for passage, answer in zip(passages, answers, strict=True):  # `| head` is handled by main
        sys.stdout.write(json.dumps(answer.to_dict(passage.id), ensure_ascii=False) + "\n")
    sys.stdout.flush()
    for error in errors:
        typer.echo(f"error: {jsonl}: {error}", err=True)  # one line, never wrapped
    if errors:
        raise typer.Exit(1)


def _print_answer(task: str, data: dict[str, object]) -> None:
    console = Console(highlight=False)
    scores = data["scores"]
    assert isinstance(scores, dict)
    console.print(
        f"[bold]{task.capitalize()}: {escape(str(data['label']))}[/bold] "
        f"(score {scores[data['label']]:.2f})"
    )
    for label, score in sorted(scores.items(), key=lambda kv: -kv[1])[:4]:
        console.print(f"  {label:<30} {score:.2f}")
    evidence = data.get("evidence") or []
    assert isinstance(evidence, list)
    if evidence:
        console.print("[bold]Evidence:[/bold]")
        for item in evidence:
            console.print(f"  • {escape(str(item))}")
    warnings = data.get("warnings") or []
    assert isinstance(warnings, list)
    for warning in warnings:
        console.print(f"[yellow]note:[/yellow] {escape(str(warning))}")


def evaluate_command(
    task: Annotated[Task, typer.Argument(help="activity, partnership or rationale.")],
    gold: Annotated[Path, typer.Argument(help='Lines of {"id", "text", "label"}.')],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Measure the model against gold labels: accuracy, macro-F1, kappa, intervals."""
    from collabmap.analyse import analyse, evaluate_predictions, task_labels
    from collabmap.analyse.jsonl import LineError, Passage

    labels = task_labels(task.value)
    items = _passages(gold)
    errors = [item for item in items if isinstance(item, LineError)]
    cases = [item for item in items if isinstance(item, Passage)]
    unlabelled = [p for p in cases if p.label not in labels]
    for p in unlabelled:
        errors.append(
            LineError(p.line, f"label must be one of {', '.join(labels)}; got {p.label!r}")
        )
    cases = [p for p in cases if p.label in labels]
    if not cases:
        raise InvalidInput(f"{gold}: no labelled cases to evaluate")
    answers = analyse(task.value, [p.text for p in cases], evidence=False)
    evaluation = evaluate_predictions(
        task.value,
        [p.label or "" for p in cases],
        [a.label for a in answers],
        [a.scores[a.label] for a in answers],
        labels,
    )
    for error in errors:
        typer.echo(f"error: {gold}: {error}", err=True)  # one line, never wrapped
    if as_json:
        sys.stdout.write(json.dumps(evaluation.to_dict(), indent=2) + "\n")
    else:
        console = Console(highlight=False)
        console.print(f"[bold]{task.value}[/bold]: {evaluation.n} cases")
        console.print(
            f"  accuracy  {evaluation.accuracy:.3f}  (95% CI {evaluation.accuracy_ci[0]:.3f}–"
            f"{evaluation.accuracy_ci[1]:.3f})"
        )
        console.print(
            f"  macro-F1  {evaluation.macro_f1:.3f}  (95% CI {evaluation.macro_f1_ci[0]:.3f}–"
            f"{evaluation.macro_f1_ci[1]:.3f})"
        )
        console.print(
            f"  Cohen's kappa {evaluation.kappa:.3f}; expected calibration error "
            f"{evaluation.calibration_error:.3f}"
        )
        table = Table("label", "precision", "recall", "F1", "n", box=None)
        for s in evaluation.per_label:
            table.add_row(
                s.label, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support)
            )
        console.print(table)
        matrix = Table("gold \\ predicted", box=None)
        for label in evaluation.labels:
            matrix.add_column(label.replace("_", " "), justify="right", overflow="fold")
        for label, row in zip(evaluation.labels, evaluation.confusion, strict=True):
            matrix.add_row(label, *[str(v) for v in row])
        console.print(matrix)
        for note in evaluation.notes:
            console.print(f"[dim]{escape(note)}[/dim]")
    if errors:
        raise typer.Exit(1)


def suggest_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    unit: Annotated[str, typer.Option("--unit", help="sentence, paragraph or speaker_turn.")] = (
        "sentence"
    ),
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence", min=0.0, max=1.0, help="Suggest only above this calibrated score."
        ),
    ] = 0.5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Suggest framework codes for uncoded segments; review them with `codings` and `review`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from collabmap.store.suggest import suggest

    console = Console(stderr=True)
    with store_for(ctx) as store:
        if console.is_terminal:
            columns = (TextColumn("Suggesting"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task("suggest", total=None)
                report = suggest(
                    store,
                    project,
                    unit=unit,
                    min_confidence=min_confidence,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        else:
            report = suggest(store, project, unit=unit, min_confidence=min_confidence)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
        return
    typer.echo(
        f"{report.suggested} suggestion{'' if report.suggested == 1 else 's'} for "
        f"{report.segments} uncoded {unit}{'' if report.segments == 1 else 's'} "
        f"(learning from {report.learned_from} accepted codings)."
    )
    for concept, count in sorted(report.by_code.items(), key=lambda kv: -kv[1]):
        typer.echo(f"  {concept}: {count}")
    if report.suggested:
        typer.echo(
            f"Review them, most confident first: collabmap codings {project!r} "
            "--status suggested, then collabmap review PROJECT ID accepted|rejected"
        )


def register(app: typer.Typer) -> None:
    app.command("analyse")(analyse_command)
    app.command("evaluate")(evaluate_command)
    app.command("suggest")(suggest_command)
