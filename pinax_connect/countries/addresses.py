"""Address rules of the countries in :mod:`pinax_connect.countries`: postal-code
patterns (and where people leave out the separator), countries without postal codes,
and the subdivisions Stripe takes for ``address.state``."""
from __future__ import annotations

POSTAL_CODES = {
    "US": (r"\d{5}(-\d{4})?", "94107"),
    "CA": (r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d", "K1A 0B1"),
    "GB": (r"(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})", "SW1A 1AA"),
    "GI": (r"GX11 1AA", "GX11 1AA"),
    "IE": (r"([AC-FHKNPRTV-Y]\d{2}|D6W) [0-9AC-FHKNPRTV-Y]{4}", "D02 X285"),
    "NL": (r"[1-9]\d{3} [A-Z]{2}", "1012 JS"),
    "JP": (r"\d{3}-\d{4}", "100-0001"),
    "PT": (r"\d{4}-\d{3}", "1000-001"),
    "PL": (r"\d{2}-\d{3}", "00-001"),
    "BR": (r"\d{5}-\d{3}", "01001-000"),
    "CZ": (r"\d{3} \d{2}", "110 00"), "SK": (r"\d{3} \d{2}", "811 01"),
    "SE": (r"\d{3} \d{2}", "111 22"), "GR": (r"\d{3} \d{2}", "105 57"),
    "MT": (r"[A-Z]{3} \d{4}", "VLT 1117"),
    **{c: (r"\d{4}", "1010") for c in ("AT", "AU", "BE", "BG", "CH", "CY", "DK", "HU", "LI", "LU",
                                       "LV", "NO", "NZ", "SI")},
    **{c: (r"\d{5}", "10115") for c in ("DE", "EE", "ES", "FI", "FR", "HR", "IT", "LT", "MX", "MY", "TH")},
    **{c: (r"\d{6}", "018956") for c in ("SG", "IN", "RO")},
}
# Where people type the code without its separator: (position, separator).
POSTAL_SEPARATORS = {"CA": (3, " "), "GB": (-3, " "), "GI": (4, " "), "IE": (3, " "), "NL": (4, " "),
                     "JP": (3, "-"), "PT": (4, "-"), "PL": (2, "-"), "BR": (5, "-"), "CZ": (3, " "),
                     "SK": (3, " "), "SE": (3, " "), "GR": (3, " "), "MT": (3, " ")}
NO_POSTAL_CODE = {"HK", "AE"}
# Countries whose ``address.state`` Stripe requires, from a fixed list (forms.address has them).
STATE_LISTS = {"US", "CA", "AU", "JP"}
# Countries whose ``address.state`` Stripe requires as free text.
STATE_REQUIRED = STATE_LISTS | {"BR", "IN", "MX", "MY", "TH"}


US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"), ("AS", "American Samoa"), ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"), ("VI", "U.S. Virgin Islands"),
]

CA_PROVINCES = [
    ("AB", "Alberta"), ("BC", "British Columbia"), ("MB", "Manitoba"), ("NB", "New Brunswick"),
    ("NL", "Newfoundland and Labrador"), ("NS", "Nova Scotia"), ("NT", "Northwest Territories"),
    ("NU", "Nunavut"), ("ON", "Ontario"), ("PE", "Prince Edward Island"), ("QC", "Quebec"),
    ("SK", "Saskatchewan"), ("YT", "Yukon"),
]

AU_STATES = [
    ("ACT", "Australian Capital Territory"), ("NSW", "New South Wales"),
    ("NT", "Northern Territory"), ("QLD", "Queensland"), ("SA", "South Australia"),
    ("TAS", "Tasmania"), ("VIC", "Victoria"), ("WA", "Western Australia"),
]

# Stripe takes the prefecture's name for ``state`` on Japanese addresses.
JP_PREFECTURES = [
    (name, name) for name in (
        "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki",
        "Tochigi", "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama",
        "Ishikawa", "Fukui", "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie",
        "Shiga", "Kyoto", "Osaka", "Hyogo", "Nara", "Wakayama", "Tottori", "Shimane",
        "Okayama", "Hiroshima", "Yamaguchi", "Tokushima", "Kagawa", "Ehime", "Kochi",
        "Fukuoka", "Saga", "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa",
    )
]

STATES = {"US": US_STATES, "CA": CA_PROVINCES, "AU": AU_STATES, "JP": JP_PREFECTURES}
