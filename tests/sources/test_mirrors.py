"""Mirror rules: the config file's location, pattern matching, precedence, and the Deducer
answering from a rule without discovery."""

from __future__ import annotations

import pytest

from dep.sources.deducer import Deducer
from dep.sources.mirrors import MirrorConfigError, Mirrors, config_path


def rules(text: str) -> Mirrors:
    return Mirrors.parse(text.encode(), "/cfg.toml")


def test_config_location():
    assert config_path({"DEPCONFIG": "/x.toml", "XDG_CONFIG_HOME": "/xdg"}) == ("/x.toml", True)
    assert config_path({"XDG_CONFIG_HOME": "/xdg", "HOME": "/h"}) == ("/xdg/dep/config.toml", False)
    # a relative XDG_CONFIG_HOME is ignored, as the XDG spec says
    assert config_path({"XDG_CONFIG_HOME": "rel", "HOME": "/h"}) == ("/h/.config/dep/config.toml", False)


def test_missing_default_file_means_no_rules(tmp_path):
    assert not Mirrors.from_environ({"HOME": str(tmp_path)})


def test_star_is_one_element_reused_in_the_url():
    m = rules('[[mirror]]\nprefix = "golang.org/x/*"\nurl = "https://github.com/golang/*"\n')
    root, url, rule = m.match("golang.org/x/net/context")
    assert (root, url) == ("golang.org/x/net", "https://github.com/golang/net")
    assert m.match("golang.org/x") is None and m.match("golang.org/y/net") is None


def test_literal_prefix_maps_the_root_and_below():
    m = rules('[[mirror]]\nprefix = "example.org/a"\nurl = "https://git.corp/a.git"\n')
    assert m.match("example.org/a/b/c")[:2] == ("example.org/a", "https://git.corp/a.git")
    assert m.match("example.org/ab") is None


def test_most_specific_rule_wins_then_file_order():
    m = rules('[[mirror]]\nprefix = "example.org/*"\nurl = "https://one.org/*.git"\n'
              '[[mirror]]\nprefix = "example.org/*/*"\nurl = "https://two.org/*/*.git"\n'
              '[[mirror]]\nprefix = "example.org/a/*"\nurl = "https://three.org/*.git"\n'
              '[[mirror]]\nprefix = "example.org/a/*"\nurl = "https://four.org/*.git"\n')
    assert m.match("example.org/a/b/c")[1] == "https://three.org/b.git"  # more literal elements
    assert m.match("example.org/z/b")[1] == "https://two.org/z/b.git"    # more elements
    assert m.match("example.org/z")[1] == "https://one.org/z.git"


@pytest.mark.parametrize("text, why", [
    ('[[mirror]]\nprefix = "*/x"\nurl = "https://github.com/a/*"\n', "the host"),
    ('[[mirror]]\nprefix = "a.org/x"\nurl = "https://github.com/*/*"\n', r"more \* than prefix"),
    ('[[mirror]]\nprefix = "a.org/x"\nurl = "https://github.com/a/b"\nmirror = 1\n', "unknown key 'mirror'"),
    ('[[mirror]]\nprefix = "a.org/x"\nurl = "https://a.org/x"\nvcs = "svn"\n', "vcs must be one of"),
    ('mirror = "x"\n', "array of tables"),
])
def test_bad_rules(text, why):
    with pytest.raises(MirrorConfigError, match=why) as e:
        rules(text)
    assert str(e.value).startswith("dep config /cfg.toml: ")


def test_deducer_uses_the_rule_and_no_discovery():
    class NoDiscovery:
        def discover(self, *a, **k):
            raise AssertionError("no discovery expected")

    m = rules('[[mirror]]\nprefix = "golang.org/x/*"\nurl = "https://github.com/golang/*"\n'
              '[[mirror]]\nprefix = "corp.test/*"\nurl = "ssh://git@git.corp.test/*"\nvcs = "git"\n')
    d = Deducer(NoDiscovery(), mirrors=m)
    found = d.deduce("golang.org/x/net/context")
    assert found.root == "golang.org/x/net"
    assert found.source_urls()[0] == "https://github.com/golang/net"
    assert d.deduce("corp.test/tool/cmd").source_urls() == ["ssh://git@git.corp.test/tool"]
    assert d.mirror_for("golang.org/x/net") == "mirror https://github.com/golang/net (rule golang.org/x/*)"
    assert d.mirror_for("github.com/a/b") is None


def test_seeded_root_answers_deduce_root_only():
    class NoDiscovery:
        def discover(self, *a, **k):
            raise AssertionError("no discovery expected")

    d = Deducer(NoDiscovery())
    d.seed("example.org/foo", "https://github.com/acme/foo")
    d.seed("github.com/a/b/c", "https://github.com/x/y")  # static rules answer it: not seeded
    assert d.deduce_root("example.org/foo/sub") == "example.org/foo"
    assert d.deduce_root("github.com/a/b/c") == "github.com/a/b"
    with pytest.raises(AssertionError):
        d.deduce_root("example.org/foobar")
