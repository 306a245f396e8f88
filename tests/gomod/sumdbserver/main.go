// Command sumdbserver is a real checksum database for dep's tests, built from the go command's
// own packages (golang.org/x/mod/sumdb): a tlog over the records of a file, served as
// sum.golang.org serves its log (/latest, /lookup/, /tile/).
//
// Usage: sumdbserver [-key PRIVATE+KEY+...] [-name NAME] RECORDS
//
// RECORDS holds go.sum lines ("path version h1:..." and "path version/go.mod h1:..."); the log
// gets one record per module version, in the order the versions first appear. The server
// listens on 127.0.0.1 and prints three lines: its address, its verifier key, its signer key
// (so a second server can sign a different log with the same key).
package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
)

func main() {
	skey := flag.String("key", "", "signer key (default: a new one)")
	name := flag.String("name", "sumdb.test", "database name for a new key")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: sumdbserver [-key KEY] [-name NAME] RECORDS")
	}
	vkey := ""
	if *skey == "" {
		var err error
		*skey, vkey, err = note.GenerateKey(rand.Reader, *name)
		if err != nil {
			log.Fatal(err)
		}
	} else {
		signer, err := note.NewSigner(*skey)
		if err != nil {
			log.Fatal(err)
		}
		vkey = verifierKey(*skey, signer.Name())
	}

	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	lines := map[string][]string{}
	var order []module.Version
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		m := module.Version{Path: fields[0], Version: strings.TrimSuffix(fields[1], "/go.mod")}
		key := m.String()
		if _, ok := lines[key]; !ok {
			order = append(order, m)
		}
		lines[key] = append(lines[key], sc.Text())
	}
	f.Close()

	gosum := func(path, vers string) ([]byte, error) {
		l, ok := lines[path+"@"+vers]
		if !ok {
			return nil, fmt.Errorf("%s@%s: %w", path, vers, os.ErrNotExist)
		}
		return []byte(strings.Join(l, "\n") + "\n"), nil
	}
	ts := sumdb.NewTestServer(*skey, gosum)
	for _, m := range order {
		if _, err := ts.Lookup(context.Background(), m); err != nil {
			log.Fatal(err)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n%s\n%s\n", ln.Addr(), vkey, *skey)
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, sumdb.NewServer(ts)))
}

// verifierKey is the verifier key matching a signer key PRIVATE+KEY+name+hash+base64(1 || seed).
func verifierKey(skey, name string) string {
	parts := strings.SplitN(skey, "+", 5)
	seed, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(seed) != 1+ed25519.SeedSize {
		log.Fatal("malformed signer key")
	}
	pub := ed25519.NewKeyFromSeed(seed[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		log.Fatal(err)
	}
	return vkey
}
