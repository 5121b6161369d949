"""Korean display formats (FORMAT_MODULE_PATH): what Django's own ``ko`` module lacks.

Django prints "3:05 오후" and "2026-12-2"; Korean readers expect "오후 3:05" and
"2026. 12. 2." (KOREAN.md, "Numbers, dates, times, money"). Input formats are
Django's, which this module leaves alone.
"""

DATE_FORMAT = "Y년 n월 j일"  # 2026년 12월 2일
TIME_FORMAT = "A g:i"  # 오후 3:05
DATETIME_FORMAT = "Y년 n월 j일 A g:i"  # 2026년 12월 2일 오후 3:05
YEAR_MONTH_FORMAT = "Y년 n월"  # 2026년 12월
MONTH_DAY_FORMAT = "n월 j일"  # 12월 2일
SHORT_DATE_FORMAT = "Y. n. j."  # 2026. 12. 2.
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"  # 2026. 12. 2. 15:05 (staff tables)
FIRST_DAY_OF_WEEK = 0  # Sunday
