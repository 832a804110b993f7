// Command demo opens a Django CACHES entry the way a Django service using
// django-redis and django-ansible-base's RedisClient would, writes one key,
// reads it back, and shows where it went.
//
//	demo -entry examples/caches/standalone.json
//
// ${VAR} references in the file are replaced from the environment first, so
// an example can name servers and certificate files that only exist at run
// time. The password is never printed, except by -print-entry, which writes
// the expanded entry as it is and exits, for programs that read plain JSON
// (the C and Python examples):
//
//	demo -print-entry -entry examples/caches/tls.json > tls.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/redisclient/redisclient/core"
)

func main() {
	entryFile := flag.String("entry", "", "JSON file holding one Django CACHES entry")
	printEntry := flag.Bool("print-entry", false, "print the entry with ${VAR}s expanded (password included) and exit")
	flag.Parse()
	if *entryFile == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: demo [-print-entry] -entry FILE")
		os.Exit(2)
	}
	if err := run(*entryFile, *printEntry); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(entryFile string, printEntry bool) error {
	text, err := os.ReadFile(entryFile)
	if err != nil {
		return err
	}
	expanded, err := core.ExpandEnv(text, nil)
	if err != nil {
		return fmt.Errorf("%s: %w (run through testenv/with-redis.sh, or `make demo`)", entryFile, err)
	}
	entry, err := core.ParseEntry(expanded)
	if err != nil {
		return err
	}
	if printEntry {
		// Parsed first, so that a broken entry fails here and not later in
		// a program with a vaguer message.
		_, err := os.Stdout.Write(expanded)
		return err
	}

	// Open resolves the entry too; Resolve alone is shown for the printout.
	settings, err := core.Resolve(entry)
	if err != nil {
		return err
	}
	masked, _ := json.MarshalIndent(settings.Masked(), "", "  ")
	fmt.Printf("settings   %s\n", masked)

	cache, err := core.Open(entry)
	if err != nil {
		return err
	}
	defer cache.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const key = "greeting"
	value := []byte("hello from Go, " + time.Now().UTC().Format(time.RFC3339))
	if err := cache.Set(ctx, key, value, core.ExpireAfter(60*time.Second)); err != nil {
		return err
	}
	got, found, err := cache.Get(ctx, key)
	if err != nil {
		return err
	}
	if !found || string(got) != string(value) {
		return fmt.Errorf("read back %q (found=%v), wrote %q", got, found, value)
	}
	ttl, err := cache.TTL(ctx, key)
	if err != nil {
		return err
	}
	fmt.Printf("set/get    %q = %q\n", key, got)
	fmt.Printf("redis key  %q (KEY_PREFIX:VERSION:key, as Django names it)\n", cache.MakeKey(key))
	fmt.Printf("ttl        %v\n", ttl)

	health, err := cache.Health(ctx)
	out, _ := json.Marshal(health)
	fmt.Printf("health     %s\n", out)
	return err
}
