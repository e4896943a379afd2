"""One reader per tool: its file's rows as Documents, offsets and labels as the file has them.

Written from each tool's documented export: doccano's sequence-labelling JSONL,
Label Studio's JSON export of tasks, and the W3C Web Annotation Data Model.
Nothing here converts an offset or touches the database (the package does).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..exporting.w3c import ASSESSING, CLASSIFYING, COMMENTING, LINKING, parse_label
from ..importing import ImportRefused, json_objects, load_json
from . import Document, Span

_VALUE = (str, int)


def doccano(name: str, text: str, warnings: list[str]) -> Iterator[Document | ImportRefused]:
    """doccano's sequence labelling: {"text", "label": [[start, end, label], …]} or "entities" with start_offset/end_offset."""
    for row, item in json_objects(name, text, lines=Path(name).suffix.lower() != ".json"):
        if isinstance(item, ImportRefused):
            yield item
            continue
        if not isinstance(item.get("text"), str):
            yield ImportRefused(name, "a doccano row needs its 'text'", row)
            continue
        spans = []
        try:
            if "entities" in item:
                for number, entity in enumerate(_list(name, row, item, "entities"), start=1):
                    if not isinstance(entity, dict):
                        raise ImportRefused(name, f"entity {number}: expected an object", row)
                    spans.append(Span(f"entity {number}", entity.get("start_offset"), entity.get("end_offset"), _labels(entity.get("label"))))
            else:
                for number, label in enumerate(_list(name, row, item, "label"), start=1):
                    if not isinstance(label, list) or len(label) != 3:
                        raise ImportRefused(name, f"label {number}: expected [start, end, label]", row)
                    spans.append(Span(f"label {number}", label[0], label[1], _labels(label[2])))
        except ImportRefused as refused:
            yield refused
            continue
        if item.get("relations"):
            warnings.append(f"{name}, row {row}: {len(item['relations'])} relation(s) ignored (claims have no relations here)")
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        yield Document(row, spans, text=item["text"], external_id=_external_id(item.get("external_id", meta.get("external_id"))))


def labelstudio(name: str, text: str, warnings: list[str]) -> Iterator[Document | ImportRefused]:
    """Label Studio's JSON export: tasks with data.text and annotations whose `labels` results carry start, end and text."""
    for row, task in json_objects(name, text, lines=Path(name).suffix.lower() == ".jsonl"):
        if isinstance(task, ImportRefused):
            yield task
            continue
        data = task.get("data")
        if not isinstance(data, dict) or not isinstance(task.get("annotations"), list):
            yield ImportRefused(name, "expected a Label Studio task with 'data' and 'annotations' (the JSON export, not JSON-MIN)", row)
            continue
        if not isinstance(data.get("text"), str):
            yield ImportRefused(name, "the task's data has no 'text'", row)
            continue
        annotations = [a for a in task["annotations"] if isinstance(a, dict) and not a.get("was_cancelled")]
        if len(task["annotations"]) != len(annotations):
            warnings.append(f"{name}, row {row}: cancelled annotation(s) ignored")
        if task.get("predictions"):
            warnings.append(f"{name}, row {row}: predictions ignored (only annotations are loaded)")
        if len(annotations) > 1:
            yield ImportRefused(
                name, f"the task has {len(annotations)} annotations; load one annotator's at a time (each with --annotator)", row
            )
            continue
        spans = []
        for annotation in annotations:
            for number, result in enumerate(annotation.get("result") or [], start=1):
                if not isinstance(result, dict) or result.get("type") != "labels":
                    kind = result.get("type") if isinstance(result, dict) else None
                    warnings.append(f"{name}, row {row}: result {number} of type {kind!r} ignored (only text spans with labels are loaded)")
                    continue
                value = result.get("value") if isinstance(result.get("value"), dict) else {}
                spans.append(
                    Span(
                        f"result {result.get('id', number)!r}", value.get("start"), value.get("end"), _labels(value.get("labels")),
                        text=value.get("text") if isinstance(value.get("text"), str) else "",
                        created_at=annotation.get("created_at"), updated_at=annotation.get("updated_at"),
                    )
                )
        yield Document(row, spans, text=data["text"], external_id=_external_id(data.get("external_id")))


def w3c(name: str, text: str, warnings: list[str]) -> Iterator[Document | ImportRefused]:
    """W3C Web Annotations: one, a list, a JSON-LD @graph, or an AnnotationCollection or AnnotationPage."""
    data = load_json(name, text)
    for row, annotation in enumerate(_annotations(name, data), start=1):
        try:
            yield _annotation(name, row, annotation, warnings)
        except ImportRefused as refused:
            yield refused


