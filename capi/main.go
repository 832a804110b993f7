// Command capi is the C ABI of redisclient, built with -buildmode=c-shared
// as libredisclient.so (see build.sh and include/redisclient.h).
//
// It is deliberately thin: each export looks up its handle, converts its
// arguments, calls package core, and maps the result to a status. Nothing
// here decides how Redis is used.
package main

import (
	"context"
	"os"

	"github.com/redis/go-redis/v9"
)

// loadPID is the process that loaded the library. The Go runtime's threads
// do not survive fork(), so a forked child must not run Go code that needs
// them: every export compares getpid() with this first.
var loadPID = os.Getpid()

// silentLogger drops go-redis's log lines: a library must not write to its
// host's stderr; errors reach the caller as statuses instead.
type silentLogger struct{}

func (silentLogger) Printf(context.Context, string, ...any) {}

func init() { redis.SetLogger(silentLogger{}) }

// main is required by -buildmode=c-shared and never runs.
func main() {}
