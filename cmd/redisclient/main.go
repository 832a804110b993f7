// Command redisclient is the command line for the people who run Django
// services on a shared Redis: it reads the service's CACHES entry and sees
// the cache as the service does (its key prefix and version, its cluster
// seeds and TLS files, its values decoded).
//
//	redisclient --entry cache.json health
//	redisclient --entry cache.json get session:42
//
// Run `redisclient help` for the commands and exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes, documented in exitCodes and README.
const (
	exitOK       = 0
	exitError    = 1 // connection, server or value error
	exitUsage    = 2 // bad command line or entry
	exitDegraded = 3 // health: a cluster node failed, the cluster serves
	exitFailed   = 4 // health: Redis cannot serve
	exitMiss     = 5 // get, ttl, delete, incr: no such key
	exitDeclined = 6 // clear: not confirmed
)

// entryVariable names the entry file when --entry is not given.
const entryVariable = "REDISCLIENT_ENTRY"

// settingsVariable names the file of the Django settings beside the entry.
const settingsVariable = "REDISCLIENT_DJANGO_SETTINGS"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run is the program, apart from the process for tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	entryFile, args, err := entryFlag(args)
	if err != nil {
		fmt.Fprintf(stderr, "redisclient: %v\n\n%s", err, usage)
		return exitUsage
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		if len(args) == 0 {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "redisclient: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	env := &environment{name: args[0], entryFile: entryFile, stdin: stdin, stdout: stdout, stderr: stderr}
	code, err := cmd(context.Background(), env, args[1:])
	if err != nil {
		fmt.Fprintf(stderr, "redisclient %s: %v\n", args[0], err)
		var u usageError
		if errors.As(err, &u) {
			return exitUsage
		}
	}
	return code
}

// entryFlag takes --entry FILE (or --entry=FILE) from before the command.
func entryFlag(args []string) (string, []string, error) {
	file := ""
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--entry" || a == "-entry":
			if len(args) < 2 {
				return "", nil, errors.New("--entry needs a file (- for standard input)")
			}
			file, args = args[1], args[2:]
		case len(a) > 8 && (a[:8] == "--entry=" || a[:7] == "-entry="):
			_, file, _ = strings.Cut(a, "=")
			args = args[1:]
		default:
			return file, args, nil
		}
	}
	return file, args, nil
}

// usageError is a mistake on the command line or in the entry: exit 2.
type usageError struct{ error }
