"""Go's text/template: every expectation below is what Go 1.19 (the toolchain of dep v0.5.4's
release) printed for the same template and data, in a throwaway Go program."""

import pytest

from dep.gotemplate import Function, Slice, Stringer, Struct, Template, TemplateError, sprintf


class Err:
    def __init__(self, message, output=""):
        self.message, self.output = message, output


def _split(items):
    return "[" + " ".join(items) + "]"


# Stand-ins with the types of dep's helpers (int, []string, ([]string, int)).
FUNCS = {"dec": Function(lambda i: i - 1, ("int",)), "tomlStrSplit": Function(_split, ("[]string",)),
         "tomlStrSplit2": Function(lambda items, n: f"{_split(items)} {n}", ("[]string", "int"))}

BASIC = Struct("main.rawStatus", {"ProjectRoot": "github.com/a/b", "Constraint": "^1.0.0", "Version": "v1.0.0",
                                  "Revision": "abcdef1234567890", "Latest": "v1.2.0", "PackageCount": 2})


def _version(revision="", version="", branch=""):
    return Struct("main.rawDetailVersion", {"Revision": revision, "Version": version, "Branch": branch})


def _project(root, packages, locked, latest, prune, digest, source, constraint):
    return Struct("main.rawDetailProject", {
        "ProjectRoot": root, "Packages": Slice("string", packages), "Locked": locked, "Latest": latest,
        "PruneOpts": prune, "Digest": digest, "Source": source, "Constraint": constraint,
        "PackageCount": len(packages)})


DETAIL = Struct("main.rawDetail", {
    "Projects": Slice("main.rawDetailProject", [
        _project("github.com/a/b", [".", "sub"], _version("abc", "v1.0.0"), _version("", "v1.2.0"), "UT", "1:ff", "",
                 "^1.0.0"),
        _project("github.com/c/d", ["."], _version("def", "", "master"), _version("fed"), "", "1:aa", "https://x/y",
                 "branch master")]),
    "Metadata": Struct("main.rawDetailMetadata", {
        "AnalyzerName": "dep", "AnalyzerVersion": 1, "InputsDigest": "",
        "InputImports": Slice("string", ["github.com/a/b", "github.com/c/d"]), "SolverName": "gps-cdcl",
        "SolverVersion": 1})})

