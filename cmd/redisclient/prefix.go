package main

// The commands that look at a whole KEY_PREFIX: keys, clear, stats. They
// SCAN every primary, page by page: the servers keep serving, and the
// program never holds more than a page of keys.

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/redisclient/redisclient/core"
	"golang.org/x/sys/unix"
)

func keys(ctx context.Context, env *environment, args []string) (int, error) {
	fs := flag.NewFlagSet("keys", flag.ContinueOnError)
	full := fs.Bool("full", false, "print the keys as Redis holds them (KEY_PREFIX:VERSION:key)")
	null := fs.Bool("null", false, "end each key with a NUL byte, not a newline (for xargs -0; a key may hold a newline)")
	c, rest, done, err := env.keyed(fs, args, "[PATTERN] [--full] [--null] [--version N]", 0, 1)
	if err != nil {
		return helpOr(err, nil)
	}
	defer done()
	pattern := "*"
	if len(rest) == 1 {
		pattern = rest[0]
	}
	end := byte('\n')
	if *null {
		end = 0
	}
	out := bufio.NewWriter(env.stdout)
	n := 0
	for k, err := range c.IterKeys(ctx, pattern, scanPage) {
		if err != nil {
			out.Flush()
			return exitError, fmt.Errorf("after %d keys: %w", n, err)
		}
		if *full {
			k = c.MakeKey(k)
		}
		out.WriteString(k)
		out.WriteByte(end)
		n++
	}
	if err := out.Flush(); err != nil {
		return exitError, err
	}
	// The count goes to standard error: standard output stays one key a
	// line, for wc, grep and xargs.
	fmt.Fprintf(env.stderr, "%d keys (prefix %q, version %d)\n", n, c.KeyPrefix(), c.KeyVersion())
	return exitOK, nil
}

// scanPage is the SCAN COUNT of keys: large, as a listing reads them all.
const scanPage = 1000

func clearPrefix(ctx context.Context, env *environment, args []string) (int, error) {
	fs := flag.NewFlagSet("clear", flag.ContinueOnError)
	yes := fs.Bool("yes", false, "delete without asking")
	every := fs.Int64("progress", 10000, "report on standard error every N keys removed (0: never)")
	if rest, err := env.flags(fs, args, "[--yes] [--progress N]"); err != nil || len(rest) > 0 {
		return helpOr(err, rest)
	}
	if *every < 0 {
		return exitUsage, usageError{fmt.Errorf("--progress %d: want 0 or more keys", *every)}
	}
	c, err := env.open()
	if err != nil {
		return exitUsage, err
	}
	defer c.Close()
	prefix := c.KeyPrefix()
	nodes, err := c.Stats(ctx, 0)
	if err != nil {
		return exitError, err
	}
	total := int64(0)
	for _, n := range nodes {
		total += n.Keys
	}
	if total == 0 {
		fmt.Fprintf(env.stdout, "no keys under prefix %q\n", prefix)
		return exitOK, nil
	}
	if !*yes {
		if code, err := env.confirm(fmt.Sprintf("delete %d keys under prefix %q (all versions)? [y/N] ", total, prefix)); err != nil {
			return code, err
		}
	}
	next := *every
	removed, err := c.ClearProgress(ctx, func(n int64) {
		if next > 0 && n >= next {
			fmt.Fprintf(env.stderr, "removed %d of %d keys\n", n, total)
			next = (n/(*every) + 1) * (*every)
		}
	})
	if err != nil {
		return exitError, fmt.Errorf("after removing %d keys: %w", removed, err)
	}
	fmt.Fprintf(env.stdout, "removed %d keys under prefix %q\n", removed, prefix)
	return exitOK, nil
}

// confirm asks on the terminal; without one (or with the entry read from
// standard input) there is no one to ask, and nothing is deleted.
func (env *environment) confirm(question string) (int, error) {
	if env.entrySource() == "-" || !isTerminal(env.stdin) {
		return exitDeclined, fmt.Errorf("not deleted: no terminal to confirm on; give --yes to delete without asking")
	}
	fmt.Fprint(env.stderr, question)
	answer, _ := bufio.NewReader(env.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return exitOK, nil
	}
	return exitDeclined, fmt.Errorf("not deleted")
}

