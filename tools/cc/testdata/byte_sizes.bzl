"""The cases of the size grammar (tools/cc/byte_size.h), one table for both
of its parsers: tools/cc/byte_size_test.cc reads this file as data and runs
ParseByteSize on every case; tools/perf_matrix_test.bzl loads it and runs
parse_size. A case is ("input", bytes) or ("input", None) for a rejected
input, one a line; inputs use no escapes but \\t and \\n.
"""

BYTE_SIZE_CASES = [
    # Plain bytes.
    ("65536", 65536),
    ("1", 1),
    ("0065536", 65536),
    # Binary units, either case, with or without "iB".
    ("512K", 524288),
    ("512k", 524288),
    ("512KiB", 524288),
    ("8M", 8388608),
    ("8m", 8388608),
    ("8MiB", 8388608),
    ("8mib", 8388608),
    ("8MIB", 8388608),
    ("16M", 16777216),
    ("64M", 67108864),
    ("160M", 167772160),
    ("1G", 1073741824),
    ("2GiB", 2147483648),
    ("50G", 53687091200),
    ("64G", 68719476736),
    ("1T", 1099511627776),
    ("1TiB", 1099511627776),
    # The largest size: 2^63 - 1 bytes.
    ("9223372036854775807", 9223372036854775807),
    ("8388607T", 9223370937343148032),
    # Not sizes.
    ("", None),
    ("0", None),
    ("00", None),
    ("0K", None),
    ("8MB", None),
    ("8mb", None),
    ("512B", None),
    ("8B", None),
    ("8iB", None),
    ("8Mi", None),
    ("8MiBs", None),
    ("8KB", None),
    ("M", None),
    ("MiB", None),
    ("8 M", None),
    (" 8M", None),
    ("8M ", None),
    ("8M\n", None),
    ("\t8M", None),
    ("1.5G", None),
    ("1.0G", None),
    (".5G", None),
    ("-5M", None),
    ("+5M", None),
    ("0x10", None),
    ("1e6", None),
    ("8P", None),
    ("8E", None),
    ("8X", None),
    ("10GG", None),
    ("8MM", None),
    ("8,000", None),
    ("8_000", None),
    # 2^63 bytes and more.
    ("9223372036854775808", None),
    ("8388608T", None),
    ("8589934592G", None),
    ("99999999999999999999", None),
    ("999999999999999999999999999999M", None),
]