CASES = [
    (BASIC, 'PROJECT: {{.ProjectRoot}}, VERSION: {{.Version}}\n', 'PROJECT: github.com/a/b, VERSION: v1.0.0\n'),
    (BASIC, '{{.}}', '{github.com/a/b ^1.0.0 v1.0.0 abcdef1234567890 v1.2.0 2}'),
    (BASIC, '{{.Foo}}', Err('template: status:1:2: executing "status" at <.Foo>: can\'t evaluate field Foo in type main.rawStatus', '')),
    (BASIC, '{{.ProjectRoot', Err('template: status:1: unclosed action', '')),
    (BASIC, '{{if eq .Constraint "^1.0.0"}}{{.ProjectRoot}} {{end}}', 'github.com/a/b '),
    (BASIC, '{{if eq .PackageCount 2}}two{{else if eq .PackageCount 1}}one{{else}}many{{end}}', 'two'),
    (BASIC, '{{printf "%-20s|%5d|%q|%x|%v|%s" .ProjectRoot .PackageCount .Version .Revision . .PackageCount}}', 'github.com/a/b      |    2|"v1.0.0"|61626364656631323334353637383930|{github.com/a/b ^1.0.0 v1.0.0 abcdef1234567890 v1.2.0 2}|%!s(int=2)'),
    (BASIC, '{{printf "%d %d"}}|{{printf "%s" 1 2}}|{{printf "%!"}}|{{printf "%z" 3}}', '%!d(MISSING) %!d(MISSING)|%!s(int=1)%!(EXTRA int=2)|%!!(MISSING)|%!z(int=3)'),
    (BASIC, '{{dec .PackageCount}} {{dec 5}} {{dec "x"}}', Err('template: status:1:38: executing "status" at <"x">: expected integer; found "x"', '1 4 ')),
    (BASIC, '{{dec .ProjectRoot}}', Err('template: status:1:6: executing "status" at <.ProjectRoot>: wrong type for value; expected int; got string', '')),
    (BASIC, '{{.PackageCount | dec | dec}}', '0'),
    (BASIC, '{{len .ProjectRoot}} {{index .ProjectRoot 0}} {{slice .ProjectRoot 0 6}}', '14 103 github'),
    (BASIC, '{{html "<a href=\'x\'>&"}} {{js "a\'b\\"c<>=&\\\\"}} {{urlquery "a b&c=d/é"}}', '&lt;a href=&#39;x&#39;&gt;&amp; a\\\'b\\"c\\u003C\\u003E\\u003D\\u0026\\\\ a+b%26c%3Dd%2F%C3%A9'),
    (BASIC, '{{print 1 2 "a" 3 "b" "c" true}}|{{println 1 "a"}}|{{print}}', '1 2a3bctrue|1 a\n|'),
    (BASIC, '{{$x := .ProjectRoot}}{{$x}} {{$x = "y"}}{{$x}}', 'github.com/a/b y'),
    (BASIC, '{{with .Latest}}latest={{.}}{{end}}{{with .Source}}x{{else}}nosrc{{end}}', Err('template: status:1:42: executing "status" at <.Source>: can\'t evaluate field Source in type main.rawStatus', 'latest=v1.2.0')),
    (BASIC, '{{- "a" -}}   {{- "b" }}   {{"c" -}}   d', 'ab   cd'),
    (BASIC, '{{/* comment */}}x{{- /* c2 */ -}}  y', 'xy'),
    (BASIC, '{{range .}}{{end}}', Err('template: status:1:8: executing "status" at <.>: range can\'t iterate over {github.com/a/b ^1.0.0 v1.0.0 abcdef1234567890 v1.2.0 2}', '')),
    (BASIC, '{{range $i, $p := .Foo}}{{end}}', Err('template: status:1:18: executing "status" at <.Foo>: can\'t evaluate field Foo in type main.rawStatus', '')),
    (BASIC, '{{.ProjectRoot.X}}', Err('template: status:1:14: executing "status" at <.ProjectRoot.X>: can\'t evaluate field X in type string', '')),
    (BASIC, '{{nil}}', Err('template: status:1:2: executing "status" at <nil>: nil is not a command', '')),
    (BASIC, '{{.ProjectRoot 1}}', Err('template: status:1:2: executing "status" at <.ProjectRoot>: ProjectRoot has arguments but cannot be invoked as function', '')),
    (BASIC, '{{"x" | .ProjectRoot}}', Err('template: status:1:8: executing "status" at <.ProjectRoot>: ProjectRoot has arguments but cannot be invoked as function', '')),
    (BASIC, '{{and 1 0 2}} {{or 0 "" "z"}} {{not 0}} {{and}}', Err('template: status:1:42: executing "status" at <and>: wrong number of args for and: want at least 1 got 0', '0 z true ')),
    (BASIC, '{{lt 1 2}} {{lt "b" "a"}} {{le 2 2}} {{gt 3 1}} {{ge 1 2}} {{ne "a" "b"}} {{eq 1 2 3 1}} {{eq 1 "a"}}', Err('template: status:1:91: executing "status" at <eq 1 "a">: error calling eq: incompatible types for comparison', 'true false true true false true true ')),
    (BASIC, '{{eq .PackageCount}}', Err('template: status:1:2: executing "status" at <eq .PackageCount>: error calling eq: missing argument for comparison', '')),
    (BASIC, "{{1.5}} {{0x1F}} {{'a'}} {{1e3}} {{-7}} {{017}} {{1_000}}", '1.5 31 97 1000 -7 15 1000'),
    (BASIC, '{{"unterminated}}', Err('template: status:1: unterminated quoted string', '')),
    (BASIC, '{{.X', Err('template: status:1: unclosed action', '')),
    (BASIC, '{{end}}', Err('template: status:1: unexpected {{end}}', '')),
    (BASIC, '{{else}}', Err('template: status:1: unexpected {{else}}', '')),
    (BASIC, '{{if .ProjectRoot}}', Err('template: status:1: unexpected EOF', '')),
    (BASIC, '{{range $a, $b, $c := .}}{{end}}', Err('template: status:1: too many declarations in range', '')),
    (BASIC, '{{$y}}', Err('template: status:1: undefined variable "$y"', '')),
    (BASIC, '{{foo}}', Err('template: status:1: function "foo" not defined', '')),
    (BASIC, '{{break}}', Err('template: status:1: {{break}} outside {{range}}', '')),
    (BASIC, '{{range .}}{{break}}{{end}}', Err('template: status:1:8: executing "status" at <.>: range can\'t iterate over {github.com/a/b ^1.0.0 v1.0.0 abcdef1234567890 v1.2.0 2}', '')),
    (BASIC, '{{ .ProjectRoot | printf "%s|%s" "pre" }}', 'pre|github.com/a/b'),
    (BASIC, '{{(printf "%s-x" .Version)}} {{(.).Version}} {{(printf "a").Foo}}', Err('template: status:1:55: executing "status" at <"a">: can\'t evaluate field Foo in type string', 'v1.0.0-x v1.0.0 ')),
    (BASIC, '{{.ProjectRoot}} {{.PackageCount | printf "%03d"}}', 'github.com/a/b 002'),
    (BASIC, '{{if}}{{end}}', Err('template: status:1: missing value for if', '')),
    (BASIC, '{{"a" | "b"}}', Err('template: status:1: non executable command in pipeline stage 2', '')),
    (BASIC, '{{.Version | len}}', '6'),
    (BASIC, '{{index .Version 99}}', Err('template: status:1:2: executing "status" at <index .Version 99>: error calling index: index out of range: 99', '')),
    (BASIC, '{{.PackageCount.Foo}}', Err('template: status:1:15: executing "status" at <.PackageCount.Foo>: can\'t evaluate field Foo in type int', '')),
    (BASIC, '{{printf "%v %+v" . .}}', '{github.com/a/b ^1.0.0 v1.0.0 abcdef1234567890 v1.2.0 2} {ProjectRoot:github.com/a/b Constraint:^1.0.0 Version:v1.0.0 Revision:abcdef1234567890 Latest:v1.2.0 PackageCount:2}'),
    (BASIC, '{{printf "%6.2f|%t|%c|%U" 3.14159 true 65 65}}', '  3.14|true|A|U+0041'),
    (BASIC, '{{)}}', Err('template: status:1: unexpected ")" in command', '')),
    (BASIC, '{{(.ProjectRoot}}', Err('template: status:1: unclosed left paren', '')),
    (BASIC, '{{.ProjectRoot}}}}', 'github.com/a/b}}'),
    (BASIC, '{{#}}', Err('template: status:1: unexpected "#" in command', '')),
    (BASIC, 'line1\n{{.Bad}}\nline3', Err('template: status:2:2: executing "status" at <.Bad>: can\'t evaluate field Bad in type main.rawStatus', 'line1\n')),
    (BASIC, 'line1\n{{if .ProjectRoot}}\n{{.Bad}}{{end}}', Err('template: status:3:2: executing "status" at <.Bad>: can\'t evaluate field Bad in type main.rawStatus', 'line1\n\n')),
    (BASIC, 'a\n{{if .X\n}}', Err('template: status:3: unexpected EOF', '')),
    (DETAIL, '{{range $i, $p := .Projects}}{{if $i}},{{end}}{{$p.ProjectRoot}}:{{$p.Locked.Version}}:{{$p.Packages}}:{{$p.Latest}}{{end}}', 'github.com/a/b:v1.0.0:[. sub]:{ v1.2.0 },github.com/c/d::[.]:{fed  }'),
    (DETAIL, '{{.}}', '{[{github.com/a/b [. sub] {abc v1.0.0 } { v1.2.0 } UT 1:ff  ^1.0.0 2} {github.com/c/d [.] {def  master} {fed  }  1:aa https://x/y branch master 1}] {dep 1  [github.com/a/b github.com/c/d] gps-cdcl 1}}'),
    (DETAIL, '{{.Metadata}}|{{printf "%q %d %v %s" .Metadata.AnalyzerName .Metadata.AnalyzerVersion .Metadata.InputImports .Metadata.SolverName}}|{{len .Projects}}|{{index .Projects 0}}', '{dep 1  [github.com/a/b github.com/c/d] gps-cdcl 1}|"dep" 1 [github.com/a/b github.com/c/d] gps-cdcl|2|{github.com/a/b [. sub] {abc v1.0.0 } { v1.2.0 } UT 1:ff  ^1.0.0 2}'),
    (DETAIL, '{{range .Projects}}{{tomlStrSplit .Packages}} {{tomlStrSplit2 .Packages 2}} {{(tomlStrSplit .Packages)}}\n{{end}}', '[. sub] [. sub] 2 [. sub]\n[.] [.] 2 [.]\n'),
    (DETAIL, '{{range $p := .Projects}}{{if ne .Source ""}}{{$p.Source}}{{end}}{{end}}', 'https://x/y'),
    (DETAIL, '{{range .Projects}}{{.Locked.Foo}}{{end}}', Err('template: status:1:28: executing "status" at <.Locked.Foo>: can\'t evaluate field Foo in type main.rawDetailVersion', '')),
    (DETAIL, '{{range $i, $e := .Metadata.InputImports}}{{$i}}={{$e}};{{else}}none{{end}}', '0=github.com/a/b;1=github.com/c/d;'),
    (DETAIL, '{{range .Metadata.InputsDigest}}{{end}}', Err('template: status:1:17: executing "status" at <.Metadata.InputsDigest>: range can\'t iterate over ', '')),
    (DETAIL, '{{range .Projects}}{{if eq .PackageCount 2}}{{continue}}{{end}}{{.ProjectRoot}}{{end}}', 'github.com/c/d'),
    (DETAIL, '{{index .Projects 0 | printf "%v"}}', '{github.com/a/b [. sub] {abc v1.0.0 } { v1.2.0 } UT 1:ff  ^1.0.0 2}'),
    (DETAIL, '{{eq .Projects .Projects}}', Err('template: status:1:2: executing "status" at <eq .Projects .Projects>: error calling eq: non-comparable type [{github.com/a/b [. sub] {abc v1.0.0 } { v1.2.0 } UT 1:ff  ^1.0.0 %!s(int=2)} {github.com/c/d [.] {def  master} {fed  }  1:aa https://x/y branch master %!s(int=1)}]: []main.rawDetailProject', '')),
    (DETAIL, '{{eq .Metadata .Metadata}}', Err('template: status:1:2: executing "status" at <eq .Metadata .Metadata>: error calling eq: non-comparable type {dep %!s(int=1)  [github.com/a/b github.com/c/d] gps-cdcl %!s(int=1)}: main.rawDetailMetadata', '')),
    (DETAIL, '{{tomlStrSplit .Metadata}}', Err('template: status:1:15: executing "status" at <.Metadata>: wrong type for value; expected []string; got main.rawDetailMetadata', '')),
    (DETAIL, '{{tomlStrSplit2 .Metadata.InputImports "x"}}', Err('template: status:1:39: executing "status" at <"x">: expected integer; found "x"', '')),
    (DETAIL, '{{tomlStrSplit2 .Metadata.InputImports}}', Err('template: status:1:2: executing "status" at <tomlStrSplit2>: wrong number of args for tomlStrSplit2: want 2 got 1', '')),
    (BASIC, '{{printf "%5s|%-5v|%05d|%+d|%x|%X|%o|%b|%#x|%q|%#v" "ab" 1 42 5 255 255 8 5 255 97 "s"}}', '   ab|1    |00042|+5|ff|FF|10|101|0xff|\'a\'|"s"'),
    (DETAIL, '{{printf "%v" .Metadata.InputImports}} {{printf "%q" .Metadata.InputImports}} {{printf "%5s" .Metadata.InputImports}} {{printf "%+v" .Metadata}}', '[github.com/a/b github.com/c/d] ["github.com/a/b" "github.com/c/d"] [github.com/a/b github.com/c/d] {AnalyzerName:dep AnalyzerVersion:1 InputsDigest: InputImports:[github.com/a/b github.com/c/d] SolverName:gps-cdcl SolverVersion:1}'),
    (DETAIL, '{{printf "%d" .Metadata}}', '{%!d(string=dep) 1 %!d(string=) [%!d(string=github.com/a/b) %!d(string=github.com/c/d)] %!d(string=gps-cdcl) 1}'),
    (BASIC, '{{eq . .}} {{ne . .}}', 'true false'),
    (BASIC, '{{index 1 2}}', Err('template: status:1:2: executing "status" at <index 1 2>: error calling index: can\'t index item of type int', '')),
    (BASIC, '{{slice .ProjectRoot 3 1}} ', Err('template: status:1:2: executing "status" at <slice .ProjectRoot 3 1>: error calling slice: invalid slice index: 3 > 1', '')),
    (BASIC, '{{len 3}}', Err('template: status:1:2: executing "status" at <len 3>: error calling len: len of type int', '')),
    (BASIC, '{{html 1 2 "x"}} {{print nil}} {{printf "%v %s %d" nil nil nil}}', '1 2x <nil> <nil> %!s(<nil>) %!d(<nil>)'),
]


