// Command capi is the C ABI of redisclient, built with -buildmode=c-shared
// as libredisclient.so (see build.sh and include/redisclient.h).
//
// It is deliberately thin: guard.c defines the public rc_ functions, which
// refuse a forked child and call the Go exports (rcgo_); each export looks
// up its handle, converts its arguments, calls package core, and maps the
// result to a status. Nothing here decides how Redis is used.
package main

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// silentLogger drops go-redis's log lines: a library must not write to its
// host's stderr; errors reach the caller as statuses instead.
type silentLogger struct{}

func (silentLogger) Printf(context.Context, string, ...any) {}

func init() { redis.SetLogger(silentLogger{}) }

// main is required by -buildmode=c-shared and never runs.
func main() {}
