package core

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// forever stands for redis-py's None timeouts: go-redis reads 0 as "use the
// default", so "no bound" must be a large value (the caller's context still
// bounds every call).
const forever = 365 * 24 * time.Hour

// connect makes the go-redis client for resolved options, its reads
// busy-polling up to busyPoll. It does no I/O: the first command dials.
func connect(o Options, busyPoll time.Duration) (redis.UniversalClient, error) {
	tlsConf, err := tlsConfig(o)
	if err != nil {
		return nil, err
	}
	readTimeout := time.Duration(-1) // go-redis: no deadline
	if o.SocketTimeout != nil {
		readTimeout = seconds(*o.SocketTimeout)
	}
	connectTimeout := forever
	if t := o.SocketConnectTimeout; t != nil {
		connectTimeout = seconds(*t)
	} else if o.SocketTimeout != nil {
		connectTimeout = readTimeout
	}
	poll := newPollers(busyPoll)
	dial := dialer(tlsConf, connectTimeout, o.SocketKeepalive, poll)
	poolSize, maxActive, pipelinePool := 0, 0, 0
	if o.MaxConnections != nil {
		// A hard cap needs all three: the pool grows past PoolSize otherwise,
		// and pipelines have a pool of their own.
		poolSize, maxActive, pipelinePool = *o.MaxConnections, *o.MaxConnections, -1
	}
	noMaintenance := &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}

	if o.Mode == ModeCluster {
		addrs := make([]string, len(o.StartupNodes))
		for i, n := range o.StartupNodes {
			addrs[i] = n.Addr()
		}
		probeTimeout := connectTimeout
		if readTimeout > 0 && readTimeout < probeTimeout {
			probeTimeout = readTimeout
		}
		prober := &seedProber{seeds: addrs, timeout: probeTimeout, client: func(addr string) *redis.Client {
			return redis.NewClient(&redis.Options{
				Addr: addr, Dialer: dial, Protocol: o.Protocol, Username: o.Username, Password: o.Password,
				DialTimeout: probeTimeout, DialerRetries: 1, ReadTimeout: probeTimeout, WriteTimeout: probeTimeout,
				ContextTimeoutEnabled: true, MaxRetries: -1, PoolSize: 1, PipelinePoolSize: -1,
				DisableIdentity: true, MaintNotificationsConfig: noMaintenance,
			})
		}}
		var onConnect func(context.Context, *redis.Conn) error
		if o.ReadFromReplicas {
			// go-redis sends READONLY itself only without ClusterSlots; on a
			// primary it is harmless.
			onConnect = func(ctx context.Context, cn *redis.Conn) error { return cn.ReadOnly(ctx).Err() }
		}
		cc := redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:        addrs,
			ClusterSlots: prober.clusterSlots,
			OnConnect:    onConnect,
			ClientName:   o.ClientName,
			Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return dial(ctx, network, prober.restoreHost(addr))
			},
			Protocol:     o.Protocol,
			Username:     o.Username,
			Password:     o.Password,
			MaxRedirects: o.ClusterErrorRetryAttempts,
			// Pauses between retries stay short: a failover is followed by
			// the slot map reloads the node guards ask for, and a pause of
			// go-redis's up-to-1 s only delays the call that could go on.
			MaxRetryBackoff: 100 * time.Millisecond,
			ReadOnly:        o.ReadFromReplicas,
			// redis-py spreads replica reads over the primary and replicas.
			RouteRandomly: o.ReadFromReplicas,
			// Retries happen once, in the cluster's loop, which tries another
			// node after a failure; node-level retries would multiply the
			// time a dead node costs.
			MaxRetries:       -1,
			DialTimeout:      connectTimeout,
			DialerRetries:    1,
			ReadTimeout:      readTimeout,
			WriteTimeout:     readTimeout,
			PoolSize:         poolSize,
			MaxActiveConns:   maxActive,
			PipelinePoolSize: pipelinePool,
			ReadBufferSize:   o.SocketReadSize,
			// An ACL user without the COMMAND permission must work: routing
			// policies would run COMMAND and log its failure on every call.
			DisableRoutingPolicies:   true,
			DisableIdentity:          true,
			MaintNotificationsConfig: noMaintenance,
		})
		reloader := &clusterReloader{cluster: cc}
		cc.OnNewNode(func(node *redis.Client) { guard(node, prober.restoreHost(node.Options().Addr), reloader.reload) })
		if readTimeout > 0 && connectTimeout < forever {
			cc.AddHook(callBudget{budget: connectTimeout + readTimeout})
		}
		cc.AddHook(pauseForFanOut{pollers: poll})
		return cc, nil
	}

	if o.Mode == ModeSentinel {
		dialSentinel, dialTimeout := dial, connectTimeout
		if s := o.SentinelSettings; s != nil {
			sentinelTLS, err := tlsConfig(*s)
			if err != nil {
				return nil, err
			}
			timeout := forever
			if s.SocketConnectTimeout != nil {
				timeout = seconds(*s.SocketConnectTimeout)
			} else if s.SocketTimeout != nil {
				timeout = seconds(*s.SocketTimeout)
			}
			dialSentinel = ownTimeout(dialer(sentinelTLS, timeout, s.SocketKeepalive, poll), s.SocketTimeout)
			dialTimeout = max(dialTimeout, timeout)
		}
		return connectSentinel(o, dial, dialSentinel, clientTimeouts{
			dial: dialTimeout, read: readTimeout, poolSize: poolSize, maxActive: maxActive, pipelinePool: pipelinePool,
		}), nil
	}

	network, addr := "tcp", addr(o)
	if o.UnixSocketPath != "" {
		network = "unix"
	}
	client := redis.NewClient(&redis.Options{
		Network:    network,
		Addr:       addr,
		ClientName: o.ClientName,
		Dialer:     dial,
		Protocol:   o.Protocol,
		Username:   o.Username,
		Password:   o.Password,
		DB:         o.DB,
		// No resend: the pool checks a connection for a hang-up before it
		// hands it out, so a stale one is not used, and after a timeout the
		// command may have run (incr twice) and the server may hang (a
		// second socket_timeout of waiting).
		MaxRetries:               -1,
		DialTimeout:              connectTimeout,
		DialerRetries:            1,
		ReadTimeout:              readTimeout,
		WriteTimeout:             readTimeout,
		PoolSize:                 poolSize,
		MaxActiveConns:           maxActive,
		PipelinePoolSize:         pipelinePool,
		ReadBufferSize:           o.SocketReadSize,
		DisableIdentity:          true,
		MaintNotificationsConfig: noMaintenance,
	})
	guard(client, addr, nil)
	return client, nil
}

