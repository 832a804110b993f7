package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
)

// environment is what a command runs with.
type environment struct {
	name           string
	entryFile      string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command runs with its arguments after the name and returns an exit code;
// an error is printed by run.
type command func(ctx context.Context, env *environment, args []string) (int, error)

var commands = map[string]command{
	"health":  health,
	"resolve": resolve,
	"get":     get,
	"set":     set,
	"ttl":     ttl,
	"delete":  del,
	"incr":    incr,
	"keys":    keys,
	"clear":   clearPrefix,
	"stats":   stats,
}

// entry reads, expands and parses the entry.
func (env *environment) entry() (core.Entry, error) {
	file := env.entrySource()
	if file == "" {
		return core.Entry{}, usageError{fmt.Errorf("no entry: give --entry FILE, or set %s", entryVariable)}
	}
	var text []byte
	var err error
	if file == "-" {
		text, err = io.ReadAll(env.stdin)
	} else {
		text, err = os.ReadFile(file)
	}
	if err != nil {
		return core.Entry{}, usageError{fmt.Errorf("reading the entry: %w", err)}
	}
	text, err = core.ExpandEnv(text, nil)
	if err != nil {
		return core.Entry{}, usageError{err}
	}
	e, err := core.ParseEntry(text)
	if err != nil {
		return core.Entry{}, usageError{err}
	}
	return e, nil
}

// entrySource is the entry's file, "-" for standard input.
func (env *environment) entrySource() string {
	if env.entryFile != "" {
		return env.entryFile
	}
	return os.Getenv(entryVariable)
}

// djangoSettings reads the Django settings beside the entry, if any.
func (env *environment) djangoSettings() (core.Settings, error) {
	file := os.Getenv(settingsVariable)
	if file == "" {
		return core.Settings{}, nil
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return core.Settings{}, usageError{fmt.Errorf("reading the Django settings (%s): %w", settingsVariable, err)}
	}
	s, err := core.ParseSettings(text)
	if err != nil {
		return core.Settings{}, usageError{err}
	}
	return s, nil
}

// open opens the entry's cache; a configuration error is the user's.
func (env *environment) open() (*core.Cache, error) {
	e, err := env.entry()
	if err != nil {
		return nil, err
	}
	s, err := env.djangoSettings()
	if err != nil {
		return nil, err
	}
	c, err := core.OpenWith(e, s)
	if err != nil {
		return nil, usageError{err}
	}
	return c, nil
}

// flags parses a command's flags, which may stand before or after its
// positional arguments (`get KEY --raw` as well as `get --raw KEY`).
func (env *environment) flags(fs *flag.FlagSet, args []string, positional string) ([]string, error) {
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "usage: redisclient [--entry FILE] %s %s\n\n%s\n\n", env.name, positional, summaries[env.name])
		fs.PrintDefaults()
		fmt.Fprintf(env.stderr, "\nExamples:\n%s\n\n%s", examples[env.name], exitCodes)
	}
	var rest []string
	for len(args) > 0 {
		switch {
		case args[0] == "--": // the rest is positional, "-x" values too
			return append(rest, args[1:]...), nil
		case negativeNumber.MatchString(args[0]): // incr KEY -5
			rest, args = append(rest, args[0]), args[1:]
			continue
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usageError{err}
		}
		if args = fs.Args(); len(args) > 0 {
			rest, args = append(rest, args[0]), args[1:]
		}
	}
	return rest, nil
}

var negativeNumber = regexp.MustCompile(`^-[0-9]`)

// errHelp: --help was asked for and printed.
var errHelp = errors.New("help")

// keyed runs a command on KEY with --version.
func (env *environment) keyed(fs *flag.FlagSet, args []string, positional string, least, most int) (*core.Cache, []string, func(), error) {
	version := fs.Int("version", 0, "the key version (default: the entry's VERSION)")
	rest, err := env.flags(fs, args, positional)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(rest) < least || len(rest) > most {
		fs.Usage()
		return nil, nil, nil, usageError{fmt.Errorf("takes %s", positional)}
	}
	c, err := env.open()
	if err != nil {
		return nil, nil, nil, err
	}
	view := c
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "version" {
			view = c.Version(*version)
		}
	})
	return view, rest, func() { c.Close() }, nil
}