@pytest.mark.parametrize("data, text, want", CASES)
def test_same_as_go(data, text, want):
    try:
        got = Template(text, "status", FUNCS).execute(data)
    except TemplateError as e:
        assert isinstance(want, Err), str(e)
        assert (str(e), e.output) == (want.message, want.output)
    else:
        assert got == want


@pytest.mark.parametrize("text", ['{{template "x"}}', '{{define "x"}}y{{end}}', "{{1+2i}}"])
def test_unsupported_forms_are_parse_errors(text):
    with pytest.raises(TemplateError, match=r"^template: status:1: "):
        Template(text, "status")


def test_positions_count_bytes_and_lines():
    with pytest.raises(TemplateError) as e:
        Template("é\n  ü {{.Nope}}", "status").execute(BASIC)
    assert str(e.value).startswith("template: status:2:7: executing")  # as Go
    assert e.value.output == "é\n  ü "


def test_stringer_values_print_through_string_and_compare_by_kind():
    data = Struct("main.OldStatus", {"Constraint": Stringer("master", "gps.Constraint"),
                                     "Revision": Stringer("abc", "gps.Revision", True)}, pointer=True)
    t = Template('{{.}} {{.Revision.String}} {{eq .Revision "abc"}} {{printf "%v" .}}', "status")
    assert t.execute(data) == "{master abc} abc true &{master abc}"
    with pytest.raises(TemplateError, match="incompatible types for comparison"):
        Template('{{eq .Constraint "master"}}', "status").execute(data)


def test_sprintf_markers():
    assert sprintf("%d|%s|%v", ["x"]) == "%!d(string=x)|%!s(MISSING)|%!v(MISSING)"
    assert sprintf("%s", ["a", 1]) == "a%!(EXTRA int=1)"
    assert sprintf("%-4s|%04d|%x", ["ab", -7, "hi"]) == "ab  |-007|6869"