// addr is where a standalone server listens, as connect dials it.
func addr(o Options) string {
	if o.UnixSocketPath != "" {
		return o.UnixSocketPath
	}
	return net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// dialer connects within one connect timeout, TLS handshake included, and
// honours the caller's context (go-redis's own TLS dial ignores it). With a
// custom dialer go-redis ignores TLSConfig, so TLS happens here.
func dialer(conf *tls.Config, timeout time.Duration, keepalive bool, poll *pollers) func(context.Context, string, string) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	if !keepalive {
		d.KeepAlive = -1
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		conn = poll.wrap(conn)
		if conf == nil {
			return conn, nil
		}
		// The name is checked when checking is on, and sent as SNI always
		// (as redis-py does): proxies in front of Redis route on it.
		c := conf.Clone()
		c.ServerName, _, _ = net.SplitHostPort(addr)
		tc := tls.Client(conn, c)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, &handshakeError{addr: addr, err: err}
		}
		return &alertConn{Conn: tc}, nil
	}
}

// handshakeError is a failed TLS handshake: a connection error that names
// TLS, whatever the cause (a certificate, a timeout, a plaintext server).
type handshakeError struct {
	addr string
	err  error
}

func (e *handshakeError) Error() string { return "tls handshake with " + e.addr + ": " + e.err.Error() }
func (e *handshakeError) Unwrap() error { return e.err }

// alertConn keeps the server's reason when it refuses the client's
// certificate. Under TLS 1.3 the refusal comes after the handshake, as an
// alert followed by a reset; a write that meets the reset first hides the
// alert, which is still waiting in the receive buffer.
type alertConn struct {
	*tls.Conn
	hasRead atomic.Bool
}

func (c *alertConn) Read(b []byte) (int, error) {
	c.hasRead.Store(true)
	return c.Conn.Read(b)
}

func (c *alertConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if err == nil || c.hasRead.Load() {
		return n, err
	}
	_ = c.Conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	var buf [1]byte
	_, rerr := c.Conn.Read(buf[:])
	var op *net.OpError
	if errors.As(rerr, &op) && op.Op == "remote error" {
		return n, rerr
	}
	return n, err
}

// isConnectionError: the command may not have reached Redis, or its answer
// did not come back.
func isConnectionError(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	var hsErr *handshakeError
	var unanswered *unansweredError
	var budget *budgetError
	return errors.As(err, &hsErr) || errors.As(err, &unanswered) || errors.As(err, &budget) || errors.As(err, &netErr) || errors.As(err, &opErr) || errors.Is(err, redis.ErrClosed) ||
		errors.Is(err, net.ErrClosed) || isEOF(err) || errors.Is(err, redis.ErrPoolTimeout)
}

func isClusterDown(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && len(rerr.Error()) >= 11 && rerr.Error()[:11] == "CLUSTERDOWN"
}
