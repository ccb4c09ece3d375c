"""One long document: ingest and validate time as it grows (issue 14, part 9).

Writes a regional measures document of the genre with N numbered items under parts 一、二、…,
each with an annotation naming a lead and co-leads from the Yunnan departments, a deadline and
an amount now and then (about 210 bytes an item: 23,500 items is 5 MB), ingests it into a
copy of the corpus and validates the result, each as the process a user runs, and prints the
seconds and peak memory of each.

    .venv/bin/python benchmarks/one_document.py --items 2000 5000 23500
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LEADS = ["省科技厅", "省发展改革委", "省工业和信息化厅", "省财政厅", "省商务厅"]
CO = ["省财政厅", "省人力资源社会保障厅", "省自然资源厅", "省生态环境厅", "省教育厅", "省税务局"]
PER_PART = 500


def document(items: int) -> str:
    lines = [
        "云政办发〔2024〕99号",
        "",
        "云南省人民政府办公厅关于推进高新技术产业开发区重点任务的实施方案",
        "",
        "各州、市人民政府，省直各委、办、厅、局：",
        "为贯彻落实《国务院关于促进国家高新技术产业开发区高质量发展的若干意见》"
        "（国发〔2020〕7号），经省人民政府同意，提出以下方案。",
    ]
    for n in range(items):
        if n % PER_PART == 0:
            part = n // PER_PART + 1
            lines += ["", f"{chinese(part)}、第{part}组重点任务"]
        lead = LEADS[n % len(LEADS)]
        co = "、".join(CO[(n + k) % len(CO)] for k in range(1 + n % 3))
        money = f"对符合条件的项目给予最高{(n % 9 + 1) * 100}万元支持。" if n % 4 == 0 else ""
        lines.append(
            f"{n % PER_PART + 1}.推进第{n + 1}项重点工作。加强统筹协调，完善工作机制，"
            f"确保任务按期完成。{money}"
            f"（牵头单位：{lead}；配合单位：{co}；完成时限：2025年{n % 12 + 1}月底前）"
        )
    lines += ["", "云南省人民政府办公厅", "2024年5月6日", ""]
    return "\n".join(lines)


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三 (up to 99)."""
    digits = "一二三四五六七八九"
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")
    return head + (digits[ones - 1] if ones else "")


def run(args: list[str]) -> tuple[float, int, str]:
    """Seconds, peak RSS (MB) and the last output line of one policygraph process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", *args], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        raise SystemExit(f"policygraph {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return seconds, max(peak, before) // 1024, last


def measure(items: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="pg-one-") as tmp:
        home = Path(tmp) / "home"
        for part in ("data", "ontology", "queries"):
            shutil.copytree(REPO / part, home / part)
        text = document(items)
        source = Path(tmp) / "yunnan-plan.txt"
        source.write_text(text, encoding="utf-8")
        home_args = ["--home", str(home)]
        ingest = run(
            ["ingest", str(source), "--jurisdiction", "cn-yn", "--short", "ynplan", *home_args]
        )
        validate = run(["validate", *home_args])
        return {
            "items": items,
            "MB": round(len(text.encode("utf-8")) / 2**20, 2),
            "ingest s": round(ingest[0], 1),
            "ingest peak MB": ingest[1],
            "validate s": round(validate[0], 1),
            "validate result": validate[2],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[2000, 5000, 23500])
    for items in parser.parse_args().items:
        print(json.dumps(measure(items), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
