"""Regulation facts: the predikat matrix, angka kredit, periods, NIP, canonical hash."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from kinerja_build import domain


@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected"),
    [
        ("di_atas_ekspektasi", "di_atas_ekspektasi", "sangat_baik"),
        ("di_atas_ekspektasi", "sesuai_ekspektasi", "baik"),
        ("di_atas_ekspektasi", "di_bawah_ekspektasi", "kurang"),  # not max(): see DOMAIN note
        ("sesuai_ekspektasi", "di_atas_ekspektasi", "baik"),
        ("sesuai_ekspektasi", "sesuai_ekspektasi", "baik"),
        ("sesuai_ekspektasi", "di_bawah_ekspektasi", "kurang"),
        ("di_bawah_ekspektasi", "di_atas_ekspektasi", "butuh_perbaikan"),
        ("di_bawah_ekspektasi", "sesuai_ekspektasi", "butuh_perbaikan"),
        ("di_bawah_ekspektasi", "di_bawah_ekspektasi", "sangat_kurang"),
    ],
)
def test_predikat_matrix(hasil: str, perilaku: str, expected: str) -> None:
    assert domain.predikat(hasil, perilaku) == expected


def test_matrix_covers_every_pair() -> None:
    for hasil, perilaku in itertools.product(domain.RATINGS, repeat=2):
        assert domain.predikat(hasil, perilaku) in domain.PREDIKAT_LABELS


@pytest.mark.parametrize(
    ("predikat", "jenjang", "months", "expected"),
    [
        ("sangat_baik", "ahli_pertama", 12, Decimal("18.75")),
        ("baik", "ahli_pertama", 2, Decimal("2.08")),
        ("baik", "ahli_madya", 6, Decimal("18.75")),
        ("butuh_perbaikan", "ahli_muda", 12, Decimal("18.75")),
        ("kurang", "ahli_utama", 12, Decimal("25.00")),
        ("sangat_kurang", "ahli_pertama", 6, Decimal("1.56")),
    ],
)
def test_angka_kredit(predikat: str, jenjang: str, months: int, expected: Decimal) -> None:
    assert domain.round_ak(domain.angka_kredit(predikat, jenjang, months)) == expected


def test_ak_comparison_tolerates_only_rounding() -> None:
    exact = domain.angka_kredit("baik", "ahli_pertama", 2)  # 2.0833…
    assert domain.ak_matches(2.08, exact)
    assert domain.ak_matches(2.083, exact)
    assert not domain.ak_matches(2.1, exact)
    assert not domain.ak_matches(2.07, exact)


@pytest.mark.parametrize(
    ("text", "regime", "start", "end", "months"),
    [
        ("2024-1", "7607-2023", "2024-01-01", "2024-06-30", 6),
        ("2024-2", "7607-2023", "2024-07-01", "2024-12-31", 6),
        ("2025", "4242-2024", "2025-01-01", "2025-12-31", 12),
        ("2026", "271-O-2025", "2026-01-01", "2026-12-31", 12),
        ("2031", "271-O-2025", "2031-01-01", "2031-12-31", 12),
    ],
)
def test_periods(text: str, regime: str, start: str, end: str, months: int) -> None:
    periode = domain.parse_periode(text)
    assert periode.regime.id == regime
    assert (periode.start.isoformat(), periode.end.isoformat(), periode.months) == (
        start,
        end,
        months,
    )


@pytest.mark.parametrize("text", ["2024", "2025-1", "2023", "2023-2", "24", "2024-3", "abcd"])
def test_invalid_periods(text: str) -> None:
    with pytest.raises(domain.PeriodeError):
        domain.parse_periode(text)


@pytest.mark.parametrize(
    ("nip", "pppk", "problem"),
    [
        ("198703152010012004", False, ""),
        ("199103152022212003", True, ""),
        ("199103152022212003", False, "bulan TMT"),
        ("198702302010012004", False, "tanggal lahir"),
        ("198703152010013004", False, "digit ke-15"),
        ("198703152010132004", False, "bulan TMT"),
        ("19870315201001200", False, "18 digit"),
        ("198703151990012004", False, "tidak masuk akal"),
    ],
)
def test_nip_structure(nip: str, pppk: bool, problem: str) -> None:
    parts, message = domain.parse_nip(nip, pppk=pppk)
    if problem:
        assert parts is None and problem in message
    else:
        assert parts is not None and message == ""


def test_nip_parts() -> None:
    parts, _ = domain.parse_nip("198703152010012004")
    assert parts is not None
    assert (parts.birth.isoformat(), parts.tmt_year, parts.tmt_month, parts.gender) == (
        "1987-03-15",
        2010,
        1,
        "P",
    )


def test_canonical_hash_ignores_order_and_status_but_not_content() -> None:
    plan = {
        "pegawai": "x",
        "periode": "2025",
        "perilaku_kerja": ["adaptif"],
        "status": [{"status": "diajukan"}],
    }
    reordered = {"status": [], "perilaku_kerja": ["adaptif"], "periode": "2025", "pegawai": "x"}
    assert domain.canonical_plan_hash(plan) == domain.canonical_plan_hash(reordered)
    changed = {**plan, "perilaku_kerja": ["adaptif", "loyal"]}
    assert domain.canonical_plan_hash(plan) != domain.canonical_plan_hash(changed)


def test_indonesian_dates() -> None:
    import datetime as dt

    assert domain.tanggal_indonesia(dt.date(2026, 11, 22)) == "22 November 2026"