func health(ctx context.Context, env *environment, args []string) (int, error) {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the status as JSON")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long (the status is then failed)")
	if rest, err := env.flags(fs, args, "[--json] [--timeout D]"); err != nil || len(rest) > 0 {
		return helpOr(err, rest)
	}
	c, err := env.open()
	if err != nil {
		return exitUsage, err
	}
	defer c.Close()
	h := healthWithin(ctx, c, *timeout)
	if *asJSON {
		out, _ := json.MarshalIndent(h, "", "  ")
		fmt.Fprintf(env.stdout, "%s\n", out)
	} else {
		printHealth(env.stdout, h)
	}
	switch h.Status {
	case "good":
		return exitOK, nil
	case "degraded":
		return exitDegraded, nil
	}
	return exitFailed, nil
}

// healthWithin is Health, failed when it takes longer than d: a probe
// must answer in its own time, and a read already on the wire is bounded
// only by the entry's socket_timeout.
func healthWithin(ctx context.Context, c *core.Cache, d time.Duration) core.Health {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	answer := make(chan core.Health, 1)
	go func() {
		h, _ := c.Health(ctx) // the error is in h
		answer <- h
	}()
	select {
	case h := <-answer:
		return h
	case <-ctx.Done():
		mode := c.Options().Mode
		return core.Health{Mode: mode, Status: "failed", Error: fmt.Sprintf("no answer within %v", d)}
	}
}

func printHealth(w io.Writer, h core.Health) {
	fmt.Fprintf(w, "status  %s\nmode    %s\n", h.Status, h.Mode)
	if h.Ping != "" {
		fmt.Fprintf(w, "ping    %s\n", h.Ping)
	}
	if h.ClusterState != "" {
		fmt.Fprintf(w, "cluster %s\n", h.ClusterState)
	}
	for _, n := range h.Nodes {
		fmt.Fprintf(w, "node    %s %v\n", n.Addr, n.Flags)
	}
	if h.Error != "" {
		fmt.Fprintf(w, "error   %s\n", h.Error)
	}
}

func resolve(_ context.Context, env *environment, args []string) (int, error) {
	fs := flag.NewFlagSet("resolve", flag.ContinueOnError)
	show := fs.Bool("show-password", false, "print the password too")
	if rest, err := env.flags(fs, args, "[--show-password]"); err != nil || len(rest) > 0 {
		return helpOr(err, rest)
	}
	e, err := env.entry()
	if err != nil {
		return exitUsage, err
	}
	s, err := env.djangoSettings()
	if err != nil {
		return exitUsage, err
	}
	o, err := core.ResolveWith(e, s)
	if err != nil {
		return exitUsage, usageError{err}
	}
	out, err := json.Marshal(o) // masked
	if *show {
		out, err = o.JSONWithPassword()
	}
	if err != nil {
		return exitError, err
	}
	var indented any
	_ = json.Unmarshal(out, &indented)
	out, _ = json.MarshalIndent(indented, "", "  ")
	fmt.Fprintf(env.stdout, "%s\n", out)
	return exitOK, nil
}

func get(ctx context.Context, env *environment, args []string) (int, error) {
	fs := flag.NewFlagSet("get", flag.ContinueOnError)
	raw := fs.Bool("raw", false, "print the stored bytes as they are")
	c, rest, done, err := env.keyed(fs, args, "KEY [--raw] [--version N]", 1, 1)
	if err != nil {
		return helpOr(err, nil)
	}
	defer done()
	stored, ok, err := c.Get(ctx, rest[0])
	if err != nil {
		return exitError, err
	}
	if !ok {
		return exitMiss, fmt.Errorf("%q: no such key", rest[0])
	}
	if *raw {
		env.stdout.Write(stored)
		return exitOK, nil
	}
	v, err := c.Codec().Decode(stored)
	if err != nil {
		return exitError, fmt.Errorf("%q: %w (--raw prints the stored bytes)", rest[0], err)
	}
	out, err := codec.MarshalValueJSON(v)
	if err != nil {
		return exitError, err
	}
	fmt.Fprintf(env.stdout, "%s\n", out)
	return exitOK, nil
}