// isTerminal asks the terminal driver: /dev/null is a character device
// too, and no one answers there.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func stats(ctx context.Context, env *environment, args []string) (int, error) {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	sample := fs.Int64("sample", 1000, "read the memory and TTL of at most N keys per node")
	asJSON := fs.Bool("json", false, "print the statistics as JSON")
	if rest, err := env.flags(fs, args, "[--sample N] [--json]"); err != nil || len(rest) > 0 {
		return helpOr(err, rest)
	}
	if *sample < 1 {
		return exitUsage, usageError{fmt.Errorf("--sample %d: want 1 or more keys", *sample)}
	}
	c, err := env.open()
	if err != nil {
		return exitUsage, err
	}
	defer c.Close()
	nodes, err := c.Stats(ctx, *sample)
	if err != nil {
		return exitError, err
	}
	report := newStatsReport(c.KeyPrefix(), *sample, nodes)
	if *asJSON {
		out, _ := json.MarshalIndent(report, "", "  ")
		fmt.Fprintf(env.stdout, "%s\n", out)
	} else {
		report.print(env.stdout)
	}
	return exitOK, nil
}

// statsReport is what stats prints, as JSON with --json.
type statsReport struct {
	Prefix string `json:"prefix"`
	// SampleLimit is --sample; Sampled says whether a node held more
	// keys, so that its memory and TTL describe only some of them.
	SampleLimit int64            `json:"sample_limit"`
	Sampled     bool             `json:"sampled"`
	Nodes       []core.NodeStats `json:"nodes"`
	Total       core.NodeStats   `json:"total"`
	// MemoryEstimate is the sampled memory scaled to every key.
	MemoryEstimate int64 `json:"memory_estimate_bytes"`
}

func newStatsReport(prefix string, limit int64, nodes []core.NodeStats) statsReport {
	r := statsReport{Prefix: prefix, SampleLimit: limit, Nodes: nodes, Total: core.NodeStats{Addr: "total"}}
	var estimate float64
	for _, n := range nodes {
		r.Sampled = r.Sampled || n.Sampled < n.Keys
		r.Total.Keys += n.Keys
		r.Total.Sampled += n.Sampled
		r.Total.MemoryBytes += n.MemoryBytes
		r.Total.TTL.None += n.TTL.None
		r.Total.TTL.Under1m += n.TTL.Under1m
		r.Total.TTL.Under1h += n.TTL.Under1h
		r.Total.TTL.Under1d += n.TTL.Under1d
		r.Total.TTL.DayOrMore += n.TTL.DayOrMore
		if n.Sampled > 0 {
			estimate += float64(n.MemoryBytes) * float64(n.Keys) / float64(n.Sampled)
		}
	}
	r.MemoryEstimate = int64(estimate)
	if r.Nodes == nil {
		r.Nodes = []core.NodeStats{}
	}
	return r
}

func (r statsReport) print(w io.Writer) {
	fmt.Fprintf(w, "prefix %q, all versions\n", r.Prefix)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "node\tkeys\tsampled\tmemory\tno ttl\t<1m\t<1h\t<1d\t>=1d\t")
	row := func(n core.NodeStats) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", n.Addr, n.Keys, n.Sampled, n.MemoryBytes,
			n.TTL.None, n.TTL.Under1m, n.TTL.Under1h, n.TTL.Under1d, n.TTL.DayOrMore)
	}
	for _, n := range r.Nodes {
		row(n)
	}
	if len(r.Nodes) > 1 {
		row(r.Total)
	}
	tw.Flush()
	if r.Sampled {
		fmt.Fprintf(w, "sampled %d of %d keys (--sample %d per node): memory and TTL are the sample's; memory of all keys about %d bytes\n",
			r.Total.Sampled, r.Total.Keys, r.SampleLimit, r.MemoryEstimate)
	}
}
