"""Go's fmt/strconv spellings, as dep's messages contain them."""

import errno
import os

from dep.gofmt import go_errno_text, go_float, go_path_error, go_quote, go_quote_rune, go_sharp_u


def test_go_quote():
    assert go_quote('a"b\\c') == '"a\\"b\\\\c"'
    assert go_quote("\x01\x7f\t\u200b\U0001F600é") == '"\\x01\\x7f\\t\\u200b\U0001F600é"'
    assert go_quote("\u00a0\n\x01é") == '"\\u00a0\\n\\x01é"'
    assert go_quote("\a\b\f\r\v'") == '"\\a\\b\\f\\r\\v\'"'
    assert go_quote("\U000e0001\u0378") == '"\\U000e0001\\u0378"'  # a format character, an unassigned one
    assert go_quote("plain/path-1.2") == '"plain/path-1.2"'


def test_go_quote_surrogates():
    # a byte that is not UTF-8, as os.fsdecode carries it: Go prints the raw byte
    assert go_quote(os.fsdecode(b"a\xffb")) == '"a\\xffb"'
    # any other lone surrogate can only stand for an invalid rune, which Go makes U+FFFD
    assert go_quote("\ud800") == '"\ufffd"'


def test_go_quote_rune():
    assert go_quote_rune(ord("a")) == "'a'"
    assert go_quote_rune(ord("'")) == "'\\''"
    assert go_quote_rune(ord('"')) == "'\"'"
    assert go_quote_rune(ord("\\")) == "'\\\\'"
    assert go_quote_rune(0) == "'\\x00'"
    assert go_quote_rune(0xA0) == "'\\u00a0'"
    assert go_quote_rune(0x1F600) == "'\U0001F600'"
    assert go_quote_rune(0xD800) == go_quote_rune(0x110000) == go_quote_rune(-1) == "'\ufffd'"


def test_go_sharp_u():
    assert go_sharp_u(0x41) == "U+0041 'A'"
    assert go_sharp_u(0x24) == "U+0024 '$'"
    assert go_sharp_u(0xC3) == "U+00C3 'Ã'"
    assert go_sharp_u(0xAD) == "U+00AD"  # soft hyphen: not printable
    assert go_sharp_u(0x0A) == "U+000A"
    assert go_sharp_u(0x1F600) == "U+1F600 '\U0001F600'"


def test_go_float():
    cases = {1e10: "1e+10", 0.1: "0.1", 1e-5: "1e-05", -0.0: "-0", 123456.0: "123456", 1234567.0: "1.234567e+06",
             1.2345678901234569e+23: "1.2345678901234569e+23", 0.0001: "0.0001", 1.5: "1.5", 100.0: "100",
             -2.5e-7: "-2.5e-07", 1e100: "1e+100"}
    for v, s in cases.items():
        assert go_float(v) == s
    assert (go_float(float("nan")), go_float(float("inf")), go_float(float("-inf"))) == ("NaN", "+Inf", "-Inf")


def test_go_errno_text_and_path_error():
    assert go_errno_text(OSError(errno.ENOENT, os.strerror(errno.ENOENT))) == "no such file or directory"
    assert go_errno_text(PermissionError(errno.EACCES, "Permission denied")) == "permission denied"
    assert go_errno_text(OSError(errno.EDOTDOT, "RFS specific error")) == "RFS specific error"
    err = FileNotFoundError(errno.ENOENT, "No such file or directory")
    assert go_path_error("open", "/x/a.go", err) == "open /x/a.go: no such file or directory"
    assert go_path_error("lstat", b"/x/\xff", err) == "lstat /x/\udcff: no such file or directory"
