"""Dates as the records print them: the English names of the months, and the Roman numerals of a Soviet
record's dates ("5.XI.62"). One list for the reader, the pages and the benchmarks' synthetic records."""

from __future__ import annotations

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
