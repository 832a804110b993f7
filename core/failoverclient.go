package core

import (
	"context"
	"net"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// connectSentinel makes the go-redis failover client of one
// Sentinel-managed server: its connections go to the master the sentinels
// name (Role "master") or to a random replica they report up, the master
// when there is none (Role "replica", go-redis's ReplicaOnly). redis-py
// rotates over the replicas per connection from a random start; both spread
// a pool's connections over the replicas and never send a write there.
//
// go-redis dials the sentinels and the servers with the one Dialer: it
// tells them apart by address, so that each gets its own TLS, timeouts and
// keep-alive. Sentinels that go-redis discovers beyond
// OPTIONS.SENTINELS are dialled as the servers are.
func connectSentinel(o Options, dial, dialSentinel dialFunc, t clientTimeouts) *redis.Client {
	addrs := make([]string, len(o.Sentinels))
	isSentinel := make(map[string]bool, len(o.Sentinels))
	for i, n := range o.Sentinels {
		addrs[i] = n.Addr()
		isSentinel[addrs[i]] = true
	}
	asked := Options{}
	if o.SentinelSettings != nil {
		asked = *o.SentinelSettings
	}
	client := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName:       o.ServiceName,
		SentinelAddrs:    addrs,
		SentinelUsername: asked.Username,
		SentinelPassword: asked.Password,
		ReplicaOnly:      o.Role == RoleReplica,
		ClientName:       o.ClientName,
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if isSentinel[addr] {
				return dialSentinel(ctx, network, addr)
			}
			return dial(ctx, network, addr)
		},
		Protocol: o.Protocol,
		Username: o.Username,
		Password: o.Password,
		DB:       o.DB,
		// No resend, as for a standalone server (connect.go).
		MaxRetries:       -1,
		DialTimeout:      t.dial, // each dialer bounds its own
		DialerRetries:    1,
		ReadTimeout:      t.read,
		WriteTimeout:     t.read,
		PoolSize:         t.poolSize,
		MaxActiveConns:   t.maxActive,
		PipelinePoolSize: t.pipelinePool,
		ReadBufferSize:   o.SocketReadSize,
		DisableIdentity:  true,
	})
	guard(client, "the "+o.Role+" of Sentinel service "+o.ServiceName, nil)
	return client
}

type dialFunc = func(context.Context, string, string) (net.Conn, error)

// clientTimeouts are the settings connect derives once for every kind of
// client.
type clientTimeouts struct {
	dial, read                        time.Duration
	poolSize, maxActive, pipelinePool int
}

// ownTimeout holds each connection dial makes to its own socket timeout (nil:
// none). go-redis sets every read and write deadline of the sentinels'
// connections from the one ReadTimeout it has for them and the servers; a
// zero deadline (a pub/sub wait) stays zero.
func ownTimeout(dial dialFunc, socketTimeout *float64) dialFunc {
	timeout := time.Duration(-1)
	if socketTimeout != nil {
		timeout = seconds(*socketTimeout)
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		c := &timedConn{Conn: conn, timeout: timeout}
		if sc, ok := conn.(syscall.Conn); ok {
			// go-redis checks a pooled connection through its raw socket.
			return &timedSyscallConn{timedConn: c, sc: sc}, nil
		}
		return c, nil
	}
}

type timedConn struct {
	net.Conn
	timeout time.Duration // < 0: none
}

func (c *timedConn) own(t time.Time) time.Time {
	if t.IsZero() || c.timeout < 0 {
		return time.Time{}
	}
	return time.Now().Add(c.timeout)
}

func (c *timedConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.own(t)) }
func (c *timedConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.own(t)) }
func (c *timedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.own(t)) }

type timedSyscallConn struct {
	*timedConn
	sc syscall.Conn
}

func (c *timedSyscallConn) SyscallConn() (syscall.RawConn, error) { return c.sc.SyscallConn() }
