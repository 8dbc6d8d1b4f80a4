"""The explanation as text. Emails and phones other than the one typed are masked unless asked."""

from __future__ import annotations


def mask_email(value):
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value):
    return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]


class Namer:
    """How an identifier is shown: its value (masked unless it is the one typed, or show_pii), else its hash."""

    def __init__(self, values, typed_identifier_id, show_pii=False):
        self.values, self.typed, self.show_pii = values, typed_identifier_id, show_pii

    def __call__(self, identifier):
        kind = identifier.identifier_type
        if kind == "user_id":
            return f"user_id {identifier.user_id}"
        value = self.values.get(identifier.identifier_id)
        if value is None:
            return f"{kind} #{identifier.sha256[:12]}"
        if not (self.show_pii or identifier.identifier_id == self.typed):
            value = mask_email(value) if kind == "email" else mask_phone(value)
        return f"{kind} {value}"


def _time(value):
    return f"{value:%Y-%m-%d %H:%M:%S}" if value is not None else "?"


def record_line(record):
    where = (f"file {record.source_file} row {record.source_row_number}" if record.source_file
             else "provenance not found")
    shown = record.record_id if record.record_id.startswith("user:") else record.record_id[:16]
    return (f"record {shown} ({record.source_system or '?'}, {record.what or '?'}, "
            f"{_time(record.at)}), {where}")


def render(explanation, show_pii=False, typed=True, heading=None):
    """typed: the explained identifier is the email or phone the operator typed (shown unmasked)."""
    name = Namer(explanation.values, explanation.identifier.identifier_id if typed else None, show_pii)
    person = explanation.person
    lines = [heading] if heading else []
    lines += explanation.notes
    lines += [
        f"identifier  {name(explanation.identifier)}  ({explanation.identifier.identifier_id[:18]}...)",
        f"person      {person['person_id']}",
        f"device_id   {person.get('device_id')}",
        f"user_id     {person.get('user_id') or '(none: not linked to a user)'}",
    ]
    if "identifier_count" in person:
        lines.append(f"            {person['identifier_count']} identifiers, {person['touch_count']} touches"
                     + (f", signed up {_time(person['signed_up_at'])}" if person.get("signed_up_at") else ""))
    if explanation.identifier.is_shared:
        lines += ["", f"this identifier is shared and links nobody: {explanation.identifier.shared_reason}"]
    lines.append("")
    target = explanation.target
    goal = "its user" if target is not None and target.identifier_type == "user_id" else "its anchor (no user)"
    if not explanation.hops:
        lines.append(f"chain to {goal}: none needed, the identifier is {name(target)}"
                     if target is not None and target.identifier_id == explanation.identifier.identifier_id
                     else f"chain to {goal}: none")
    else:
        lines.append(f"chain to {goal} {name(target)}: {len(explanation.hops)} hop(s)")
        for number, hop in enumerate(explanation.hops, 1):
            lines.append(f"  {number}. {name(hop.source)} -> {name(hop.target)}")
            lines.append(f"     {record_line(hop.record)}")
    lines += ["", "shared identifiers on the way (kept out of linking):"]
    if not explanation.shared:
        lines.append("  none")
    for identifier, held_in in explanation.shared:
        lines.append(f"  {name(identifier)}: {identifier.shared_reason}")
        for record in held_in[:5]:
            lines.append(f"     in {record_line(record)}")
    lines += ["", "refused links touching this person:"]
    if not explanation.refusals:
        lines.append("  none")
    known = explanation.identifiers
    for refusal in explanation.refusals:
        pair = " -- ".join(name(known[refusal[k]]) if refusal[k] in known else refusal[k][:18]
                           for k in ("identifier_a_id", "identifier_b_id"))
        lines.append(f"  {pair}: {refusal['reason']}")
        lines.append(f"     {record_line(refusal['record'])}")
    lines += ["", "id history:"]
    if not explanation.history:
        lines.append("  none")
    for row in explanation.history:
        lines.append(f"  {_time(row['retired_at'])} {row['retired_person_id'][:16]} -> {row['survivor_person_id'][:16]}"
                     f" (device_id {row['retired_device_id'] and row['retired_device_id'][:16]} -> "
                     f"{row['survivor_device_id'] and row['survivor_device_id'][:16]}): {row['reason']}")
    return "\n".join(lines)
