"""English display formats (FORMAT_MODULE_PATH): day, month name, year.

Django's ``en`` prints "Dec. 2, 2026", "12/02/2026" and "11:42 a.m.", whose full stop
doubles at the end of a sentence ("…at 11:42 a.m.."). Sori writes "2 December 2026"
and 24-hour times with the zone ("15:05 UTC"): English readers see the site's zone,
Korean readers Korea's (``lib.i18n``). Input formats are Django's.
"""

DATE_FORMAT = "j F Y"  # 2 December 2026
TIME_FORMAT = "H:i T"  # 15:05 UTC
DATETIME_FORMAT = "j F Y, H:i T"  # 2 December 2026, 15:05 UTC
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 2 December
SHORT_DATE_FORMAT = "j M Y"  # 2 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 2 Dec 2026, 15:05 (staff tables)
FIRST_DAY_OF_WEEK = 1  # Monday
