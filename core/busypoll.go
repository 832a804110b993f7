package core

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Busy polling: a read that finds no reply yet keeps asking the socket for
// up to OPTIONS.BUSY_POLL microseconds before it sleeps.
//
// Why: a goroutine that sleeps on the network poller is woken by another
// thread, and a goroutine locked to its thread (every call through the C
// ABI, that is every call from C or Python) costs a second hand-over on top.
// On a virtual machine each wake-up costs tens of microseconds: on a 2-vCPU
// VM a loopback GET took 42 µs to answer to a sleeping reader and 23 µs to a
// polling one; a cluster get through the C ABI went from 59 to 31 µs.
//
// The cost is CPU: at most the budget per read, and only while replies
// usually come within it. Each connection keeps a running average of how
// long its replies took; above the budget (a server across a network) it
// sleeps at once, as without busy polling, and it starts polling again when
// replies come back quickly (a sleeping read measures the reply plus its
// wake-up, so "quickly" means both within the budget).
//
// A read polls only while it is its client's one read in flight, and stops
// when another begins. With several callers waiting, a poller holds a
// processor that the others' replies and the servers on the same machine
// need, and a wake-up serves whichever caller's reply came: on the 2-vCPU
// test machine a polling read cost 8 goroutines sharing a client up to 40%
// of their GETs a second and 1.8x the CPU per GET. With GOMAXPROCS 1
// nothing polls. Each client keeps its own count, as the library keeps no
// state shared between clients.

// pollers is what the connections of one client share: the budget and how
// many of their reads are in flight.
type pollers struct {
	budget time.Duration
	// off: nothing polls (a budget of 0, or GOMAXPROCS 1, where the poller
	// would hold the only processor).
	off   bool
	reads atomic.Int32
	// fanOuts counts the cluster pipelines in flight (see pauseForFanOut).
	fanOuts atomic.Int32
}

func newPollers(budget time.Duration) *pollers {
	return &pollers{budget: budget, off: budget <= 0 || runtime.GOMAXPROCS(0) < 2}
}

// wrap returns conn with busy-polling reads, or conn itself when polling is
// off or the connection has no file descriptor to poll.
func (p *pollers) wrap(conn net.Conn) net.Conn {
	if p.off {
		return conn
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return conn
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return conn
	}
	c := &pollingConn{Conn: conn, raw: raw, pollers: p, network: "tcp"}
	if addr := conn.RemoteAddr(); addr != nil {
		c.network = addr.Network()
	}
	c.tryRead = c.readOnce
	return c
}

// pollingConn is a TCP or unix connection whose reads busy-poll. go-redis
// hands a connection to one goroutine at a time, so typicalWait needs no
// lock.
type pollingConn struct {
	net.Conn
	raw     syscall.RawConn
	pollers *pollers
	network string // "tcp" or "unix", for errors
	// typicalWait is the running average (1/8 weight) of how long a read
	// that found nothing waited for its data.
	typicalWait time.Duration

	// One read's state, kept here rather than in a closure so that a read
	// allocates nothing; tryRead is bound once, in wrap. go-redis reads a
	// connection from one goroutine at a time; reading says a read is in
	// flight, so that a second one at once (which net.Conn allows) reads
	// plainly instead of sharing this state.
	reading   atomic.Bool
	buf       []byte
	n         int
	err       error
	polling   bool
	waitStart time.Time
	tryRead   func(fd uintptr) bool
}

// alone says whether this read may poll now: its replies come within the
// budget and no other read of the client, nor a cluster pipeline, is in
// flight.
func (c *pollingConn) alone() bool {
	p := c.pollers
	return c.typicalWait <= p.budget && p.fanOuts.Load() == 0 && p.reads.Load() == 1
}

func (c *pollingConn) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	if !c.reading.CompareAndSwap(false, true) {
		return c.Conn.Read(b)
	}
	defer c.reading.Store(false)
	c.pollers.reads.Add(1)
	c.buf, c.n, c.err, c.waitStart = b, 0, nil, time.Time{}
	c.polling = c.alone()
	rerr := c.raw.Read(c.tryRead)
	c.pollers.reads.Add(-1)
	c.buf = nil
	if !c.waitStart.IsZero() {
		// One slow reply (a big value, the TLS handshake) counts as at most
		// twice the budget, so that it cannot keep polling off for long.
		wait := min(time.Since(c.waitStart), 2*c.pollers.budget)
		c.typicalWait += (wait - c.typicalWait) / 8
	}
	if rerr == nil && c.err != nil {
		rerr = os.NewSyscallError("read", c.err)
	}
	if rerr != nil {
		return 0, c.readError(rerr)
	}
	if c.n == 0 {
		return 0, io.EOF
	}
	return c.n, nil
}

// readError is err as a plain connection's Read reports it.
func (c *pollingConn) readError(err error) error {
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		err = opErr.Err // RawConn's own "raw-read" wrapping
	}
	return &net.OpError{Op: "read", Net: c.network, Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}

// readOnce is tryRead: the runtime calls it until it returns true, sleeping
// on the poller between calls after a false.
func (c *pollingConn) readOnce(fd uintptr) bool {
	for {
		c.n, c.err = syscall.Read(int(fd), c.buf)
		switch {
		case c.err == syscall.EINTR:
			continue
		case c.err != syscall.EAGAIN:
			return true
		case c.waitStart.IsZero():
			c.waitStart = time.Now()
		}
		if !c.polling || c.pollers.reads.Load() > 1 || time.Since(c.waitStart) >= c.pollers.budget {
			c.polling = false
			return false
		}
	}
}

// pauseForFanOut is a cluster hook that stops busy polling while a pipeline
// is in flight. go-redis sends it to every node at once, one goroutine per
// node: a polling one holds a processor that the others need to send and
// read, and that servers on the same machine need to answer (on the 2-vCPU
// test machine a get_many of 100 keys took 221 µs with polling, 193
// without).
type pauseForFanOut struct{ pollers *pollers }

func (h pauseForFanOut) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h pauseForFanOut) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (h pauseForFanOut) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.pollers.fanOuts.Add(1)
		defer h.pollers.fanOuts.Add(-1)
		return next(ctx, cmds)
	}
}

// SyscallConn lets go-redis check a pooled connection before reusing it, as
// it does for a plain one.
func (c *pollingConn) SyscallConn() (syscall.RawConn, error) { return c.raw, nil }
