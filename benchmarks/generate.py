"""A synthetic corpus home with the shape of the real one, at national scale.

One national document (18 measures); each of R regions implements it with ~25 measures whose
annotations name a lead and 3-7 co-leads from a pool of regional departments (written under
aliases); each region has C cities implementing the regional document the same way; provision
links go city -> region -> national, with the document-level links stated; each region has a
response reporting on some of its measures. Every fact quotes a synthetic source text at real
offsets, so that validation does the same work as on the real corpus.

    python benchmarks/generate.py --triples 100000 --out /tmp/pg-100k
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
from pathlib import Path

PG = "https://w3id.org/policygraph/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://w3id.org/policygraph/synthetic/"
MEASURES = 25
PARTS = 5
DEPT_POOL = 30
TRIPLES_PER_CITY = 2150  # measured: a city document with its links and departments' share


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} .")

    def iri(self, s: str, p: str, o: str) -> None:
        self.add(s, p, f"<{o}>")


class Corpus:
    def __init__(self, out: Path, regions: int, cities: int, seed: int = 7) -> None:
        self.out, self.regions, self.cities = out, regions, cities
        self.rng = random.Random(seed)
        self.w = Writer()
        self.docs = 0

    def departments(self, jur: str, level: str, prefix: str) -> list[tuple[str, str, str]]:
        """(iri, written name, official name) for a pool of departments of one jurisdiction."""
        out = []
        for k in range(DEPT_POOL):
            iri = f"{BASE}org/{jur}/d{k}"
            official, short = f"{jur}第{k}厅", f"第{k}厅"
            self.w.iri(iri, RDF_TYPE, f"{PG}Department")
            self.w.add(iri, f"{SKOS}prefLabel", f'"{official}"@zh')
            for alt in (f"{prefix}{short}", short):
                self.w.add(iri, f"{SKOS}altLabel", f'"{alt}"@zh')
            self.w.iri(iri, f"{PG}level", f"{PG}{level}")
            self.w.iri(iri, f"{PG}kind", f"{PG}GovernmentDepartment")
            self.w.add(iri, f"{PG}jurisdiction", lit(jur))
            out.append((iri, f"{prefix}{short}", official))
        return out

    def document(
        self, jur: str, level: str, prefix: str, higher: str | None, higher_measures: int
    ) -> str:
        self.docs += 1
        doc = f"{BASE}eli/{jur}/doc"
        src = f"{BASE}source/{jur}"
        pool = self.departments(jur, level, prefix) if level != "National" else []
        w = self.w
        w.iri(doc, RDF_TYPE, f"{PG}PolicyDocument")
        w.add(doc, f"{ELI}title", f'"{jur}关于促进高新区发展的若干措施"@zh')
        w.add(doc, f"{ELI}id_local", lit(f"{jur}发〔2021〕{self.docs}号"))
        w.add(doc, f"{PG}shortName", lit(jur.lower()))
        w.iri(doc, f"{ELI}type_document", f"{PG}Measures")
        w.iri(doc, f"{PG}level", f"{PG}{level}")
        w.add(doc, f"{PG}jurisdiction", lit(jur))
        w.add(doc, f"{PG}textHeld", typed("true", "boolean"))
        w.iri(doc, f"{PG}sourceText", src)
        w.add(doc, f"{PG}requiresLeadDepartment", typed("true" if pool else "false", "boolean"))
        text: list[str] = []
        pos = 0

        def put(s: str) -> tuple[int, int]:
            nonlocal pos
            start = pos
            text.append(s)
            pos += len(s)
            return start, pos

        def quote(node: str, q: str, span: tuple[int, int]) -> None:
            w.add(node, f"{PG}quote", lit(q))
            w.add(node, f"{PG}quoteStart", typed(span[0], "integer"))
            w.add(node, f"{PG}quoteEnd", typed(span[1], "integer"))
            w.iri(node, f"{PROV}wasDerivedFrom", src)

        n = 18 if level == "National" else MEASURES
        per_part = -(-n // PARTS)
        for m in range(1, n + 1):
            part = (m - 1) // per_part + 1
            p_iri = f"{doc}/part/{part}"
            if (m - 1) % per_part == 0:
                heading = f"{part}、第{part}部分"
                span = put(heading + "\n")
                w.iri(p_iri, RDF_TYPE, f"{PG}Part")
                w.iri(p_iri, f"{ELI}is_part_of", doc)
                w.add(p_iri, f"{PG}ordinal", typed(part, "integer"))
                w.add(p_iri, f"{ELI}number", lit(str(part)))
                w.add(p_iri, f"{PG}label", lit(f"{part}、"))
                w.add(p_iri, f"{ELI}title", f'"第{part}部分"@zh')
                quote(p_iri, heading, (span[0], span[1] - 1))
            m_iri = f"{doc}/measure/{m}"
            title = f"措施{m}加强创新"
            start = pos
            put(f"({m}){title}。对企业给予最高{m * 10}万元支持。")
            amount = (start + len(f"({m}){title}。"), pos)
            names: list[tuple[str, tuple[str, str, str], tuple[int, int]]] = []
            if pool:
                chosen = self.rng.sample(pool, 1 + self.rng.randint(3, 7))
                put("(牵头:")
                names.append(("Lead", chosen[0], put(chosen[0][1])))
                put(",配合:")
                for k, d in enumerate(chosen[1:]):
                    if k:
                        put("、")
                    names.append(("CoLead", d, put(d[1])))
                put(")")
            end = pos
            put("\n")
            w.iri(m_iri, RDF_TYPE, f"{PG}Measure")
            w.iri(m_iri, f"{ELI}is_part_of", p_iri)
            w.add(m_iri, f"{PG}ordinal", typed(m, "integer"))
            w.add(m_iri, f"{ELI}number", lit(str(m)))
            w.add(m_iri, f"{PG}label", lit(f"({m})"))
            w.add(m_iri, f"{ELI}title", f'"{title}"@zh')
            quote(m_iri, "".join(text)[start:end], (start, end))
            f_iri = f"{m_iri}/funding/1"
            w.iri(f_iri, RDF_TYPE, f"{PG}FundingCommitment")
            w.iri(f_iri, f"{PG}provision", m_iri)
            w.iri(f_iri, f"{PG}amountKind", f"{PG}Cap")
            w.add(f_iri, f"{PG}amountWanYuan", typed(m * 10, "decimal"))
            w.add(f_iri, f"{PG}amountText", lit(f"{m * 10}万元"))
            quote(f_iri, "".join(text)[amount[0] : amount[1]], amount)
            positions = {"Lead": 0, "CoLead": 0}
            for role, (d_iri, written, _), span in names:
                positions[role] += 1
                r_iri = f"{m_iri}/{role.lower()}/{positions[role]}"
                w.iri(r_iri, RDF_TYPE, f"{PG}Responsibility")
                w.iri(r_iri, f"{PG}provision", m_iri)
                w.iri(r_iri, f"{PG}department", d_iri)
                w.iri(r_iri, f"{PG}role", f"{PG}{role}")
                w.add(r_iri, f"{PG}position", typed(positions[role], "integer"))
                quote(r_iri, written, span)
            if higher is not None:
                h = f"{higher}/measure/{self.rng.randint(1, higher_measures)}"
                w.iri(m_iri, f"{ELI}applies", h)
                link = f"{m_iri}/implements/1"
                w.iri(link, RDF_TYPE, f"{PG}ImplementationLink")
                w.iri(link, f"{PG}lower", m_iri)
                w.iri(link, f"{PG}higher", h)
                w.iri(link, f"{PG}linkKind", f"{PG}Judged")
                w.add(link, f"{PG}basis", lit("synthetic"))
                w.add(link, f"{PG}confidence", typed("0.8", "decimal"))
                w.iri(link, f"{PROV}wasAttributedTo", f"{PG}Curators")
                quote(link, f"({m}){title}", (start, start + len(f"({m}){title}")))
        if higher is not None:
            w.iri(doc, f"{ELI}ensures_implementation_of", higher)
            link = f"{doc}/implements"
            w.iri(link, RDF_TYPE, f"{PG}ImplementationLink")
            w.iri(link, f"{PG}lower", doc)
            w.iri(link, f"{PG}higher", higher)
            w.iri(link, f"{PG}linkKind", f"{PG}Stated")
            w.add(link, f"{PG}basis", lit("synthetic"))
            w.add(link, f"{PG}confidence", typed("1.0", "decimal"))
            w.iri(link, f"{PROV}wasAttributedTo", f"{PG}Curators")
            first = "(1)措施1加强创新"  # the first measure's heading, right after the first part heading
            quote(link, first, (len(text[0]), len(text[0]) + len(first)))
        body = "".join(text).encode("utf-8")
        path = self.out / "data" / "sources" / f"{jur}.txt"
        path.write_bytes(body)
        w.iri(src, RDF_TYPE, f"{PG}SourceText")
        w.add(src, f"{PG}fileName", lit(f"data/sources/{jur}.txt"))
        w.add(src, f"{PG}sha256", lit(hashlib.sha256(body).hexdigest()))
        w.add(src, f"{PG}extractionProfile", lit("none"))
        return doc

    def build(self) -> int:
        national = self.document("CN", "National", "", None, 0)
        for r in range(self.regions):
            region = self.document(f"R{r:02d}", "Region", "省", national, 18)
            for c in range(self.cities):
                self.document(f"R{r:02d}C{c:02d}", "City", "市", region, MEASURES)
        ttl = self.out / "data" / "ttl" / "synthetic.ttl"
        ttl.write_text("\n".join(self.w.lines) + "\n", encoding="utf-8")
        return len(self.w.lines)


def generate(out: Path, triples: int, repo: Path) -> int:
    """A corpus home at ``out`` with about ``triples`` triples; returns the exact count."""
    if out.exists():
        shutil.rmtree(out)
    for sub in ("data/sources", "data/ttl"):
        (out / sub).mkdir(parents=True)
    shutil.copytree(repo / "ontology", out / "ontology")
    shutil.copytree(repo / "queries", out / "queries")
    docs = max(2, round(triples / TRIPLES_PER_CITY))
    regions = min(31, max(1, docs // 18))
    cities = max(0, round((docs - 1 - regions) / regions))
    return Corpus(out, regions, cities).build()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    n = generate(args.out, args.triples, Path(__file__).resolve().parents[1])
    print(f"{n} triples in {args.out}")