func set(ctx context.Context, env *environment, args []string) (int, error) {
	fs := flag.NewFlagSet("set", flag.ContinueOnError)
	raw := fs.Bool("raw", false, "store VALUE's bytes as they are, not as value JSON")
	timeout := fs.String("timeout", "", `seconds to keep the value, or "none" (default: the entry's TIMEOUT)`)
	c, rest, done, err := env.keyed(fs, args, "KEY VALUE [--raw] [--timeout S|none] [--version N]", 2, 2)
	if err != nil {
		return helpOr(err, nil)
	}
	defer done()
	exp, err := expiry(*timeout)
	if err != nil {
		return exitUsage, err
	}
	if *raw {
		err = c.Set(ctx, rest[0], []byte(rest[1]), exp)
	} else {
		var v codec.Value
		if v, err = codec.UnmarshalValueJSON([]byte(rest[1])); err != nil {
			return exitUsage, usageError{fmt.Errorf("VALUE is not value JSON (--raw stores bytes): %w", err)}
		}
		err = c.SetValue(ctx, rest[0], v, exp)
	}
	if err != nil {
		return exitError, err
	}
	return exitOK, nil
}

// expiry reads --timeout as Django's timeout=.
func expiry(s string) (core.Expiry, error) {
	switch s {
	case "":
		return core.DefaultExpiry, nil
	case "none", "None":
		return core.NeverExpire, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return core.Expiry{}, usageError{fmt.Errorf("--timeout %q: want seconds or none", s)}
	}
	return core.ExpireSeconds(f), nil
}

func ttl(ctx context.Context, env *environment, args []string) (int, error) {
	c, rest, done, err := env.keyed(flag.NewFlagSet("ttl", flag.ContinueOnError), args, "KEY [--version N]", 1, 1)
	if err != nil {
		return helpOr(err, nil)
	}
	defer done()
	// One round trip cannot tell a missing key from an expiring one: TTL
	// answers 0 for both, as django-redis does.
	has, err := c.HasKey(ctx, rest[0])
	if err != nil {
		return exitError, err
	}
	if !has {
		return exitMiss, fmt.Errorf("%q: no such key", rest[0])
	}
	d, err := c.TTL(ctx, rest[0])
	if err != nil {
		return exitError, err
	}
	if d == core.TTLNever {
		fmt.Fprintln(env.stdout, "none")
	} else {
		fmt.Fprintln(env.stdout, strconv.FormatFloat(d.Seconds(), 'f', 3, 64))
	}
	return exitOK, nil
}

func del(ctx context.Context, env *environment, args []string) (int, error) {
	c, rest, done, err := env.keyed(flag.NewFlagSet("delete", flag.ContinueOnError), args, "KEY [--version N]", 1, 1)
	if err != nil {
		return helpOr(err, nil)
	}
	defer done()
	existed, err := c.Delete(ctx, rest[0])
	if err != nil {
		return exitError, err
	}
	if !existed {
		return exitMiss, fmt.Errorf("%q: no such key", rest[0])
	}
	return exitOK, nil
}

func incr(ctx context.Context, env *environment, args []string) (int, error) {
	c, rest, done, err := env.keyed(flag.NewFlagSet("incr", flag.ContinueOnError), args, "KEY [N] [--version N]", 1, 2)
	if err != nil {
		return helpOr(err, nil)
	}
	defer done()
	delta := int64(1)
	if len(rest) == 2 {
		if delta, err = strconv.ParseInt(rest[1], 10, 64); err != nil {
			return exitUsage, usageError{fmt.Errorf("N %q: want a 64-bit integer", rest[1])}
		}
	}
	n, err := c.Incr(ctx, rest[0], delta)
	switch {
	case errors.Is(err, core.ErrNotFound):
		return exitMiss, fmt.Errorf("%q: no such key", rest[0])
	case err != nil:
		return exitError, err
	}
	fmt.Fprintln(env.stdout, n)
	return exitOK, nil
}

// helpOr: --help exits 0; extra arguments or bad flags exit 2.
func helpOr(err error, extra []string) (int, error) {
	switch {
	case errors.Is(err, errHelp):
		return exitOK, nil
	case err != nil:
		return exitUsage, err
	}
	return exitUsage, usageError{fmt.Errorf("unexpected arguments %q", extra)}
}
