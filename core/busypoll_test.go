package core

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// These tests drive pollingConn against a loopback peer of their own, which
// answers when and how the test says; the Redis suites run every other test
// through polling connections (it is on by default).

// echoPeer answers each line it reads with the same line after delay.
func echoPeer(t *testing.T, delay *time.Duration) net.Conn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			time.Sleep(*delay)
			if line == "close\n" {
				return
			}
			if _, err := conn.Write([]byte(line)); err != nil {
				return
			}
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

func roundTrip(t *testing.T, c net.Conn, line string) {
	t.Helper()
	_, err := c.Write([]byte(line))
	require.NoError(t, err)
	got, err := io.ReadAll(io.LimitReader(c, int64(len(line))))
	require.NoError(t, err)
	require.Equal(t, line, string(got))
}

func pollingPair(t *testing.T, budget time.Duration, delay *time.Duration) (*pollingConn, *pollers) {
	p := &pollers{budget: budget}
	c, ok := p.wrap(echoPeer(t, delay)).(*pollingConn)
	require.True(t, ok, "a TCP connection is wrapped")
	return c, p
}

func TestBusyPollFollowsTheReplyTime(t *testing.T) {
	delay := time.Duration(0)
	c, p := pollingPair(t, time.Millisecond, &delay)
	// The average moves by an eighth of each reply's wait, so a few dozen
	// round trips settle it; a loaded machine may need more.
	settles := func(what string, done func() bool) {
		t.Helper()
		for i := 0; !done(); i++ {
			require.Less(t, i, 500, "%s: the average wait stays at %v (budget %v)", what, c.typicalWait, p.budget)
			roundTrip(t, c, "line\n")
		}
	}
	settles("quick replies keep the connection polling", func() bool { return c.typicalWait > 0 && c.typicalWait < p.budget })
	// Slow replies (a server across a network) stop the polling...
	delay = 3 * time.Millisecond
	settles("slow replies stop the polling", func() bool { return c.typicalWait > p.budget })
	// ...and quick ones bring it back.
	delay = 0
	settles("quick replies bring it back", func() bool { return c.typicalWait < p.budget })
	require.Zero(t, p.reads.Load(), "every read counted itself out")
}

func TestBusyPollErrors(t *testing.T) {
	delay := time.Duration(0)
	t.Run("deadline", func(t *testing.T) {
		c, p := pollingPair(t, time.Millisecond, &delay)
		require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
		start := time.Now()
		_, err := c.Read(make([]byte, 8)) // nothing was asked: no reply comes
		var netErr net.Error
		require.ErrorAs(t, err, &netErr)
		require.True(t, netErr.Timeout(), "%v", err)
		require.ErrorIs(t, err, os.ErrDeadlineExceeded)
		require.NotContains(t, err.Error(), "raw-read", "wrapped once, as a plain connection's error")
		require.Less(t, time.Since(start), time.Second)
		require.Zero(t, p.reads.Load())
	})
	t.Run("peer closes", func(t *testing.T) {
		c, _ := pollingPair(t, 50*time.Microsecond, &delay)
		_, err := c.Write([]byte("close\n"))
		require.NoError(t, err)
		_, err = c.Read(make([]byte, 8))
		require.ErrorIs(t, err, io.EOF)
	})
	t.Run("closed here", func(t *testing.T) {
		c, _ := pollingPair(t, 50*time.Microsecond, &delay)
		require.NoError(t, c.Close())
		_, err := c.Read(make([]byte, 8))
		require.ErrorIs(t, err, net.ErrClosed)
		var op *net.OpError
		require.True(t, errors.As(err, &op) && op.Op == "read", "%v", err)
	})
}

func TestBusyPollOnlyWhereItCan(t *testing.T) {
	delay := time.Duration(0)
	conn := echoPeer(t, &delay)
	require.Same(t, conn, newPollers(0).wrap(conn), "BUSY_POLL 0: the connection is left as it is")
	procs := runtime.GOMAXPROCS(1)
	one := newPollers(time.Millisecond)
	runtime.GOMAXPROCS(procs)
	require.Same(t, conn, one.wrap(conn), "GOMAXPROCS 1: the connection is left as it is")
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	require.Equal(t, a, (&pollers{budget: time.Millisecond}).wrap(a), "no file descriptor: left as it is")
	// go-redis checks a pooled connection through its file descriptor.
	_, ok := (&pollers{budget: time.Millisecond}).wrap(conn).(syscall.Conn)
	require.True(t, ok)
}

func TestBusyPollWho(t *testing.T) {
	delay := time.Duration(0)
	c, p := pollingPair(t, time.Millisecond, &delay)
	other, ok := p.wrap(echoPeer(t, &delay)).(*pollingConn)
	require.True(t, ok)

	p.reads.Add(1) // c's read
	require.True(t, c.alone())
	p.reads.Add(1) // other's
	require.False(t, c.alone(), "another read in flight: neither polls")
	require.False(t, other.alone())
	p.reads.Add(-1)
	require.True(t, c.alone(), "alone again once the other is answered")

	hook := pauseForFanOut{pollers: p}.ProcessPipelineHook(func(context.Context, []redis.Cmder) error {
		require.False(t, c.alone(), "no polling while a cluster pipeline is in flight")
		return errors.New("from the pipeline")
	})
	require.EqualError(t, hook(context.Background(), nil), "from the pipeline")
	require.True(t, c.alone(), "polling again once it is over")

	c.typicalWait = 2 * p.budget
	require.False(t, c.alone(), "replies that take longer than the budget: no polling")
	p.reads.Add(-1)
	require.Zero(t, p.reads.Load())
}

func TestBusyPollTwoReadsAtOnce(t *testing.T) {
	delay := time.Duration(0)
	c, p := pollingPair(t, time.Millisecond, &delay)
	got := make(chan string, 2)
	for range 2 {
		go func() {
			b := make([]byte, 1)
			n, err := c.Read(b)
			if err != nil {
				got <- err.Error()
				return
			}
			got <- string(b[:n])
		}()
	}
	_, err := c.Write([]byte("x\n")) // echoed back: two bytes for two readers
	require.NoError(t, err)
	both := []string{<-got, <-got}
	require.ElementsMatch(t, []string{"x", "\n"}, both)
	require.Zero(t, p.reads.Load())
	require.False(t, c.reading.Load())
}