def _annotations(name: str, data: object) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if data.get("type") == "Annotation":
            return [data]
        if isinstance(data.get("@graph"), list):
            return data["@graph"]
        if isinstance(data.get("items"), list):  # an AnnotationPage
            return data["items"]
        first = data.get("first")
        if isinstance(first, dict) and isinstance(first.get("items"), list):  # a collection with its first page in it
            if first.get("next"):
                raise ImportRefused(name, "the collection has more pages than the first; give every page in one file")
            return first["items"]
    raise ImportRefused(name, "expected an Annotation, a list of them, an AnnotationPage or an AnnotationCollection with its page")


def _annotation(name: str, row: int, item: object, warnings: list[str]) -> Document:
    if not isinstance(item, dict) or item.get("type") != "Annotation":
        raise ImportRefused(name, "expected an object of type 'Annotation'", row)
    target = item.get("target")
    if isinstance(target, list):
        if len(target) != 1:
            raise ImportRefused(name, "an annotation with several targets cannot be one claim", row)
        target = target[0]
    if not isinstance(target, dict):
        raise ImportRefused(name, "the target must be a SpecificResource with a source and a selector", row)
    source = target.get("source")
    source = source.get("id") if isinstance(source, dict) else source
    if not isinstance(source, str):
        raise ImportRefused(name, "the target has no 'source'", row)
    selectors = target.get("selector")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    position = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
    quote = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
    if position is None and quote is None:
        raise ImportRefused(name, "the target needs a TextPositionSelector or a TextQuoteSelector", row)
    span = Span(f"annotation {item.get('id', row)!r}")
    if position is not None:
        span.start, span.end = position.get("start"), position.get("end")
    if quote is not None:
        for key in ("exact", "prefix", "suffix"):
            if not isinstance(quote.get(key, ""), str):
                raise ImportRefused(name, f"the TextQuoteSelector's {key!r} must be text", row)
        span.text, span.prefix, span.suffix = quote.get("exact", ""), quote.get("prefix", ""), quote.get("suffix", "")
    creator = item.get("creator")
    if isinstance(creator, dict):
        span.annotator = creator.get("nickname") if isinstance(creator.get("nickname"), str) else None
    span.created_at, span.updated_at = item.get("created"), item.get("modified")
    _bodies(name, row, item, span, warnings)
    scope = target.get("scope") if isinstance(target.get("scope"), str) else None
    return Document(row, [span], iri=source, scope=scope, unit="codepoint")


def _bodies(name: str, row: int, item: dict, span: Span, warnings: list[str]) -> None:
    """Labels, verdict, note and evidence from the bodies, each by its purpose (or the annotation's motivation)."""
    bodies = item.get("body", [])
    bodies = bodies if isinstance(bodies, list) else [bodies]
    motivation = item.get("motivation")
    notes = [item["bodyValue"]] if isinstance(item.get("bodyValue"), str) else []
    for body in bodies:
        if isinstance(body, str):
            body = {"id": body}
        if not isinstance(body, dict):
            raise ImportRefused(name, "each body must be an object or an IRI", row)
        purpose = body.get("purpose", motivation)
        value = body.get("value")
        if purpose == LINKING:
            link = body.get("source", body.get("id"))
            if isinstance(link, str):
                span.evidence.append(link)
                continue
        elif purpose == COMMENTING and isinstance(value, str):
            notes.append(value)
            continue
        elif purpose in (CLASSIFYING, ASSESSING, "tagging") and isinstance(value, str):
            ours = parse_label(value)
            if ours is not None:
                key, slug = ours
                if span.fields.setdefault(key, slug) != slug:
                    raise ImportRefused(name, f"two bodies give {key}", row)
            elif purpose == ASSESSING:
                span.fields["verification_status"] = value
            else:
                span.labels.append(value)
            continue
        warnings.append(f"{name}, row {row}: a body with purpose {purpose!r} ignored")
    span.note = "\n\n".join(notes)


def _list(name: str, row: int, item: dict, key: str) -> list:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise ImportRefused(name, f"'{key}' must be a list", row)
    return value


def _labels(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(label) for label in values if isinstance(label, _VALUE) and not isinstance(label, bool)]


def _external_id(value: object) -> str | None:
    if isinstance(value, _VALUE) and not isinstance(value, bool) and str(value):
        return str(value)
    return None
