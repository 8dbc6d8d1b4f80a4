"""Writes synthetic raw exports in the layouts of the README's input contract.

    python bench/generate_exports.py --rows 1000000 --out bench/runs/data/1m
    python bench/generate_exports.py --rows 1000000 --out DIR --increment inc1 --increment-rows 10000

`--rows` is the number of touch rows (Zoom attendee rows + RingCentral calls +
offline touches); app users come on top. The same `--seed` and `--rows` always
give the same persons, so an increment (`--increment NAME`) writes new files
whose rows mix those persons with new ones, as a later export would.

What the data looks like, and why:
- persons with heavy-tailed touch counts (Pareto): most are seen once or twice,
  a few hundreds of times;
- emails in messy spellings (case, `mailto:`, `Name <address>`, spaces) and
  phones in E.164 and in local formats (national format only where Zoom gives a
  country), so phone parsing sees many distinct raw strings per number;
- companies with a switchboard: people call from it and type it into forms
  (a shared office phone), and role addresses (info@, sales@) used by several;
- app users (about 8% of persons, plus users never seen before);
- one long chain of persons linked through alternating email/phone reuse
  (e0-p0-e1-p1-...), the worst case for label propagation;
- about 1% bad rows: placeholder or broken emails and phones, unparseable
  timestamps, ragged rows.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import string
import zlib
from pathlib import Path

import numpy as np

FIRST = (
    "james mary john patricia robert jennifer michael linda william elizabeth david barbara richard "
    "susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty "
    "anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua michelle "
    "kenneth carol kevin amanda brian dorothy george melissa timothy deborah ronald stephanie edward "
    "rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy nicholas angela eric "
    "shirley jonathan anna stephen brenda larry pamela justin emma scott nicole brandon helen benjamin "
    "samantha samuel katherine gregory christine alexander debra frank rachel patrick carolyn raymond "
    "janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie adam olivia "
    "priya raj wei li yuki hiro ahmed fatima carlos sofia lukas lena mateo ines oscar nora ivan olga"
).split()
LAST = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez "
    "wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark "
    "ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams "
    "nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker "
    "cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper "
    "peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james "
    "bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster "
    "raman becker schmidt mueller weber osei petrov ivanova rossi bianchi dubois moreau tanaka suzuki"
).split()
WORDS = (
    "north south acme globex initech umbrella stark wayne hooli vandelay contoso fabrikam tailspin "
    "northwind adventure blue red green summit harbor river peak cloud data logic nova apex orbit "
    "quantum pixel vector signal bright clear swift prime core solid metro urban alpine coastal"
).split()
SUFFIX = ["labs", "inc", "corp", "io", "group", "systems", "works", "analytics", "tech", "partners"]
TLDS = [".com", ".com", ".com", ".io", ".co.uk", ".de", ".fr", ".net"]
FREEMAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me"]
ROLE_PARTS = ["info", "sales", "contact", "office", "hello", "marketing"]

# country name (as Zoom writes it), region, E.164 prefix, national number maker
COUNTRIES = [
    ("United States", "US", 0.70),
    ("United Kingdom", "GB", 0.08),
    ("Germany", "DE", 0.07),
    ("France", "FR", 0.05),
    ("India", "IN", 0.05),
    ("Canada", "CA", 0.05),
]
US_AREAS = [201, 202, 206, 212, 213, 214, 303, 305, 312, 404, 415, 503, 512, 602, 617, 646, 702, 718, 773, 917]
CA_AREAS = [416, 514, 604, 613, 403]

BAD_EMAILS = ["n/a", "N/A", "none", "test", "george@@hill-family", "no email", "-", "asdf@", "@gmail.com", "null"]
BAD_PHONES = ["12", "n/a", "0000000000", "123", "none", "+1 (555)", "tbd", "x"]

ZOOM_FORMATS = ["%b %d, %Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"]
ZOOM_QUESTIONS = [
    ("What is your company size?", ["1-50", "51-200", "201-1000", "1000+"]),
    ("What is your role?", ["Engineer", "Manager", "Executive", "Analyst", "Other"]),
    ("How did you hear about us?", ["LinkedIn", "Newsletter", "Friend", "Search", ""]),
]
ZOOM_SOURCES = ["", "", "LinkedIn", "Newsletter", "Website", "Partner"]
OFFLINE_SOURCES = [
    ("saastr", "Trade Show Visit"),
    ("dreamforce", "Trade Show Visit"),
    ("webform", "Form Fill"),
    ("partner_referrals", "Partner Referral"),
    ("roadshow", "Event Attended"),
]
OUR_LINES = [("+14155550100", "Acme Analytics Sales"), ("+14155550101", "Acme Analytics Support")]

EPOCH = dt.datetime(2025, 1, 1)
SPAN_DAYS = 500


def _b36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    number = int(number)
    while True:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
        if not number:
            return out


class Universe:
    """Companies and persons, drawn from the seed alone (so increments reuse them)."""

    def __init__(self, seed, n_persons, n_companies, person_offset=0, company_offset=0):
        rng = np.random.default_rng([seed, person_offset])
        self.n = n_persons
        self.offset = person_offset
        # companies
        self.n_companies = n_companies
        crng = np.random.default_rng([seed, 7, company_offset])
        self.company_domain = [
            f"{WORDS[a]}-{SUFFIX[b]}{_b36(company_offset + i)}{TLDS[t]}"
            for i, (a, b, t) in enumerate(
                zip(
                    crng.integers(0, len(WORDS), n_companies),
                    crng.integers(0, len(SUFFIX), n_companies),
                    crng.integers(0, len(TLDS), n_companies),
                )
            )
        ]
        self.company_name = [d.split(".")[0].replace("-", " ").upper() for d in self.company_domain]
        weights = np.array([w for _, _, w in COUNTRIES])
        self.company_country = crng.choice(len(COUNTRIES), n_companies, p=weights / weights.sum())
        self.company_phone = [self._phone_digits(crng, c) for c in self.company_country]
        # persons: company by a heavy-tailed company size
        csize = crng.pareto(1.1, n_companies) + 1
        self.company = rng.choice(n_companies, n_persons, p=csize / csize.sum())
        self.first = rng.integers(0, len(FIRST), n_persons)
        self.last = rng.integers(0, len(LAST), n_persons)
        self.freemail = rng.random(n_persons) < 0.3
        self.freemail_domain = rng.integers(0, len(FREEMAIL), n_persons)
        self.has_second_email = rng.random(n_persons) < 0.15
        self.has_phone = rng.random(n_persons) < 0.65
        self.habit = rng.integers(0, 6, n_persons)  # preferred phone spelling
        self.country = np.where(
            rng.random(n_persons) < 0.9, self.company_country[self.company], rng.integers(0, len(COUNTRIES), n_persons)
        )
        prng = np.random.default_rng([seed, 11, person_offset])
        self.phone = [self._phone_digits(prng, c) if h else None for c, h in zip(self.country, self.has_phone)]

    @staticmethod
    def _phone_digits(rng, country):
        """(region, national significant number) of a valid number of that country."""
        region = COUNTRIES[country][1]
        if region == "US":
            return region, f"{US_AREAS[rng.integers(len(US_AREAS))]}{rng.integers(200, 1000)}{rng.integers(0, 10000):04d}"
        if region == "CA":
            return region, f"{CA_AREAS[rng.integers(len(CA_AREAS))]}{rng.integers(200, 1000)}{rng.integers(0, 10000):04d}"
        if region == "GB":
            return region, f"7{rng.integers(400, 1000)}{rng.integers(0, 1000000):06d}"
        if region == "DE":
            return region, f"15{rng.integers(1, 8)}{rng.integers(0, 100000000):08d}"
        if region == "FR":
            return region, f"6{rng.integers(0, 100000000):08d}"
        return region, f"9{rng.integers(0, 1000000000):09d}"  # IN

    def name(self, i):
        return FIRST[self.first[i]].title(), LAST[self.last[i]].title()

    def email(self, i, second=False):
        first, last = FIRST[self.first[i]], LAST[self.last[i]]
        tag = _b36(self.offset + i)
        if second or self.freemail[i]:
            return f"{first}{last[0]}.{tag}@{FREEMAIL[self.freemail_domain[i]]}"
        return f"{first}.{last}.{tag}@{self.company_domain[self.company[i]]}"

    def role_email(self, i, k):
        return f"{ROLE_PARTS[k % len(ROLE_PARTS)]}@{self.company_domain[self.company[i]]}"


CODES = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "IN": "91"}


def spell_phone(region, nsn, style, national_ok):
    """One of the ways people and exporters write a phone number."""
    code = CODES[region]
    if region in ("US", "CA"):
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        return [
            f"+1{nsn}",
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"+1 {a} {b} {c}",
            f"1-{a}-{b}-{c}",
        ][style]
    if national_ok and style in (1, 2, 3):
        return "0" + nsn[:4] + " " + nsn[4:]
    if style in (0, 5):
        return f"+{code}{nsn}"
    return f"+{code} {nsn[:4]} {nsn[4:]}"


def spell_email(address, name, rnd):
    """Mostly as typed; sometimes cased, wrapped or padded as exports do."""
    r = rnd.random()
    if r < 0.80:
        return address
    if r < 0.90:
        local, domain = address.split("@")
        return f"{local.title()}@{domain.title()}"
    if r < 0.94:
        return address.upper()
    if r < 0.97:
        return f"{name} <{address}>"
    if r < 0.99:
        return f"mailto:{address}"
    return f"  {address} "


class Generator:
    def __init__(self, rows, seed, chain_persons):
        self.rows = rows
        self.seed = seed
        self.chain_persons = chain_persons
        rng = np.random.default_rng([seed, 1])
        # heavy-tailed touches per person: draw until the rows are covered
        counts = np.minimum(np.floor(rng.pareto(1.3, rows) * 1.5).astype(np.int64) + 1, 5000)
        cum = np.cumsum(counts)
        n_persons = int(np.searchsorted(cum, rows) + 1)
        counts = counts[:n_persons]
        counts[-1] -= int(cum[n_persons - 1] - rows)
        self.counts = counts
        self.n_persons = n_persons
        self.universe = Universe(seed, n_persons, max(50, n_persons // 25))

    # ------------------------------------------------------------ row streams

    def touch_rows(self, rng, persons, universe, rows):
        """(universe, person index) per touch row, shuffled."""
        order = rng.permutation(rows)
        return persons[order]

    def write(self, out, increment=None, increment_rows=0):
        out = Path(out)
        if increment is None:
            universe = self.universe
            persons = np.repeat(np.arange(self.n_persons), self.counts)
            rows = len(persons)
            tag = "base"
            rng = np.random.default_rng([self.seed, 2])
            users_from = rng.permutation(self.n_persons)[: int(self.n_persons * 0.08)]
            new_universe = None
        else:
            tag = increment
            rows = increment_rows
            salt = zlib.crc32(increment.encode())
            rng = np.random.default_rng([self.seed, 3, salt])
            n_new = max(1, rows // 10)
            # new persons get indices after the base ones (their own universe, offset ids)
            new_universe = Universe(self.seed ^ salt, n_new, max(5, n_new // 25), self.n_persons, 10**7 + salt % 10**6)
            old = rng.choice(self.n_persons, rows - rows // 5, p=self.counts / self.counts.sum())
            new = rng.integers(0, n_new, rows // 5) + self.n_persons
            persons = np.concatenate([old, new])
            rows = len(persons)
            users_from = rng.permutation(n_new)[: max(1, n_new // 5)] + self.n_persons  # new sign-ups
            universe = self.universe
        persons = persons[rng.permutation(rows)]
        rnd = random.Random(int(rng.integers(2**31)))
        self._uni_new = new_universe

        # chain rows come out of the offline budget of the base export
        chain = self.chain_persons if increment is None else 0
        source = rng.choice(3, rows, p=[0.5, 0.3, 0.2])
        zoom = persons[source == 0]
        calls = persons[source == 1]
        offline = persons[source == 2]
        if chain:
            offline = offline[: max(0, len(offline) - 2 * chain)]
        stats = {}
        stats["zoom_files"], stats["zoom_rows"] = self._zoom(out, tag, zoom, rng, rnd)
        stats["call_files"], stats["call_rows"] = self._calls(out, tag, calls, rng, rnd)
        stats["offline_files"], stats["offline_rows"] = self._offline(out, tag, offline, rng, rnd, chain)
        stats["user_files"], stats["user_rows"] = self._users(out, tag, users_from, rng, rnd)
        return stats

    def _person(self, p):
        """(universe, local index) of a global person index."""
        if p >= self.n_persons:
            return self._uni_new, p - self.n_persons
        return self.universe, p

    def _when(self, rnd):
        return EPOCH + dt.timedelta(seconds=rnd.randrange(SPAN_DAYS * 86400))

    def _phone_for(self, p, rnd, national_ok, allow_switchboard=True):
        universe, i = self._person(p)
        if allow_switchboard and rnd.random() < 0.08:
            region, nsn = universe.company_phone[universe.company[i]]
            return spell_phone(region, nsn, rnd.randrange(6), national_ok)
        phone = universe.phone[i]
        if phone is None:
            return ""
        style = universe.habit[i] if rnd.random() < 0.7 else rnd.randrange(6)
        return spell_phone(phone[0], phone[1], style, national_ok)

    def _email_for(self, p, rnd, name):
        universe, i = self._person(p)
        r = rnd.random()
        if r < 0.02:
            return universe.role_email(i, rnd.randrange(6))
        address = universe.email(i, second=universe.has_second_email[i] and r < 0.25)
        return spell_email(address, name, rnd)

    # ------------------------------------------------------------ Zoom

    def _zoom(self, out, tag, persons, rng, rnd):
        folder = out / "zoom" / "attendee_reports"
        folder.mkdir(parents=True, exist_ok=True)
        sizes = np.clip(rng.lognormal(6.4, 0.8, len(persons) // 300 + 2), 20, 5000).astype(int)
        files, start = 0, 0
        while start < len(persons):
            size = int(sizes[files % len(sizes)])
            chunk = persons[start : start + size]
            start += size
            self._zoom_file(folder / f"{tag}_webinar_{files:05d}_attendee_report.csv", chunk, rnd, files)
            files += 1
        return files, len(persons)

    def _zoom_file(self, path, chunk, rnd, number):
        fmt = ZOOM_FORMATS[rnd.randrange(2)]
        started = self._when(rnd).replace(microsecond=0)
        questions = rnd.sample(ZOOM_QUESTIONS, rnd.randrange(3))
        topic = f"{rnd.choice(WORDS).title()} {rnd.choice(['Live', 'Deep Dive', 'Office Hours', 'Masterclass', 'Q&A'])}"
        webinar_id = f"{rnd.randrange(100, 999)} {rnd.randrange(1000, 9999)} {rnd.randrange(1000, 9999)}"
        duration = rnd.randrange(30, 120)
        with open(path, "w", newline="", encoding="utf-8") as handle:
            w = csv.writer(handle)
            w.writerow(["Attendee Report", "", "", "", ""])
            w.writerow(["Report generated time", (started + dt.timedelta(days=1)).strftime(fmt), "", "", ""])
            w.writerow(["Topic", "Webinar ID", "Actual Start Time", "Actual Duration (minutes)", "# Registrants",
                        "# Cancelled", "Unique Viewers", "Total Users", "Max Concurrent Views", "Enable Registration"])
            w.writerow([topic, webinar_id, started.strftime(fmt), duration, len(chunk), 0, len(chunk), len(chunk),
                        len(chunk), "Yes"])
            staff_header = ["Attended", "User Name (Original Name)", "Email", "Join Time", "Leave Time",
                            "Time in Session (minutes)", "Is Guest", "Country/Region Name"]
            for title, people in (("Host Details", [("Priya Raman", "priya.raman@acme-analytics.com")]),
                                  ("Panelist Details", [("Tom Becker", "tom.becker@acme-analytics.com")])):
                if title == "Panelist Details" and number % 2:
                    continue
                w.writerow([title, "", "", "", ""])
                w.writerow(staff_header)
                for name, email in people:
                    w.writerow(["Yes", name, email, (started - dt.timedelta(minutes=8)).strftime(fmt),
                                (started + dt.timedelta(minutes=duration)).strftime(fmt), duration + 8, "No",
                                "United States"])
            w.writerow(["Attendee Details", "", "", "", ""])
            w.writerow(["Attended", "User Name (Original Name)", "First Name", "Last Name", "Email", "Phone",
                        "Registration Time", "Approval Status", "Join Time", "Leave Time",
                        "Time in Session (minutes)", "Is Guest", *[q for q, _ in questions],
                        "Country/Region Name", "Source Name"])
            previous = None
            for p in chunk:
                p = int(p)
                if previous is not None and rnd.random() < 0.03:
                    p = previous  # a rejoin: the same person again
                previous = p
                universe, i = self._person(p)
                first, last = universe.name(i)
                name = f"{first} {last}"
                country = COUNTRIES[universe.country[i]][0] if rnd.random() < 0.9 else ""
                email = self._email_for(p, rnd, name)
                phone = self._phone_for(p, rnd, national_ok=bool(country)) if rnd.random() < 0.45 else ""
                registered = started - dt.timedelta(minutes=rnd.randrange(60, 20000))
                answers = [rnd.choice(values) for _, values in questions]
                bad = rnd.random()
                if bad < 0.01:
                    kind = rnd.randrange(4)
                    if kind == 0:
                        email, phone = rnd.choice(BAD_EMAILS), rnd.choice(BAD_PHONES + [""])
                    elif kind == 1:
                        phone = rnd.choice(BAD_PHONES)
                    elif kind == 2:
                        w.writerow(["Yes", name, first, last, email, phone])  # a ragged row
                        continue
                    else:
                        registered = None
                if rnd.random() < 0.7:
                    joined = started + dt.timedelta(minutes=rnd.randrange(-5, 30))
                    minutes = rnd.randrange(1, duration + 5)
                    left = joined + dt.timedelta(minutes=minutes)
                    row = ["Yes", name, first, last, email, phone,
                           registered.strftime(fmt) if registered else "TBD", "approved",
                           joined.strftime(fmt), left.strftime(fmt), minutes, "Yes", *answers, country,
                           rnd.choice(ZOOM_SOURCES)]
                else:
                    row = ["No", name, first, last, email, phone,
                           registered.strftime(fmt) if registered else "TBD", "approved",
                           "--", "--", "--", "--", *answers, country, rnd.choice(ZOOM_SOURCES)]
                w.writerow(row)

    # ------------------------------------------------------------ RingCentral

    def _calls(self, out, tag, persons, rng, rnd):
        folder = out / "ringcentral" / "call_log"
        folder.mkdir(parents=True, exist_ok=True)
        per_file = 100_000
        files = 0
        alphabet = string.ascii_letters + string.digits
        for files, start in enumerate(range(0, len(persons), per_file)):
            chunk = persons[start : start + per_file]
            with open(folder / f"{tag}_call_log_{files:04d}.csv", "w", newline="", encoding="utf-8") as handle:
                w = csv.writer(handle)
                w.writerow(["id", "sessionId", "startTime", "duration", "type", "direction", "action", "result",
                            "from.phoneNumber", "from.name", "to.phoneNumber", "to.name"])
                for p in chunk:
                    p = int(p)
                    universe, i = self._person(p)
                    phone = self._phone_for(p, rnd, national_ok=False)
                    if not phone:  # no own phone: the call comes from the company switchboard
                        region, nsn = universe.company_phone[universe.company[i]]
                        phone = f"+{CODES[region]}{nsn}"
                    elif rnd.random() < 0.9:  # RingCentral writes E.164
                        digits = "".join(ch for ch in phone if ch.isdigit())
                        if phone.startswith("+"):
                            phone = "+" + digits
                    first, last = universe.name(i)
                    caller = rnd.choice([f"{first} {last}".upper(), "", "", universe.company_name[universe.company[i]]])
                    ours, our_name = OUR_LINES[rnd.randrange(2)]
                    when = self._when(rnd)
                    inbound = rnd.random() < 0.65
                    result = rnd.choice(["Accepted", "Missed", "Voicemail"]) if inbound else rnd.choice(
                        ["Call connected", "No Answer", "Busy"])
                    if rnd.random() < 0.01:
                        phone = rnd.choice(BAD_PHONES)
                    row = ["".join(rnd.choices(alphabet, k=14)), str(rnd.randrange(10**11, 10**12)),
                           when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), rnd.randrange(0, 1800), "Voice",
                           "Inbound" if inbound else "Outbound", "Phone Call", result]
                    row += [phone, caller, ours, our_name] if inbound else [ours, our_name, phone, caller]
                    w.writerow(row)
        return files + 1 if len(persons) else 0, len(persons)

    # ------------------------------------------------------------ offline touches

    def _offline(self, out, tag, persons, rng, rnd, chain):
        folder = out / "offline" / "touches"
        folder.mkdir(parents=True, exist_ok=True)
        sizes = np.clip(rng.lognormal(8.0, 1.0, len(persons) // 1000 + 2), 50, 50000).astype(int)
        header = ["touch_id", "source", "event_type", "occurred_at", "email", "phone", "full_name", "properties"]
        files, start, written = 0, 0, 0
        while start < len(persons):
            size = int(sizes[files % len(sizes)])
            chunk = persons[start : start + size]
            start += size
            source, event_type = OFFLINE_SOURCES[files % len(OFFLINE_SOURCES)]
            show = f"{source}_{files:04d}"
            with open(folder / f"{tag}_{show}.csv", "w", newline="", encoding="utf-8") as handle:
                w = csv.writer(handle)
                w.writerow(header)
                for n, p in enumerate(chunk):
                    p = int(p)
                    universe, i = self._person(p)
                    first, last = universe.name(i)
                    name = f"{first} {last}"
                    email = self._email_for(p, rnd, name) if rnd.random() < 0.9 else ""
                    phone = self._phone_for(p, rnd, national_ok=False) if rnd.random() < 0.4 else ""
                    props = json.dumps({"booth": f"{rnd.choice('ABCD')}{rnd.randrange(1, 40)}", "show": show})
                    when = self._when(rnd).strftime("%Y-%m-%dT%H:%M:%SZ")
                    if rnd.random() < 0.01:
                        kind = rnd.randrange(3)
                        if kind == 0:
                            email, phone = rnd.choice(BAD_EMAILS), ""
                        elif kind == 1:
                            when = "sometime in May"
                        else:
                            w.writerow([f"{tag}-{show}-{n}", source, event_type, when, email])  # ragged
                            written += 1
                            continue
                    w.writerow([f"{tag}-{show}-{n}", source, event_type, when, email, phone, name, props])
                    written += 1
            files += 1
        if chain:
            written += self._chain(folder / f"{tag}_partner_referrals_chain.csv", header, chain, rnd)
            files += 1
        return files, written

    def _chain(self, path, header, length, rnd):
        """Persons e0-p0-e1-p1-...: each phone is typed with its owner's email and the next person's."""
        def email(k):
            return f"chain.person.{k}@chain-partners{_b36(self.seed)}.com"

        def phone(k):
            return f"+1 {US_AREAS[k % len(US_AREAS)]} {200 + (k // 10000) % 800} {k % 10000:04d}"

        with open(path, "w", newline="", encoding="utf-8") as handle:
            w = csv.writer(handle)
            w.writerow(header)
            for k in range(length):
                when = self._when(rnd).strftime("%Y-%m-%dT%H:%M:%SZ")
                props = json.dumps({"partner": "chain"})
                w.writerow([f"chain-{k}-a", "partner_referrals", "Partner Referral", when, email(k), phone(k),
                            f"Chain Person{_b36(k)}", props])
                w.writerow([f"chain-{k}-b", "partner_referrals", "Partner Referral", when, email(k + 1), phone(k),
                            f"Chain Person{_b36(k + 1)}", props])
        return 2 * length

    # ------------------------------------------------------------ app users

    def _users(self, out, tag, persons, rng, rnd):
        folder = out / "app" / "users"
        folder.mkdir(parents=True, exist_ok=True)
        per_file = 200_000
        files = 0
        for files, start in enumerate(range(0, max(1, len(persons)), per_file)):
            chunk = persons[start : start + per_file]
            with open(folder / f"{tag}_users_{files:03d}.csv", "w", newline="", encoding="utf-8") as handle:
                w = csv.writer(handle)
                w.writerow(["user_id", "email", "phone", "created_at"])
                for p in chunk:
                    p = int(p)
                    universe, i = self._person(p)
                    first, last = universe.name(i)
                    email = spell_email(universe.email(i), f"{first} {last}", rnd)
                    phone = self._phone_for(p, rnd, national_ok=False, allow_switchboard=False) if rnd.random() < 0.5 else ""
                    created = self._when(rnd).strftime("%Y-%m-%dT%H:%M:%SZ")
                    w.writerow([f"usr_{_b36(p + 1000000)}", email, phone, created])
        return files + 1, len(persons)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="touch rows of the base export")
    parser.add_argument("--out", required=True, help="raw folder to write (the four sub-folders go in it)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--chain-persons", type=int, default=500,
                        help="persons in the long chain (its identifiers: twice as many)")
    parser.add_argument("--increment", help="write an increment with this file-name tag instead of the base")
    parser.add_argument("--increment-rows", type=int, default=0, help="touch rows of the increment")
    args = parser.parse_args(argv)
    generator = Generator(args.rows, args.seed, args.chain_persons)
    stats = generator.write(args.out, args.increment, args.increment_rows or max(1, args.rows // 100))
    stats["persons"] = generator.n_persons
    print(json.dumps(stats))
    return stats


if __name__ == "__main__":
    main()
