"""Session-wide test isolation: the machine's Go module settings (GOPROXY and friends in the
environment or in the go command's env file) must not turn dep's VCS tests into proxy tests.
Tests of those settings pass their own environment explicitly."""

import os

for _name in ("GOPROXY", "GONOPROXY", "GOPRIVATE", "GOSUMDB", "GONOSUMDB", "GOINSECURE", "DEPOFFLINE", "DEPCONFIG"):
    os.environ.pop(_name, None)
os.environ["GOENV"] = "off"
